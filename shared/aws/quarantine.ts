import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendMessages } from './sqs-sender';

/** A record set aside with its reason, so nothing is dropped silently. */
export interface QuarantineItem {
  messageId: string;
  stage: string;
  reason: string;
  source?: string;
  /** The input exactly as received. */
  body: string;
}

const MAX_REASON = 1000;

/**
 * Writes quarantined records to the quarantine queue: one SendMessageBatch per
 * ten records, the reason in message attributes beside the untouched input.
 * Returns the message ids that could not be quarantined (to be retried).
 */
export async function quarantine(sqs: SQSClient, queueUrl: string, items: readonly QuarantineItem[]): Promise<Set<string>> {
  if (!items.length) return new Set();
  return sendMessages(
    sqs,
    queueUrl,
    items.map((q) => ({
      body: q.body === '' ? '(empty body)' : q.body,
      sources: [q.messageId],
      attributes: {
        stage: { DataType: 'String', StringValue: q.stage },
        reason: { DataType: 'String', StringValue: q.reason.slice(0, MAX_REASON) },
        source: { DataType: 'String', StringValue: q.source ?? 'unknown' },
        originalMessageId: { DataType: 'String', StringValue: q.messageId },
      },
    })),
  );
}
