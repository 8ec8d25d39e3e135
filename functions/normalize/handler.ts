import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { objectRecords } from '../../shared/aws/s3-object-records';
import { batchResponse, inbound } from '../../shared/aws/sqs-batch';
import { packJson, sendMessages } from '../../shared/aws/sqs-sender';
import type { TelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { normalizeBatch } from '../../shared/normalize/normalize-batch';
import { normalizeRecord } from '../../shared/normalize/registry';
import { s3ObjectsOf, type S3ObjectRef } from '../../shared/normalize/s3-notification';
import type { TelemetryEvent } from '../../shared/telemetry';

export interface NormalizeDeps {
  sqs: SQSClient;
  /** For S3 object-created notifications (log files delivered to S3). */
  s3?: S3Client;
  detectQueueUrl: string;
  quarantineQueueUrl: string;
}

/** Events sent on as soon as this many are pending, so a large S3 object never sits whole in memory. */
const FLUSH_EVENTS = 5000;

/**
 * normalize: source records → OCSF telemetry batches on the detect queue; bad
 * records → quarantine. A message is records (one, an array, NDJSON, …) or an
 * S3 notification whose log objects are streamed.
 */
export function createNormalizeHandler(deps: NormalizeDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    let pending: { item: TelemetryEvent; source: string }[] = [];
    const flush = async () => {
      const messages = packJson(pending, (batch: TelemetryEvent[]): TelemetryBatch => ({ v: 1, events: batch }));
      pending = [];
      for (const id of await sendMessages(deps.sqs, deps.detectQueueUrl, messages)) failed.add(id);
    };

    const direct = [];
    for (const m of inbound(event.Records)) {
      const objects = deps.s3 ? s3ObjectsOf(m.body) : undefined;
      if (!objects) {
        direct.push(m);
        continue;
      }
      for (const ref of objects) {
        try {
          for await (const part of objectRecords(deps.s3 as S3Client, ref)) {
            for (const f of part.failures) bad.push(objectFailure(m.messageId, ref, f.reason, f.line, f.input));
            for (const record of part.records) {
              const r = normalizeRecord(record);
              if (r.ok) for (const e of r.events) pending.push({ item: e, source: m.messageId });
              else bad.push({ ...objectFailure(m.messageId, ref, r.reason, undefined, record), source: r.source });
            }
            if (pending.length >= FLUSH_EVENTS) await flush();
          }
        } catch (e) {
          // A missing, unreadable or corrupt object is quarantined whole, by its key.
          bad.push({ messageId: m.messageId, stage: 'normalize', reason: `s3://${ref.bucket}/${ref.key} unreadable: ${(e as Error).message}`, source: 's3', body: JSON.stringify(ref) });
        }
      }
    }

    const { events, rejected } = normalizeBatch(direct);
    for (const e of events) pending.push({ item: e.event, source: e.source });
    for (const r of rejected) bad.push({ ...r, stage: 'normalize' });
    await flush();
    for (const id of await quarantine(deps.sqs, deps.quarantineQueueUrl, bad)) failed.add(id);
    return batchResponse(failed);
  };
}

function objectFailure(messageId: string, ref: S3ObjectRef, reason: string, line: number | undefined, input: unknown): QuarantineItem {
  const where = `s3://${ref.bucket}/${ref.key}${line !== undefined ? ` line ${line}` : ''}`;
  return { messageId, stage: 'normalize', reason: `${reason} (${where})`, body: typeof input === 'string' ? input : JSON.stringify(input) };
}
