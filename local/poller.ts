import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { StageSpec } from '../shared/catalogue';

export type StageHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  spec: StageSpec;
  handler: StageHandler;
  /**
   * Visibility given back to failed messages. Lambda leaves them invisible
   * for the queue's whole visibility timeout; locally that would be minutes,
   * so failed messages come back after this many seconds instead. Receive
   * counts and redrive to the DLQ stay the queue's own.
   */
  retryDelaySeconds?: number;
  /** Long-poll wait of the first receive of a batch. */
  waitSeconds?: number;
}

export interface PollerStats {
  batches: number;
  received: number;
  deleted: number;
  failed: number;
  handlerErrors: number;
}

const MAX_RECEIVE = 10;

function toRecord(m: Message, arn: string): SQSRecord {
  const attrs = m.Attributes ?? {};
  return {
    messageId: m.MessageId as string,
    receiptHandle: m.ReceiptHandle as string,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { dataType: v.DataType ?? 'String', stringValue: v.StringValue }]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: process.env.AWS_REGION ?? 'us-east-1',
  };
}

function lambdaContext(spec: StageSpec, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${spec.id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:local-${spec.id}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/local-${spec.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Behaves like the Lambda SQS event source mapping for one stage: gathers a
 * batch (batch size, batching window), invokes the handler with an SQSEvent
 * under the function timeout, deletes what succeeded, and leaves reported
 * failures (or the whole batch, when the handler throws or times out) to be
 * delivered again until the queue's redrive policy moves them to the DLQ.
 */
export class QueuePoller {
  readonly stats: PollerStats = { batches: 0, received: 0, deleted: 0, failed: 0, handlerErrors: 0 };
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = false;
  lastError: Error | undefined;

  constructor(private readonly options: PollerOptions) {}

  get busy(): boolean {
    return this.inFlight;
  }

  private async receive(max: number, wait: number): Promise<Message[]> {
    const res = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(MAX_RECEIVE, max),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return res.Messages ?? [];
  }

  /** Gathers and processes one batch; returns undefined when the queue had nothing. */
  async pollOnce(): Promise<{ records: number; failed: number } | undefined> {
    const { spec } = this.options;
    const first = await this.receive(spec.batchSize, this.options.waitSeconds ?? 1);
    if (!first.length) return undefined;
    this.inFlight = true;
    try {
      const batch = [...first];
      const windowEnd = Date.now() + spec.maxBatchingWindowSeconds * 1000;
      while (batch.length < spec.batchSize && Date.now() < windowEnd) {
        const more = await this.receive(spec.batchSize - batch.length, 0);
        if (!more.length) await new Promise((r) => setTimeout(r, 50));
        batch.push(...more);
      }
      return await this.invoke(batch);
    } finally {
      this.inFlight = false;
    }
  }

  private async invoke(batch: Message[]): Promise<{ records: number; failed: number }> {
    const { spec, queueArn } = this.options;
    this.stats.batches++;
    this.stats.received += batch.length;
    const event: SQSEvent = { Records: batch.map((m) => toRecord(m, queueArn)) };
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    let failedIds: Set<string>;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${spec.timeoutSeconds} seconds`)), spec.timeoutSeconds * 1000);
      });
      const res = await Promise.race([this.options.handler(event, lambdaContext(spec, deadline)), timeout]);
      failedIds = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      this.stats.handlerErrors++;
      this.lastError = e as Error;
      failedIds = new Set(batch.map((m) => m.MessageId as string));
    } finally {
      clearTimeout(timer);
    }
    const ok = batch.filter((m) => !failedIds.has(m.MessageId as string));
    const bad = batch.filter((m) => failedIds.has(m.MessageId as string));
    for (let i = 0; i < ok.length; i += 10) {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: ok.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
    if (bad.length && this.options.retryDelaySeconds !== undefined) {
      for (let i = 0; i < bad.length; i += 10) {
        await this.options.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: bad.slice(i, i + 10).map((m, j) => ({
              Id: String(j),
              ReceiptHandle: m.ReceiptHandle as string,
              VisibilityTimeout: this.options.retryDelaySeconds,
            })),
          }),
        );
      }
    }
    this.stats.deleted += ok.length;
    this.stats.failed += bad.length;
    return { records: batch.length, failed: bad.length };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce();
        } catch (e) {
          this.lastError = e as Error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
