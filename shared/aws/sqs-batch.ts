import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/** What a stage hands back to the event source mapping: only the messages to retry. */
export function batchResponse(failedMessageIds: Iterable<string>): SQSBatchResponse {
  return { batchItemFailures: [...new Set(failedMessageIds)].map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The parts of an SQS record the stages read. */
export interface InboundMessage {
  messageId: string;
  body: string;
}

export function inbound(records: readonly SQSRecord[]): InboundMessage[] {
  return records.map((r) => ({ messageId: r.messageId, body: r.body }));
}

/** Parses a JSON body; returns the reason instead of throwing so one bad record cannot fail a batch. */
export function parseJsonBody(body: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
}
