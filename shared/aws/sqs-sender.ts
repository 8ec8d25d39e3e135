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

/**
 * Message bodies of at most this size: 252 KiB is four 64 KiB SQS billing
 * chunks, as 200 KB was, with a quarter more events in them (docs/cost.md),
 * and still leaves room for attributes under SendMessageBatch's 256 KiB.
 */
export const DEFAULT_MESSAGE_BYTES = 252 * 1024;

const MARKER = '\u0000mdr-pack\u0000';

/**
 * Packs items into message bodies of at most `maxBytes`, each body a JSON
 * envelope with the items. Each item is serialized once: its text measures
 * it and goes into the body as is, spliced into the envelope where `wrap`
 * puts the array (when `wrap` reshapes the items instead, the batch is
 * serialized whole).
 */
export function packJson<T>(items: readonly { item: T; source: string }[], wrap: (items: T[]) => unknown, maxBytes = DEFAULT_MESSAGE_BYTES): OutboundMessage[] {
  const shell = JSON.stringify(wrap([MARKER as T]));
  const hole = JSON.stringify([MARKER]);
  const at = shell.indexOf(hole);
  const splice = at >= 0 && shell.indexOf(hole, at + 1) < 0;
  const out: OutboundMessage[] = [];
  let batch: T[] = [];
  let texts: string[] = [];
  let sources = new Set<string>();
  let bytes = shell.length;
  const flush = () => {
    if (!batch.length) return;
    const body = splice ? `${shell.slice(0, at)}[${texts.join(',')}]${shell.slice(at + hole.length)}` : JSON.stringify(wrap(batch));
    out.push({ body, sources: [...sources] });
    batch = [];
    texts = [];
    sources = new Set();
    bytes = shell.length;
  };
  for (const { item, source } of items) {
    const text = JSON.stringify(item);
    const size = Buffer.byteLength(text) + 1;
    if (batch.length && bytes + size > maxBytes) flush();
    batch.push(item);
    texts.push(text);
    sources.add(source);
    bytes += size;
  }
  flush();
  return out;
}
