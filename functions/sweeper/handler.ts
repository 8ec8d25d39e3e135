import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendMessages } from '../../shared/aws/sqs-sender';
import type { EscalationStore } from '../../shared/escalation/store';
import type { TimerMessage } from '../escalate/handler';

export interface SweeperDeps {
  store: EscalationStore;
  sqs: SQSClient;
  escalateQueueUrl: string;
  now?: () => Date;
}

const PAGE = 100;

/**
 * Every minute (an EventBridge schedule; the local runtime ticks it every
 * second): due timers go to the escalate queue, then leave the table. A crash
 * between the two re-sends them next sweep; escalate drops what already ran.
 */
export function createSweeperHandler(deps: SweeperDeps) {
  return async (): Promise<{ swept: number }> => {
    let swept = 0;
    for (;;) {
      const due = await deps.store.due(deps.now?.() ?? new Date(), PAGE);
      if (!due.length) break;
      const failed = await sendMessages(
        deps.sqs,
        deps.escalateQueueUrl,
        due.map((timer, i) => ({ body: JSON.stringify({ type: 'EscalationTimer', timer } satisfies TimerMessage), sources: [String(i)] })),
      );
      const sent = due.filter((_, i) => !failed.has(String(i)));
      for (const t of sent) await deps.store.remove(t);
      swept += sent.length;
      if (failed.size || due.length < PAGE) break;
    }
    return { swept };
  };
}
