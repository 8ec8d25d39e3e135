/**
 * Normalization throughput, single core, in process, beside bare JSON.parse
 * of the same input text.
 */
import { normalizeBatch, normalizeMessage, type BatchSink, type RawMessage } from '../../shared/normalize/normalize-batch';
import { builtInSources } from '../../shared/normalize/registry';
import type { SourceMapper } from '../../shared/normalize/source';
import { createDeclarativeSource } from '../../shared/normalize/sources/declarative';
import { parseAuditdLine } from '../../shared/normalize/sources/linux';
import { STAGES } from '../../shared/catalogue';
import type { TelemetryEvent } from '../../shared/telemetry';
import { apiCatalogue, type ApiCall, cloudTrailEnvelope, cloudTrailRecord, oktaEvent, Rng, vpcFlowLine, VPC_V2_HEADER, windowsEvent } from './generators';
import {
  ACME_SWG_MAPPING,
  acmeSwgRecord,
  auditdEventLines,
  falconDetection,
  graphAlert,
  graphAlertPage,
  guardDutyEnvelope,
  journalEntry,
  resolverQuery,
  securityHubEnvelope,
  vpcFlowLineV5,
  VPC_V5_HEADER,
} from './source-generators';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { alternatedCpuMs, fmt, fullGc, medianCpuMs, parseAll, table } from './measure';

export interface BenchOptions {
  quick: boolean;
  runs: number;
  log: (line: string) => void;
}

export interface NormalizeCase {
  name: string;
  shape: string;
  messages: RawMessage[];
  /** Text JSON.parse is timed on (the same bodies, except for text formats, VPC Flow Logs and auditd: the same records as NDJSON). */
  baseline: string[];
  events: number;
  /** Sources to recognize with (a declarative mapping after the built-ins); the built-ins by default. */
  sources?: readonly SourceMapper[];
}

/** `perMessage` records to a message, each body written by `body` from its records. */
function chunkedMessages<T>(records: T[], perMessage: number, tag: string, body: (chunk: T[]) => string): RawMessage[] {
  const out: RawMessage[] = [];
  for (let i = 0; i < records.length; i += perMessage) out.push({ messageId: `${tag}-${i}`, body: body(records.slice(i, i + perMessage)) });
  return out;
}

function ndjsonMessages(records: Record<string, unknown>[], perMessage: number, tag: string): RawMessage[] {
  return chunkedMessages(records, perMessage, tag, (chunk) => chunk.map((r) => JSON.stringify(r)).join('\n'));
}

/** One SQS message per document (EventBridge rules deliver one event per message). */
function oneEach(docs: Record<string, unknown>[], tag: string): RawMessage[] {
  return docs.map((d, i) => ({ messageId: `${tag}-${i}`, body: JSON.stringify(d) }));
}

/** Text lines, `perMessage` to a body after an optional header; baseline: the same records as NDJSON (`toRecord` of each line). */
function textCase(lines: string[], perMessage: number, tag: string, header: string | undefined, toRecord: (line: string) => Record<string, unknown>): { messages: RawMessage[]; baseline: string[] } {
  const messages: RawMessage[] = [];
  const baseline: string[] = [];
  for (let i = 0; i < lines.length; i += perMessage) {
    const chunk = lines.slice(i, i + perMessage);
    messages.push({ messageId: `${tag}-${i}`, body: (header !== undefined ? [header, ...chunk] : chunk).join('\n') });
    baseline.push(chunk.map((l) => JSON.stringify(toRecord(l))).join('\n'));
  }
  return { messages, baseline };
}

function flowRecord(fields: readonly string[]): (line: string) => Record<string, unknown> {
  return (l) => Object.fromEntries(l.split(' ').map((v, k) => [fields[k], v]));
}

let catalogue: readonly ApiCall[] | undefined;

/** The CloudTrail API calls the generator draws from, built once, when a CloudTrail input is first built. */
function apiCalls(): readonly ApiCall[] {
  return (catalogue ??= apiCatalogue());
}

/** Builds `count` of the bench's inputs, `n` events each, from one seeded generator. */
interface CaseBuilder {
  count: number;
  build: (n: number, r: Rng) => NormalizeCase[];
}

/**
 * One input of `n` generated records (`record(r, i)`) packed into messages by `pack`, the messages' bodies its
 * baseline; `sources`, when given, is called when the input is built.
 */
