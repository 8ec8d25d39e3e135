import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { LocalRuntime, type LocalRuntimeOptions } from '../../../local/runtime';
import type { DynamoCaseStore } from '../../../shared/aws/dynamo-case-store';

/** A runtime with its own resource prefix, so test files sharing one moto never see each other's data. */
export function startRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return LocalRuntime.start({ prefix: `t-${randomBytes(4).toString('hex')}`, retryDelaySeconds: 0, ...options });
}

/** Reads every message currently visible on a queue, then makes them visible again (receive counts do rise). */
export async function peekAll(runtime: LocalRuntime, queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let i = 0; i < 20; i++) {
    const res = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const got = res.Messages ?? [];
    if (!got.length) break;
    for (const m of got) seen.set(m.MessageId as string, m);
  }
  for (const m of seen.values()) {
    await runtime.clients.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  }
  return [...seen.values()];
}

/** Runs a stage's poller until its queue yields nothing. */
export async function drainStage(runtime: LocalRuntime, stage: Parameters<LocalRuntime['sendRaw']>[0], rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const r = await runtime.pollers[stage].pollOnce();
    if (!r) return;
  }
}

/**
 * moto evaluates a transaction's conditions and applies its writes without a
 * lock, so two concurrent transactions can both pass (DynamoDB serializes
 * them). Serializing the write calls restores DynamoDB's guarantee while reads
 * still interleave, so the conflict-and-retry path is what gets exercised.
 */
export function serializedWrites(store: DynamoCaseStore): DynamoCaseStore {
  let chain: Promise<unknown> = Promise.resolve();
  const serial =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      const next = chain.then(() => fn(...a));
      chain = next.catch(() => undefined);
      return next;
    };
  store.openCase = serial(store.openCase.bind(store));
  store.attachAlerts = serial(store.attachAlerts.bind(store));
  store.applyCommand = serial(store.applyCommand.bind(store));
  return store;
}

