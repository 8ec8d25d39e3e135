import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { ingestFindings, type CaseSettings } from '../../shared/cases/case-service';
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
    const findings: Finding[] = [];
    const messagesOf = new Map<string, string[]>();
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? (envelopeProblem(parsed.value) ?? findingProblem((parsed.value as BusEnvelope<unknown>).detail)) : parsed.reason;
      if (problem || !parsed.ok) {
        bad.push({ messageId: record.messageId, stage: 'cases', reason: problem ?? 'unreadable', body: record.body });
        continue;
      }
      const finding = (parsed.value as BusEnvelope<Finding>).detail;
      findings.push(finding);
      messagesOf.set(finding.findingId, [...(messagesOf.get(finding.findingId) ?? []), record.messageId]);
    }
    // The whole batch at once: findings sharing a case are written together.
    const requestId = event.Records[0]?.messageId ?? 'empty-batch';
    const groupMessages: string[][] = [];
    for (const outcome of await ingestFindings(deps.store, findings, deps.settings, deps.now?.() ?? new Date(), requestId)) {
      const messages = outcome.findings.flatMap((f) => messagesOf.get(f.findingId) ?? []);
      if (outcome.error) {
        for (const m of messages) failed.add(m);
        continue;
      }
      // Each event once; if it cannot be published, every message of its group is retried (and re-emits it).
      const key = String(groupMessages.push(messages) - 1);
      for (const e of outcome.events) out.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key });
    }
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, out),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    for (const g of publishFailed) for (const m of groupMessages[Number(g)]) failed.add(m);
    return batchResponse([...failed, ...quarantineFailed]);
  };
}
