import type { TelemetryEvent } from '../telemetry';
import { unwrapText } from './envelopes';
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
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Normalizes a batch of inbound messages, each holding one record or many
 * (a JSON array, NDJSON, a CloudTrail log file, flow log lines). Pure: every
 * record that cannot be read or mapped comes back with its reason, for
 * quarantine, and never stops the rest of its message or batch.
 */
export function normalizeBatch(messages: readonly RawMessage[]): NormalizedBatch {
  const events: NormalizedBatch['events'] = [];
  const rejected: Rejected[] = [];
  for (const m of messages) {
    const { records, failures } = unwrapText(m.body);
    for (const f of failures) {
      const where = f.line !== undefined ? ` (line ${f.line})` : f.index !== undefined ? ` (element ${f.index})` : '';
      rejected.push({ messageId: m.messageId, reason: `${f.reason}${where}`, body: asText(f.input) });
    }
    if (!records.length && !failures.length) rejected.push({ messageId: m.messageId, reason: 'empty message', body: m.body });
    for (const record of records) {
      const result = normalizeRecord(record);
      if (result.ok) for (const event of result.events) events.push({ event, source: m.messageId });
      else rejected.push({ messageId: m.messageId, reason: result.reason, source: result.source, body: JSON.stringify(record) });
    }
  }
  return { events, rejected };
}
