import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { objectRecords } from '../../shared/aws/s3-object-records';
import { batchResponse, inbound } from '../../shared/aws/sqs-batch';
import { packJson, sendMessages, type OutboundMessage } from '../../shared/aws/sqs-sender';
import type { TelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { batchMetricsLine, countQuarantined, newBatchCounts } from '../../shared/normalize/batch-metrics';
import type { UnwrapOptions } from '../../shared/normalize/envelopes';
import { normalizeMessage, type BatchSink } from '../../shared/normalize/normalize-batch';
import { normalizeRecord } from '../../shared/normalize/registry';
import { continuationOf, s3ObjectsOf, type S3ObjectRef } from '../../shared/normalize/s3-notification';
import type { TelemetryEvent } from '../../shared/telemetry';

export interface NormalizeDeps {
  sqs: SQSClient;
  /** For S3 object-created notifications (log files delivered to S3). */
  s3?: S3Client;
  detectQueueUrl: string;
  quarantineQueueUrl: string;
  /**
   * normalize's own queue: an S3 object that does not fit in what is left of
   * an invocation is continued there. Absent = objects are always read whole.
   */
  normalizeQueueUrl?: string;
  /** Tenant dimension of the batch metrics. */
  tenantId?: string;
  /** Time left in the invocation below which S3 reading stops at a record boundary; default 10 s. */
  reserveMs?: number;
  /** Hints for CloudWatch Logs payloads (custom VPC Flow Log formats by log group). */
  unwrapOptions?: UnwrapOptions;
  /** Where the batch's EMF line goes; stdout by default (Lambda ships it to CloudWatch Logs as is). */
  writeMetrics?: (line: string) => void;
}

/**
 * Events sent on as soon as this many are pending (checked between S3 parts
 * and between messages), so a large S3 object never sits whole in memory and
 * the events of a full batch never all stay alive at once: past a few
 * thousand, keeping them costs the garbage collector more than mapping them.
 */
const FLUSH_EVENTS = 2000;
/** Enough to flush pending events, send the continuation and quarantine within a 60 s function. */
const DEFAULT_RESERVE_MS = 10_000;

const stdoutLine = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/**
 * normalize: source records → OCSF telemetry batches on the detect queue; bad
 * records → quarantine. A message is records (one, an array, NDJSON, a
 * CloudWatch Logs subscription payload, …), an S3 notification whose log
 * objects are streamed, or a continuation of an object an earlier
 * invocation could not finish. Each invocation writes one EMF metrics line.
 */
export function createNormalizeHandler(deps: NormalizeDeps) {
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const writeMetrics = deps.writeMetrics ?? stdoutLine;
  return async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const counts = newBatchCounts();
    const remaining = () => (context?.getRemainingTimeInMillis ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY);
    let pending: { item: TelemetryEvent; source: string }[] = [];
    const flush = async () => {
      const messages = packJson(pending, (batch: TelemetryEvent[]): TelemetryBatch => ({ v: 1, events: batch }));
      pending = [];
      for (const id of await sendMessages(deps.sqs, deps.detectQueueUrl, messages)) failed.add(id);
    };
    const continuations: OutboundMessage[] = [];
    // Once the budget runs low, every object not yet finished is handed on rather than started.
    let outOfTime = false;
    const handOn = (messageId: string, ref: S3ObjectRef, position = ref.resume ?? { records: 0, failures: 0 }) => {
      continuations.push({ body: JSON.stringify(continuationOf(ref.bucket, ref.key, position)), sources: [messageId] });
    };

    const direct = [];
    for (const m of inbound(event.Records)) {
      const objects = deps.s3 ? s3ObjectsOf(m.body) : undefined;
      if (!objects) {
        direct.push(m);
        continue;
      }
      for (const ref of objects) {
        if (outOfTime) {
          handOn(m.messageId, ref);
          continue;
        }
        let progressed = false;
        try {
          for await (const part of objectRecords(deps.s3 as S3Client, ref)) {
            counts.recordsIn += part.records.length + part.failures.length;
            for (const f of part.failures) bad.push(objectFailure(m.messageId, ref, f.reason, f.line, f.input));
            for (const record of part.records) {
              const r = normalizeRecord(record);
              if (r.ok) for (const e of r.events) pending.push({ item: e, source: m.messageId });
              else bad.push({ ...objectFailure(m.messageId, ref, r.reason, undefined, record), source: r.source });
            }
            if (part.records.length || part.failures.length) progressed = true;
            if (pending.length >= FLUSH_EVENTS) {
              counts.eventsOut += pending.length;
              await flush();
            }
            // Stop only at a record boundary, and only after some progress, so every invocation moves the object on.
            if (deps.normalizeQueueUrl && !part.last && progressed && remaining() < reserveMs) {
              handOn(m.messageId, ref, part.position());
              outOfTime = true;
              break;
            }
          }
        } catch (e) {
          // A missing, unreadable or corrupt object is quarantined whole, by its key.
          bad.push({ messageId: m.messageId, stage: 'normalize', reason: `s3://${ref.bucket}/${ref.key} unreadable: ${(e as Error).message}`, source: 's3', body: JSON.stringify({ bucket: ref.bucket, key: ref.key, ...(ref.resume ? { resume: ref.resume } : {}) }) });
        }
      }
    }

    const sink: BatchSink = {
      event: (item, source) => {
        pending.push({ item, source });
      },
      reject: (r) => {
        bad.push({ ...r, stage: 'normalize' });
      },
    };
    for (const m of direct) {
      counts.recordsIn += normalizeMessage(m, sink, deps.unwrapOptions);
      if (pending.length >= FLUSH_EVENTS) {
        counts.eventsOut += pending.length;
        await flush();
      }
    }
    counts.eventsOut += pending.length;
    await flush();
    if (continuations.length && deps.normalizeQueueUrl) {
      counts.continuations = continuations.length;
      for (const id of await sendMessages(deps.sqs, deps.normalizeQueueUrl, continuations)) failed.add(id);
    }
    for (const q of bad) countQuarantined(counts, q.reason);
    for (const id of await quarantine(deps.sqs, deps.quarantineQueueUrl, bad)) failed.add(id);
    writeMetrics(batchMetricsLine(counts, { tenant: deps.tenantId ?? 'unknown', stage: 'normalize' }, Date.now()));
    return batchResponse(failed);
  };
}

function objectFailure(messageId: string, ref: S3ObjectRef, reason: string, line: number | undefined, input: unknown): QuarantineItem {
  const where = `s3://${ref.bucket}/${ref.key}${line !== undefined ? ` line ${line}` : ''}`;
  return { messageId, stage: 'normalize', reason: `${reason} (${where})`, body: typeof input === 'string' ? input : JSON.stringify(input) };
}
