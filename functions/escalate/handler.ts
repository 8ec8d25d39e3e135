import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { sendMessages, type OutboundMessage } from '../../shared/aws/sqs-sender';
import type { CaseStore } from '../../shared/cases/store';
import { EventSources } from '../../shared/catalogue';
import type { CaseEventDetail } from '../../shared/contracts/case-event';
import { caseEventProblem, envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';
import { onCaseEvent, onTimer, type Step } from '../../shared/escalation/escalation-service';
import type { EscalationConfig } from '../../shared/escalation/policy';
import type { EscalationStore, EscalationTimer } from '../../shared/escalation/store';

/** Body of a due timer on the escalate queue (sent by the sweeper). */
export interface TimerMessage {
  type: 'EscalationTimer';
  timer: EscalationTimer;
}

export interface EscalateDeps {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  notifyQueueUrl: string;
  quarantineQueueUrl: string;
  escalation: EscalationConfig;
  store: EscalationStore;
  cases: Pick<CaseStore, 'getCase'>;
  now?: () => Date;
}

const isTimer = (v: unknown): v is TimerMessage => (v as TimerMessage)?.type === 'EscalationTimer' && typeof (v as TimerMessage).timer?.caseId === 'string';

/**
 * escalate: case events and due timers → pages on the notify queue and
 * escalation events on the bus. Every decision re-reads the case and its run,
 * so a late or repeated message cannot page a case someone has taken.
 */
export function createEscalateHandler(deps: EscalateDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const bad: QuarantineItem[] = [];
    const failed = new Set<string>();
    const pages: OutboundMessage[] = [];
    const events: BusEvent[] = [];
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const ctx = { store: deps.store, cases: deps.cases, config: deps.escalation, now: deps.now?.() ?? new Date() };
      let step: Step;
      try {
        if (parsed.ok && isTimer(parsed.value)) {
          step = await onTimer(ctx, parsed.value.timer);
        } else {
          const problem = parsed.ok ? (envelopeProblem(parsed.value) ?? caseEventProblem((parsed.value as BusEnvelope<unknown>).detail)) : parsed.reason;
          if (problem || !parsed.ok) {
            bad.push({ messageId: record.messageId, stage: 'escalate', reason: problem ?? 'unreadable', body: record.body });
            continue;
          }
          const envelope = parsed.value as BusEnvelope<CaseEventDetail>;
          step = await onCaseEvent(ctx, envelope['detail-type'], envelope.detail);
        }
      } catch {
        failed.add(record.messageId);
        continue;
      }
      for (const n of step.notifications) pages.push({ body: JSON.stringify(n), sources: [record.messageId] });
      for (const e of step.events) events.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: record.messageId });
    }
    const [sendFailed, publishFailed, quarantineFailed] = await Promise.all([
      sendMessages(deps.sqs, deps.notifyQueueUrl, pages),
      publishEvents(deps.eventBridge, deps.busName, events),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    return batchResponse([...failed, ...sendFailed, ...publishFailed, ...quarantineFailed]);
  };
}