function recordsCase(
  name: string,
  shape: string,
  record: (r: Rng, i: number) => Record<string, unknown>,
  pack: (records: Record<string, unknown>[]) => RawMessage[],
  sources?: () => readonly SourceMapper[],
): CaseBuilder {
  return {
    count: 1,
    build: (n, r) => {
      const messages = pack(Array.from({ length: n }, (_, i) => record(r, i)));
      return [{ name, shape, messages, baseline: bodies(messages), events: n, ...(sources ? { sources: sources() } : {}) }];
    },
  };
}

/**
 * The bench's inputs, one builder per source (the auditd one makes two cases: the text and the same records as JSON),
 * each seeded on its own so that a process can build only the case it measures (normalize-worker.ts).
 */
const CASE_BUILDERS: readonly CaseBuilder[] = [
  {
    count: 1,
    build: (n, r) => {
      const ctEnv = Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailEnvelope(cloudTrailRecord(r, apiCalls(), i), r)));
      const ctMsgs = ctEnv.map((body, i) => ({ messageId: `ct-${i}`, body }));
      return [{ name: 'CloudTrail', shape: 'EventBridge envelope, 1 per SQS message (default bus route)', messages: ctMsgs, baseline: ctEnv, events: n }];
    },
  },
  recordsCase(
    'CloudTrail',
    'log file `{"Records":[…]}`, 100 records per body',
    (r, i) => cloudTrailRecord(r, apiCalls(), i),
    (recs) => chunkedMessages(recs, 100, 'ctf', (chunk) => JSON.stringify({ Records: chunk })),
  ),
  recordsCase('Okta', 'System Log events, NDJSON, 100 per body', oktaEvent, (recs) => ndjsonMessages(recs, 100, 'okta')),
  recordsCase('Windows', 'Sysmon/Security event JSON (evtx dump), NDJSON, 100 per body', windowsEvent, (recs) => ndjsonMessages(recs, 100, 'win')),
  {
    count: 1,
    build: (n, r) => {
      const v2 = textCase(Array.from({ length: n }, (_, i) => vpcFlowLine(r, i)), 100, 'vpc', VPC_V2_HEADER, flowRecord(VPC_V2_HEADER.split(' ')));
      return [{ name: 'VPC Flow Logs', shape: 'v2 text, header + 100 lines per body (baseline: same records as NDJSON)', ...v2, events: n }];
    },
  },
  {
    count: 1,
    build: (n, r) => {
      const v5 = textCase(Array.from({ length: n }, (_, i) => vpcFlowLineV5(r, i)), 100, 'vpc5', VPC_V5_HEADER, flowRecord(VPC_V5_HEADER.split(' ')));
      return [{ name: 'VPC Flow Logs', shape: 'custom format (27 v2–v5 fields), header + 100 lines per body (baseline: same records as NDJSON)', ...v5, events: n }];
    },
  },
  recordsCase('GuardDuty', 'EventBridge "GuardDuty Finding", 1 per SQS message (default bus route)', guardDutyEnvelope, (recs) => oneEach(recs, 'gd')),
  recordsCase('Security Hub', 'EventBridge "Security Hub Findings - Imported" (ASFF, 1 finding), 1 per SQS message', securityHubEnvelope, (recs) => oneEach(recs, 'sh')),
  recordsCase('Route 53 Resolver', 'query log records, NDJSON, 100 per body', resolverQuery, (recs) => ndjsonMessages(recs, 100, 'dns')),
  {
    count: 2,
    build: (n, r) => {
      const auditLines: string[] = [];
      for (let i = 0; auditLines.length < n; i++) auditLines.push(...auditdEventLines(r, i));
      auditLines.length = n;
      const audit = textCase(auditLines, 100, 'audit', undefined, (l) => parseAuditdLine(l) ?? {});
      // The same records as a shipper that parses audit.log writes them (one key/value map per record, NDJSON).
      const auditJson = audit.baseline.map((body, i) => ({ messageId: `auditjson-${i}`, body }));
      return [
        { name: 'Linux auditd', shape: 'audit.log text (execve groups, logins, account changes), 100 lines per body (baseline: same records as NDJSON)', ...audit, events: n },
        { name: 'Linux auditd', shape: 'the same records as JSON key/value maps (a shipper parsing audit.log), NDJSON, 100 per body', messages: auditJson, baseline: audit.baseline, events: n },
      ];
    },
  },
  recordsCase('Linux journald', '`journalctl -o json` entries, NDJSON, 100 per body', journalEntry, (recs) => ndjsonMessages(recs, 100, 'journal')),
  recordsCase('CrowdStrike', 'Falcon stream DetectionSummaryEvent, NDJSON, 100 per body', falconDetection, (recs) => ndjsonMessages(recs, 100, 'falcon')),
  recordsCase('Defender', 'Graph `alerts_v2` list page, 50 alerts per body', graphAlert, (recs) => chunkedMessages(recs, 50, 'mde', (chunk) => JSON.stringify(graphAlertPage(chunk)))),
  recordsCase(
    'Declarative mapping',
    'web gateway JSON (acme.swg mapping after the built-ins), NDJSON, 100 per body',
    acmeSwgRecord,
    (recs) => ndjsonMessages(recs, 100, 'swg'),
    () => [...builtInSources, createDeclarativeSource(ACME_SWG_MAPPING)],
  ),
];

