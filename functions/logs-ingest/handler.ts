import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { forwardBodies } from '../../shared/normalize/logs-forward';

export interface LogsIngestDeps {
  sqs: SQSClient;
  normalizeQueueUrl: string;
  /** Largest message body sent; a larger payload is split by log events. Default: 256 KiB, the SQS limit every queue accepts. */
  maxMessageBytes?: number;
}

/**
 * logs-ingest: the CloudWatch Logs subscription destination. Each invocation
 * is one subscription payload (`{"awslogs":{"data":"<base64 gzip>"}}`),
 * forwarded unchanged, still compressed, as one message onto the normalize
 * queue (one SendMessage per invocation, not per log event), so decoding,
 * mapping, quarantine, dead-lettering and batching stay normalize's one
 * path. Only a payload larger than a message is decoded here, to split it
 * by log events. A failed send throws: CloudWatch Logs invokes
 * asynchronously, so Lambda retries and then hands the event to the
 * function's on-failure destination (a dead-letter queue): nothing is lost.
 */
export function createLogsIngestHandler(deps: LogsIngestDeps) {
  return async (event: unknown): Promise<{ messages: number }> => {
    const bodies = forwardBodies(event, deps.maxMessageBytes);
    for (const body of bodies) await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.normalizeQueueUrl, MessageBody: body }));
    return { messages: bodies.length };
  };
}
