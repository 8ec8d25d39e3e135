import type { TelemetryEvent } from '../telemetry';
import { unwrapText, type EnvelopeFailure, type UnwrapOptions } from './envelopes';
import { builtInSources, normalizeRecord } from './registry';
import type { SourceMapper } from './source';

export interface RawMessage {
  messageId: string;
  body: string;
}

export interface Rejected {
  messageId: string;
  reason: string;
  source?: string;
  /** The part of the input that was rejected, as text. */
  body: string;
}

export interface NormalizedBatch {
  events: { event: TelemetryEvent; source: string }[];
  rejected: Rejected[];
  /** Vendor records read from the messages, the unreadable parts included (for the batch's metrics). */
  recordsIn: number;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Where a part of a message was, for the quarantine reason. */
export function failurePosition(f: EnvelopeFailure): string {
  if (f.logEventId !== undefined || f.logGroup !== undefined) {
    const parts = [f.logGroup !== undefined ? `log group ${f.logGroup}` : '', f.logEventId !== undefined ? `log event ${f.logEventId}` : f.index !== undefined ? `log event #${f.index}` : ''];
    return ` (${parts.filter(Boolean).join(', ')})`;
  }
  return f.line !== undefined ? ` (line ${f.line})` : f.index !== undefined ? ` (element ${f.index})` : '';
}

/** Where normalizeMessage hands its results, one at a time. */
export interface BatchSink {
  event(event: TelemetryEvent, messageId: string): void;
  reject(rejected: Rejected): void;
}

/**
 * Normalizes one inbound message, which may hold one record or many (a JSON
 * array, NDJSON, a CloudTrail log file, flow log lines, a CloudWatch Logs
 * subscription payload), handing each event and each rejection to the sink
 * as soon as it is made. A caller that packs or sends events as they come
 * keeps only a few alive, which matters: holding the ten thousand events of
 * a batch of NDJSON messages costs the garbage collector more than mapping
 * them (docs/benchmarks.md). Returns the number of vendor records read, the
 * unreadable parts included (for the batch's metrics). `sources`: the
 * built-in ones by default; a declarative mapping goes after them. Pure,
 * never throws.
 */
export function normalizeMessage(m: RawMessage, sink: BatchSink, options: UnwrapOptions = {}, sources: readonly SourceMapper[] = builtInSources): number {
  const { records, failures, skipped } = unwrapText(m.body, options);
  for (const f of failures) {
    sink.reject({ messageId: m.messageId, reason: `${f.reason}${failurePosition(f)}`, body: asText(f.input) });
  }
  if (!records.length && !failures.length && !skipped) sink.reject({ messageId: m.messageId, reason: 'empty message', body: m.body });
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const result = normalizeRecord(record, sources);
    if (result.ok) for (const event of result.events) sink.event(event, m.messageId);
    else sink.reject({ messageId: m.messageId, reason: result.reason, source: result.source, body: JSON.stringify(record) });
  }
  return records.length + failures.length;
}

/**
 * Normalizes a batch of inbound messages (see normalizeMessage) and returns
 * every event and rejection together. Pure: every record that cannot be read
 * or mapped comes back with its reason, for quarantine, and never stops the
 * rest of its message or batch.
 */
export function normalizeBatch(messages: readonly RawMessage[], options: UnwrapOptions = {}, sources: readonly SourceMapper[] = builtInSources): NormalizedBatch {
  const events: NormalizedBatch['events'] = [];
  const rejected: Rejected[] = [];
  const sink: BatchSink = {
    event: (event, source) => {
      events.push({ event, source });
    },
    reject: (r) => {
      rejected.push(r);
    },
  };
  let recordsIn = 0;
  for (const m of messages) recordsIn += normalizeMessage(m, sink, options, sources);
  return { events, rejected, recordsIn };
}