function bodies(messages: RawMessage[]): string[] {
  return messages.map((m) => m.body);
}

/** How many inputs the normalize bench measures. */
export const NORMALIZE_CASES = CASE_BUILDERS.reduce((sum, b) => sum + b.count, 0);

/** Input `index` of the bench (0 ≤ index < NORMALIZE_CASES), `n` events, built alone. */
export function normalizeCase(n: number, index: number): NormalizeCase {
  let first = 0;
  for (let k = 0; k < CASE_BUILDERS.length; k++) {
    const b = CASE_BUILDERS[k];
    if (index < first + b.count) return b.build(n, new Rng(42 + k))[index - first];
    first += b.count;
  }
  throw new Error(`no normalize case ${index} (there are ${NORMALIZE_CASES})`);
}

export interface NormalizeRow {
  source: string;
  shape: string;
  events: number;
  /** As the normalize handler runs: invocations of 100 messages, events dropped (sent on) every FLUSH_EVENTS and at the end of each. */
  normalizePerSec: number;
  /** The same, each event dropped as soon as it is made: normalization alone, nothing held (as bare JSON.parse holds nothing). */
  droppedPerSec: number;
  /** normalizeBatch over the same 100 messages, every event of the batch kept until the end. */
  keptPerSec: number;
  parsePerSec: number;
  /** JSON.parse time / normalize time, as the handler runs. */
  ratio: number;
  /** JSON.parse time / normalize time, each event dropped as made. */
  droppedRatio: number;
}

/** The normalize handler's flush threshold (functions/normalize/handler.ts FLUSH_EVENTS). */
const FLUSH_EVENTS = 2000;
/** Messages per normalize invocation (the SQS event source's batch size). */
const INVOCATION = STAGES.normalize.batchSize;

/**
 * Every input, each in a process of its own (normalize-worker.ts), the way a
 * handler or `mdr normalize` holds one source's input: measured in the
 * bench's own process, which held all 15 inputs (about 800 MB), and with a
 * full collection forced before each run, both the normalize and the
 * JSON.parse runs also paid for sweeping that heap on V8's helper threads
 * (process CPU time counts them), a cost unrelated to either that pulled
 * every ratio towards 1 (docs/benchmarks.md, "Normalization throughput").
 */
