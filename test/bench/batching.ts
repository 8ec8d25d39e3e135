/**
 * Bytes and requests per batch, for the cost model: how many telemetry
 * events normalize packs into one detect-queue message (packJson, the
 * function's own packing), and how many billed SQS requests (one per 64 KiB
 * chunk of payload) 1,000 events cost on the detect queue.
 */
import { packJson } from '../../shared/aws/sqs-sender';
import type { TelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { normalizeBatch, type RawMessage } from '../../shared/normalize/normalize-batch';
import type { TelemetryEvent } from '../../shared/telemetry';
import { apiCatalogue, cloudTrailEnvelope, cloudTrailRecord, oktaEvent, Rng, vpcFlowLine, VPC_V2_HEADER, windowsEvent } from './generators';
import { fmt, table } from './measure';

const CHUNK = 64 * 1024;
/** SendMessageBatch limits, as shared/aws/sqs-sender.ts groups them. */
const MAX_ENTRIES = 10;
const MAX_CALL_BYTES = 256 * 1024;

export interface BatchRow {
  source: string;
  events: number;
  inboundMessages: number;
  inboundChunks: number;
  rawBytesPerEvent: number;
  telemetryBytesPerEvent: number;
  detectMessages: number;
  eventsPerMessage: number;
  avgMessageKiB: number;
  sendCalls: number;
  sendChunks: number;
  receiveChunks: number;
  deleteCalls: number;
}

function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / CHUNK));
}

/** Billed requests of sending the bodies the way sendMessages groups them. */
function sendCost(sizes: number[]): { calls: number; chunks: number } {
  let calls = 0;
  let billed = 0;
  let n = 0;
  let bytes = 0;
  const flush = () => {
    if (!n) return;
    calls++;
    billed += chunks(bytes);
    n = 0;
    bytes = 0;
  };
  for (const s of sizes) {
    if (n === MAX_ENTRIES || (n > 0 && bytes + s > MAX_CALL_BYTES)) flush();
    n++;
    bytes += s;
  }
  flush();
  return { calls, chunks: billed };
}

/** Receives of up to 10 messages (the event source mapping's ReceiveMessage), billed per 64 KiB of response. */
function receiveCost(sizes: number[]): number {
  let billed = 0;
  for (let i = 0; i < sizes.length; i += 10) billed += chunks(sizes.slice(i, i + 10).reduce((a, b) => a + b, 0));
  return billed;
}

function inputs(n: number): Array<{ source: string; messages: RawMessage[] }> {
  const r = new Rng(5);
  const calls = apiCatalogue();
  const ndjson = (recs: Record<string, unknown>[], tag: string): RawMessage[] => {
    const out: RawMessage[] = [];
    for (let i = 0; i < recs.length; i += 100) out.push({ messageId: `${tag}-${i}`, body: recs.slice(i, i + 100).map((x) => JSON.stringify(x)).join('\n') });
    return out;
  };
  const vpc: RawMessage[] = [];
  for (let i = 0; i < n; i += 100) vpc.push({ messageId: `vpc-${i}`, body: [VPC_V2_HEADER, ...Array.from({ length: Math.min(100, n - i) }, (_, k) => vpcFlowLine(r, i + k))].join('\n') });
  return [
    { source: 'CloudTrail (EventBridge, 1 per message)', messages: Array.from({ length: n }, (_, i) => ({ messageId: `ct-${i}`, body: JSON.stringify(cloudTrailEnvelope(cloudTrailRecord(r, calls, i), r)) })) },
    { source: 'Okta (NDJSON, 100 per message)', messages: ndjson(Array.from({ length: n }, (_, i) => oktaEvent(r, i)), 'okta') },
    { source: 'Windows (NDJSON, 100 per message)', messages: ndjson(Array.from({ length: n }, (_, i) => windowsEvent(r, i)), 'win') },
    { source: 'VPC Flow Logs (v2 text, 100 lines per message)', messages: vpc },
  ];
}

export function benchBatching(log: (l: string) => void): BatchRow[] {
  const n = 1_000;
  const rows: BatchRow[] = [];
  for (const { source, messages } of inputs(n)) {
    const inSizes = messages.map((m) => Buffer.byteLength(m.body));
    const events: { item: TelemetryEvent; source: string }[] = [];
    for (let i = 0; i < messages.length; i += 100) for (const e of normalizeBatch(messages.slice(i, i + 100)).events) events.push({ item: e.event, source: e.source });
    if (events.length !== n) throw new Error(`${source}: ${events.length} events of ${n}`);
    const out = packJson(events, (batch: TelemetryEvent[]): TelemetryBatch => ({ v: 1, events: batch }));
    const sizes = out.map((m) => Buffer.byteLength(m.body));
    const total = sizes.reduce((a, b) => a + b, 0);
    const send = sendCost(sizes);
    const row: BatchRow = {
      source,
      events: n,
      inboundMessages: messages.length,
      inboundChunks: inSizes.reduce((a, s) => a + chunks(s), 0),
      rawBytesPerEvent: inSizes.reduce((a, b) => a + b, 0) / n,
      telemetryBytesPerEvent: events.reduce((a, e) => a + Buffer.byteLength(JSON.stringify(e.item)), 0) / n,
      detectMessages: out.length,
      eventsPerMessage: n / out.length,
      avgMessageKiB: total / out.length / 1024,
      sendCalls: send.calls,
      sendChunks: send.chunks,
      receiveChunks: receiveCost(sizes),
      deleteCalls: Math.ceil(out.length / 10),
    };
    log(
      `batching ${source}: ${fmt.int(row.telemetryBytesPerEvent)} B/event as telemetry, ${row.eventsPerMessage.toFixed(1)} events per detect message (${row.avgMessageKiB.toFixed(0)} KiB), ` +
        `per 1,000 events: ${row.sendCalls} SendMessageBatch = ${row.sendChunks} billed send requests, ${row.receiveChunks} billed receives, ${row.deleteCalls} deletes`,
    );
    rows.push(row);
  }
  return rows;
}

export function batchingMarkdown(rows: BatchRow[]): string {
  return table(
    [
      'source (normalize input)',
      'inbound msgs / 64 KiB chunks per 1k',
      'raw B/event',
      'telemetry B/event',
      'events per detect msg',
      'detect msg KiB',
      'detect msgs per 1k',
      'SendMessageBatch calls / billed chunks per 1k',
      'billed receives per 1k',
      'DeleteMessageBatch per 1k',
    ],
    rows.map((r) => [
      r.source,
      `${r.inboundMessages} / ${r.inboundChunks}`,
      fmt.int(r.rawBytesPerEvent),
      fmt.int(r.telemetryBytesPerEvent),
      r.eventsPerMessage.toFixed(1),
      r.avgMessageKiB.toFixed(0),
      r.detectMessages,
      `${r.sendCalls} / ${r.sendChunks}`,
      r.receiveChunks,
      r.deleteCalls,
    ]),
  );
}
