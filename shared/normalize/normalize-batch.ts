import type { TelemetryEvent } from '../telemetry';
import { normalizeRecord } from './registry';

export interface RawMessage {
  messageId: string;
  body: string;
}

export interface Rejected {
  messageId: string;
  reason: string;
  source?: string;
  body: string;
}

export interface NormalizedBatch {
  events: { event: TelemetryEvent; source: string }[];
  rejected: Rejected[];
}

/**
 * Normalizes a batch of inbound messages. Pure: a bad message is returned with
 * its reason (for quarantine) and never stops the rest of the batch.
 */
export function normalizeBatch(messages: readonly RawMessage[]): NormalizedBatch {
  const events: NormalizedBatch['events'] = [];
  const rejected: Rejected[] = [];
  for (const m of messages) {
    let record: unknown;
    try {
      record = JSON.parse(m.body);
    } catch (e) {
      rejected.push({ messageId: m.messageId, reason: `not JSON: ${(e as Error).message}`, body: m.body });
      continue;
    }
    const result = normalizeRecord(record);
    if (!result.ok) {
      rejected.push({ messageId: m.messageId, reason: result.reason, source: result.source, body: m.body });
      continue;
    }
    for (const event of result.events) events.push({ event, source: m.messageId });
  }
  return { events, rejected };
}