export function benchNormalize(o: BenchOptions): NormalizeRow[] {
  const n = o.quick ? 5_000 : 20_000;
  // Run the worker the way this file runs: compiled JavaScript, or TypeScript through the same loader (tsx).
  const worker = join(__dirname, `normalize-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  const rows: NormalizeRow[] = [];
  for (let k = 0; k < NORMALIZE_CASES; k++) {
    const res = spawnSync(process.execPath, [...process.execArgv, worker, String(k), String(n), String(o.runs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (res.status !== 0) throw new Error(`normalize worker (input ${k}) failed: ${res.stderr}`);
    const row = JSON.parse(res.stdout.trim().split('\n').pop() as string) as NormalizeRow;
    o.log(
      // The target's measure first (normalization alone, each event dropped as made), then what the handler's holding adds.
      `normalize ${row.source} (${row.shape.split(',')[0]}): ${fmt.int(row.droppedPerSec)} ev/s, events dropped as made (${fmt.pct(row.droppedRatio)} of JSON.parse), JSON.parse ${fmt.int(row.parsePerSec)} ev/s; as the handler holds them ${fmt.int(row.normalizePerSec)} ev/s (${fmt.pct(row.ratio)}); all events of a batch kept ${fmt.int(row.keptPerSec)} ev/s`,
    );
    rows.push(row);
  }
  return rows;
}

/**
 * One input, in the calling process (normalize-worker.ts): normalizeMessage
 * (unwrap + recognize + map to OCSF) with each event dropped as soon as it is
 * made (normalization alone, which is what bare JSON.parse is compared with:
 * it holds nothing either), its runs alternating with bare JSON.parse runs of
 * the same input so both see the same machine; then over Lambda-sized batches
 * of messages as the handler drives them (each invocation starts a new
 * pending list of `{ item, source }`, replaced once FLUSH_EVENTS have
 * accumulated after a message and at the end of the invocation; packing and
 * sending are not timed); then normalizeBatch, which keeps every event of its
 * batch until it returns, to show what holding them costs. No collection is
 * forced between runs (a process normalizing never forces one): each run
 * pays for the garbage runs before it left, as it would in a handler that has
 * run a while. The runs that hold nothing go first: holding events makes V8
 * pretenure allocation sites, and that decision outlives the run.
 */
export function measureNormalizeCase(c: NormalizeCase, runs: number): NormalizeRow {
  let dropped = 0;
  let rejected = 0;
  const dropSink: BatchSink = {
    event: () => {
      dropped++;
    },
    reject: () => {
      rejected++;
    },
  };
  const dropRun = () => {
    dropped = 0;
    for (const m of c.messages) normalizeMessage(m, dropSink, undefined, c.sources);
  };
  const parseRun = () => parseAll(c.baseline);
  // Once, not before each run: what building the input left behind is not the runs' garbage.
  fullGc();
  const [droppedMs, parseMs] = alternatedCpuMs(dropRun, parseRun, runs);
  if (dropped !== c.events || rejected !== 0) throw new Error(`${c.name}: expected ${c.events} events, got ${dropped} (${rejected} rejected)`);

  let produced = 0;
  let pending: { item: TelemetryEvent; source: string }[] = [];
  const sink: BatchSink = {
    event: (item, source) => {
      pending.push({ item, source });
    },
    reject: () => {
      rejected++;
    },
  };
  // What functions/normalize/handler.ts does with the messages of each invocation, packing and sending left out.
  const run = () => {
    produced = 0;
    rejected = 0;
    for (let b = 0; b < c.messages.length; b += INVOCATION) {
      pending = [];
      const end = Math.min(b + INVOCATION, c.messages.length);
      for (let i = b; i < end; i++) {
        normalizeMessage(c.messages[i], sink, undefined, c.sources);
        if (pending.length >= FLUSH_EVENTS) {
          produced += pending.length;
          pending = [];
        }
      }
      produced += pending.length;
      pending = [];
    }
  };
  let kept = 0;
  const runKept = () => {
    kept = 0;
    for (let i = 0; i < c.messages.length; i += 100) kept += normalizeBatch(c.messages.slice(i, i + 100), undefined, c.sources).events.length;
  };
  const noCollect = () => undefined;
  const normMs = medianCpuMs(run, runs, noCollect);
  const keptMs = medianCpuMs(runKept, runs, noCollect);
  if (produced !== c.events || rejected !== 0) throw new Error(`${c.name}: expected ${c.events} events, got ${produced} (${rejected} rejected)`);
  if (kept !== c.events) throw new Error(`${c.name}: normalizeBatch produced ${kept} of ${c.events} events`);
  return {
    source: c.name,
    shape: c.shape,
    events: c.events,
    normalizePerSec: (c.events / normMs) * 1000,
    droppedPerSec: (c.events / droppedMs) * 1000,
    keptPerSec: (c.events / keptMs) * 1000,
    parsePerSec: (c.events / parseMs) * 1000,
    ratio: parseMs / normMs,
    droppedRatio: parseMs / droppedMs,
  };
}

export function normalizeMarkdown(rows: NormalizeRow[]): string {
  return table(
    [
      'source',
      'input',
      'events',
      'JSON.parse ev/s',
      'normalize ev/s, events dropped as made',
      'normalize / JSON.parse, dropped as made',
      'normalize ev/s, as the handler (≤ 2,000 held, per invocation)',
      'normalize / JSON.parse, as the handler',
      'normalizeBatch, all events kept, ev/s',
    ],
    rows.map((r) => [
      r.source,
      r.shape,
      fmt.int(r.events),
      fmt.int(r.parsePerSec),
      fmt.int(r.droppedPerSec),
      fmt.pct(r.droppedRatio),
      fmt.int(r.normalizePerSec),
      fmt.pct(r.ratio),
      fmt.int(r.keptPerSec),
    ]),
  );
}
