import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { sendMessages, type OutboundMessage } from '../../shared/aws/sqs-sender';
import { DetailTypes } from '../../shared/catalogue';
import type { CaseEventDetail } from '../../shared/contracts/case-event';
import { caseEventProblem, envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';
import { planOpening } from '../../shared/escalation/plan';
import type { EscalationConfig } from '../../shared/escalation/policy';

export interface EscalateDeps {
  sqs: SQSClient;
  notifyQueueUrl: string;
  quarantineQueueUrl: string;
  escalation: EscalationConfig;
}

/** escalate: case events → notification requests on the notify queue. */
export function createEscalateHandler(deps: EscalateDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const bad: QuarantineItem[] = [];
    const out: OutboundMessage[] = [];
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? (envelopeProblem(parsed.value) ?? caseEventProblem((parsed.value as BusEnvelope<unknown>).detail)) : parsed.reason;
      if (problem || !parsed.ok) {
        bad.push({ messageId: record.messageId, stage: 'escalate', reason: problem ?? 'unreadable', body: record.body });
        continue;
      }
      const envelope = parsed.value as BusEnvelope<CaseEventDetail>;
      // Acknowledge and resolve stop a run; with first-tier-only escalation there is nothing timed to stop yet.
      if (envelope['detail-type'] !== DetailTypes.caseOpened) continue;
      for (const n of planOpening(envelope.detail, deps.escalation)) {
        out.push({ body: JSON.stringify(n), sources: [record.messageId] });
      }
    }
    const [sendFailed, quarantineFailed] = await Promise.all([
      sendMessages(deps.sqs, deps.notifyQueueUrl, out),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    return batchResponse([...sendFailed, ...quarantineFailed]);
  };
}
