import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { ingestFinding, type CaseSettings } from '../../shared/cases/case-service';
import type { CaseStore } from '../../shared/cases/store';
import { EventSources } from '../../shared/catalogue';
import { envelopeProblem, findingProblem, type BusEnvelope } from '../../shared/contracts/guards';
import type { Finding } from '../../shared/contracts/finding';

export interface CasesDeps {
  store: CaseStore;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
  settings: CaseSettings;
  now?: () => Date;
}

/** cases: findings (EventBridge events via SQS) → cases in DynamoDB → case events on the bus. */
export function createCasesHandler(deps: CasesDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const out: BusEvent[] = [];
    // One record at a time: findings of one batch often share a case, and in order they never contend.
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? (envelopeProblem(parsed.value) ?? findingProblem((parsed.value as BusEnvelope<unknown>).detail)) : parsed.reason;
      if (problem || !parsed.ok) {
        bad.push({ messageId: record.messageId, stage: 'cases', reason: problem ?? 'unreadable', body: record.body });
        continue;
      }
      const finding = (parsed.value as BusEnvelope<Finding>).detail;
      try {
        const events = await ingestFinding(deps.store, finding, deps.settings, deps.now?.() ?? new Date(), record.messageId);
        for (const e of events) out.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: record.messageId });
      } catch {
        failed.add(record.messageId);
      }
    }
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, out),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    return batchResponse([...failed, ...publishFailed, ...quarantineFailed]);
  };
}
