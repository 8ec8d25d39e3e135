import type { TelemetryEvent } from '../telemetry';
import { unwrapText, type EnvelopeFailure, type UnwrapOptions } from './envelopes';
import { normalizeRecord } from './registry';

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

/**
 * Normalizes a batch of inbound messages, each holding one record or many
 * (a JSON array, NDJSON, a CloudTrail log file, flow log lines, a CloudWatch
 * Logs subscription payload). Pure: every record that cannot be read or
 * mapped comes back with its reason, for quarantine, and never stops the
 * rest of its message or batch.
 */
export function normalizeBatch(messages: readonly RawMessage[], options: UnwrapOptions = {}): NormalizedBatch {
  const events: NormalizedBatch['events'] = [];
  const rejected: Rejected[] = [];
  let recordsIn = 0;
  for (const m of messages) {
    const { records, failures, skipped } = unwrapText(m.body, options);
    recordsIn += records.length + failures.length;
    for (const f of failures) {
      rejected.push({ messageId: m.messageId, reason: `${f.reason}${failurePosition(f)}`, body: asText(f.input) });
    }
    if (!records.length && !failures.length && !skipped) rejected.push({ messageId: m.messageId, reason: 'empty message', body: m.body });
    for (const record of records) {
      const result = normalizeRecord(record);
      if (result.ok) for (const event of result.events) events.push({ event, source: m.messageId });
      else rejected.push({ messageId: m.messageId, reason: result.reason, source: result.source, body: JSON.stringify(record) });
    }
  }
  return { events, rejected, recordsIn };
}
