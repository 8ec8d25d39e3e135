import { SendMessageBatchCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS SendMessageBatch limits: 10 entries and 256 KiB of payload per call. */
const MAX_ENTRIES = 10;
const MAX_CALL_BYTES = 256 * 1024;

export interface OutboundMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  /** Inbound message ids this message carries work for: they fail if it cannot be sent. */
  sources: readonly string[];
}

function sizeOf(m: OutboundMessage): number {
  let n = Buffer.byteLength(m.body);
  for (const [k, v] of Object.entries(m.attributes ?? {})) {
    n += Buffer.byteLength(k) + Buffer.byteLength(v.DataType ?? '') + Buffer.byteLength(v.StringValue ?? '');
  }
  return n;
}

/**
 * Sends messages in as few SendMessageBatch calls as the limits allow and
 * returns the inbound ids whose messages could not be sent (after one retry of
 * the entries SQS refused), so the caller reports only those.
 */
export async function sendMessages(sqs: SQSClient, queueUrl: string, messages: readonly OutboundMessage[]): Promise<Set<string>> {
  const failed = new Set<string>();
  const groups: OutboundMessage[][] = [];
  let group: OutboundMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m);
    if (group.length === MAX_ENTRIES || (group.length > 0 && bytes + size > MAX_CALL_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(m);
    bytes += size;
  }
  if (group.length) groups.push(group);

  for (const g of groups) {
    let pending = g.map((m, i) => ({ id: String(i), m }));
    for (let attempt = 0; attempt < 2 && pending.length; attempt++) {
      try {
        const res = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map(({ id, m }) => ({ Id: id, MessageBody: m.body, MessageAttributes: m.attributes })),
          }),
        );
        const refused = new Set((res.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((p) => refused.has(p.id));
      } catch {
        if (attempt === 1) break;
      }
    }
    for (const p of pending) for (const s of p.m.sources) failed.add(s);
  }
  return failed;
}

/** Packs items into message bodies of at most `maxBytes`, each body a JSON envelope with the items. */
export function packJson<T>(
  items: readonly { item: T; source: string }[],
  wrap: (items: T[]) => unknown,
  maxBytes = 200 * 1024,
): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  let batch: T[] = [];
  let sources = new Set<string>();
  let bytes = 64;
  const flush = () => {
    if (!batch.length) return;
    out.push({ body: JSON.stringify(wrap(batch)), sources: [...sources] });
    batch = [];
    sources = new Set();
    bytes = 64;
  };
  for (const { item, source } of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (batch.length && bytes + size > maxBytes) flush();
    batch.push(item);
    sources.add(source);
    bytes += size;
  }
  flush();
  return out;
}
