import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../shared/aws/sqs-batch';
import { EventSources, type StageId } from '../shared/catalogue';
import type { CaseEvent } from '../shared/contracts/case-event';
import type { BusEnvelope } from '../shared/contracts/guards';

/** Thrown by a stage for a record no retry can fix: it is quarantined with this reason. */
export class Unprocessable extends Error {
  constructor(
    reason: string,
    readonly source?: string,
  ) {
    super(reason);
    this.name = 'Unprocessable';
  }
}

/** What one record came to: the case events to publish, or 'retry' to have SQS deliver it again. */
export type RecordResult = CaseEvent[] | 'retry';

export interface EnvelopeBatchDeps {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
}

export interface EnvelopeStage<T> {
  stage: StageId;
  /** Why a parsed body is not an envelope this stage takes, or undefined. */
  problem(value: unknown): string | undefined;
  handle(envelope: BusEnvelope<T>, record: SQSRecord): Promise<RecordResult>;
}

/**
 * The loop of the stages fed EventBridge envelopes through SQS: parse and
 * check each record (bad ones quarantined with the reason), handle the rest
 * one by one (Unprocessable → quarantined; any other error → retried), then
 * publish the case events once for the batch and report partial failures.
 */
export async function runEnvelopeBatch<T>(event: SQSEvent, deps: EnvelopeBatchDeps, stage: EnvelopeStage<T>): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const bad: QuarantineItem[] = [];
  const out: BusEvent[] = [];
  for (const record of event.Records) {
    const parsed = parseJsonBody(record.body);
    const problem = parsed.ok ? stage.problem(parsed.value) : parsed.reason;
    if (problem || !parsed.ok) {
      bad.push({ messageId: record.messageId, stage: stage.stage, reason: problem ?? 'unreadable', body: record.body });
      continue;
    }
    try {
      const result = await stage.handle(parsed.value as BusEnvelope<T>, record);
      if (result === 'retry') failed.add(record.messageId);
      else for (const e of result) out.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: record.messageId });
    } catch (e) {
      if (!(e instanceof Unprocessable)) {
        failed.add(record.messageId);
        continue;
      }
      bad.push({ messageId: record.messageId, stage: stage.stage, reason: e.message, ...(e.source ? { source: e.source } : {}), body: record.body });
    }
  }
  const [publishFailed, quarantineFailed] = await Promise.all([publishEvents(deps.eventBridge, deps.busName, out), quarantine(deps.sqs, deps.quarantineQueueUrl, bad)]);
  return batchResponse([...failed, ...publishFailed, ...quarantineFailed]);
}
