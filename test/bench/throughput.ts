/**
 * Normalization and detection throughput, single core, in process, beside
 * bare JSON.parse of the same input text.
 */
import { OfflineDetector } from '../../cli/commands/detect';
import { SuppressionSet } from '../../shared/detect/suppressions';
import { compileRules, type RuleSet } from '../../shared/detect/sigma';
import { unwrapText } from '../../shared/normalize/envelopes';
import { normalizeBatch, normalizeMessage, type BatchSink, type RawMessage } from '../../shared/normalize/normalize-batch';
import { normalizeRecord } from '../../shared/normalize/registry';
import type { TelemetryEvent } from '../../shared/telemetry';
import { processCreationEvent, processCreationRuleFiles } from './process-creation';
import { apiCatalogue, cloudTrailEnvelope, cloudTrailRecord, cloudTrailRuleFiles, oktaEvent, Rng, vpcFlowLine, VPC_V2_HEADER, windowsEvent } from './generators';
import { fmt, table, timeMs } from './measure';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface BenchOptions {
  quick: boolean;
  runs: number;
  log: (line: string) => void;
}

// ---------------------------------------------------------------- baseline

/** Bare JSON.parse of every document of the texts: one parse per body, or per line for NDJSON. */
function parseAll(bodies: readonly string[]): number {
  let n = 0;
  for (const b of bodies) {
    if (b.indexOf('\n') === -1) {
      JSON.parse(b);
      n++;
      continue;
    }
    let pos = 0;
    while (pos < b.length) {
      let end = b.indexOf('\n', pos);
      if (end === -1) end = b.length;
      if (end > pos) {
        JSON.parse(b.slice(pos, end));
        n++;
      }
      pos = end + 1;
    }
  }
  return n;
}

// ---------------------------------------------------------------- normalize

let gcFn: (() => void) | undefined;

/** A full collection, exposed at run time when node was started without --expose-gc (as tsx starts it). */
function fullGc(): void {
  if (!gcFn) {
    gcFn = (globalThis as { gc?: () => void }).gc;
    if (!gcFn) {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/** The collection medianCpuMs runs by default: only when node was started with --expose-gc. */
const gcIfExposed = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Median CPU time (user + system, all threads of the process: garbage
 * collection included) of `fn`, in ms, after one warm-up run, with `collect`
 * (not timed) before each run. CPU time rather than wall time because the
 * machine is shared: another process taking the core stretches wall time but
 * not the work done.
 */
function medianCpuMs(fn: () => void, runs: number, collect: () => void = gcIfExposed): number {
  collect();
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    collect();
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  return times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}

/**
 * medianCpuMs with a full collection before each run, warm-up included:
 * without it the garbage one measurement left (normalizeBatch fills old
 * space with 10,000 events per batch) was collected on the time of the next
 * one, the JSON.parse baseline's included. `gc` is exposed at run time when
 * node was started without --expose-gc (tsx and `npm run bench` both start
 * it so).
 */
const medianCpuMsAfterGc = (fn: () => void, runs: number): number => medianCpuMs(fn, runs, fullGc);

interface NormalizeCase {
  name: string;
  shape: string;
  messages: RawMessage[];
  /** Text JSON.parse is timed on (the same bodies, except for VPC Flow Logs: the same records as NDJSON). */
  baseline: string[];
  events: number;
}

function ndjsonMessages(records: Record<string, unknown>[], perMessage: number, tag: string): RawMessage[] {
  const out: RawMessage[] = [];
  for (let i = 0; i < records.length; i += perMessage) {
    out.push({ messageId: `${tag}-${i}`, body: records.slice(i, i + perMessage).map((r) => JSON.stringify(r)).join('\n') });
  }
  return out;
}

function normalizeCases(n: number): NormalizeCase[] {
  const r = new Rng(42);
  const calls = apiCatalogue();
  const cases: NormalizeCase[] = [];

  const ctEnv = Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailEnvelope(cloudTrailRecord(r, calls, i), r)));
  const ctMsgs = ctEnv.map((body, i) => ({ messageId: `ct-${i}`, body }));
  cases.push({ name: 'CloudTrail', shape: 'EventBridge envelope, 1 per SQS message (default bus route)', messages: ctMsgs, baseline: ctEnv, events: n });

  const ctRecs = Array.from({ length: n }, (_, i) => cloudTrailRecord(r, calls, i));
  const files: RawMessage[] = [];
  for (let i = 0; i < n; i += 100) files.push({ messageId: `ctf-${i}`, body: JSON.stringify({ Records: ctRecs.slice(i, i + 100) }) });
  cases.push({ name: 'CloudTrail', shape: 'log file `{"Records":[…]}`, 100 records per body', messages: files, baseline: files.map((m) => m.body), events: n });

  const okta = ndjsonMessages(Array.from({ length: n }, (_, i) => oktaEvent(r, i)), 100, 'okta');
  cases.push({ name: 'Okta', shape: 'System Log events, NDJSON, 100 per body', messages: okta, baseline: okta.map((m) => m.body), events: n });

  const win = ndjsonMessages(Array.from({ length: n }, (_, i) => windowsEvent(r, i)), 100, 'win');
  cases.push({ name: 'Windows', shape: 'Sysmon/Security event JSON (evtx dump), NDJSON, 100 per body', messages: win, baseline: win.map((m) => m.body), events: n });

  const lines = Array.from({ length: n }, (_, i) => vpcFlowLine(r, i));
  const vpc: RawMessage[] = [];
  const vpcJson: string[] = [];
  const fields = VPC_V2_HEADER.split(' ');
  for (let i = 0; i < n; i += 100) {
    const chunk = lines.slice(i, i + 100);
    vpc.push({ messageId: `vpc-${i}`, body: [VPC_V2_HEADER, ...chunk].join('\n') });
    vpcJson.push(chunk.map((l) => JSON.stringify(Object.fromEntries(l.split(' ').map((v, k) => [fields[k], v])))).join('\n'));
  }
  cases.push({ name: 'VPC Flow Logs', shape: 'v2 text, header + 100 lines per body (baseline: same records as NDJSON)', messages: vpc, baseline: vpcJson, events: n });
  return cases;
}

export interface NormalizeRow {
  source: string;
  shape: string;
  events: number;
  /** As the normalize handler runs: message by message, events dropped (sent on) every FLUSH_EVENTS. */
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

/**
 * normalizeMessage (unwrap + recognize + map to OCSF) over Lambda-sized
 * batches of 100 messages, as the handler drives it: pending events are
 * let go once FLUSH_EVENTS have accumulated (the handler packs and sends them
 * there; packing is not timed here). Also each event dropped as soon as it
 * is made (normalization alone, which is what bare JSON.parse is compared
 * with: it holds nothing either), and normalizeBatch, which keeps every event
 * of the batch until it returns, to show what holding them costs.
 */
export function benchNormalize(o: BenchOptions): NormalizeRow[] {
  const n = o.quick ? 5_000 : 20_000;
  const cases = normalizeCases(n);
  // Two passes. First, for every source, the runs that hold nothing (each event dropped as made, bare JSON.parse): holding
  // events makes V8 pretenure allocation sites (allocate their objects in old space) and that decision outlives the run,
  // so a run that holds nothing measured after one that holds would pay for it (docs/benchmarks.md). Then the runs that
  // hold events, as the handler does: those, like a handler process that has run a while, may carry that state.
  const alone = cases.map((c) => {
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
    const droppedMs = medianCpuMsAfterGc(() => {
      dropped = 0;
      for (const m of c.messages) normalizeMessage(m, dropSink);
    }, o.runs);
    if (dropped !== c.events || rejected !== 0) throw new Error(`${c.name}: expected ${c.events} events, got ${dropped} (${rejected} rejected)`);
    const parseMs = medianCpuMsAfterGc(() => parseAll(c.baseline), o.runs);
    return { droppedMs, parseMs };
  });
  const rows: NormalizeRow[] = [];
  cases.forEach((c, k) => {
    const { droppedMs, parseMs } = alone[k];
    let produced = 0;
    let rejected = 0;
    let pending: TelemetryEvent[] = [];
    const sink: BatchSink = {
      event: (e) => {
        pending.push(e);
      },
      reject: () => {
        rejected++;
      },
    };
    const run = () => {
      produced = 0;
      rejected = 0;
      for (const m of c.messages) {
        normalizeMessage(m, sink);
        if (pending.length >= FLUSH_EVENTS) {
          produced += pending.length;
          pending = [];
        }
      }
      produced += pending.length;
      pending = [];
    };
    let kept = 0;
    const runKept = () => {
      kept = 0;
      for (let i = 0; i < c.messages.length; i += 100) kept += normalizeBatch(c.messages.slice(i, i + 100)).events.length;
    };
    const normMs = medianCpuMsAfterGc(run, o.runs);
    const keptMs = medianCpuMsAfterGc(runKept, o.runs);
    if (produced !== c.events || rejected !== 0) throw new Error(`${c.name}: expected ${c.events} events, got ${produced} (${rejected} rejected)`);
    if (kept !== c.events) throw new Error(`${c.name}: normalizeBatch produced ${kept} of ${c.events} events`);
    const row: NormalizeRow = {
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
    o.log(
      `normalize ${c.name} (${c.shape.split(',')[0]}): ${fmt.int(row.normalizePerSec)} ev/s (${fmt.pct(row.ratio)} of JSON.parse), events dropped as made ${fmt.int(row.droppedPerSec)} ev/s (${fmt.pct(row.droppedRatio)}), JSON.parse ${fmt.int(row.parsePerSec)} ev/s; all events of a batch kept ${fmt.int(row.keptPerSec)} ev/s`,
    );
    rows.push(row);
  });
  return rows;
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
      'normalize ev/s, as the handler (2,000 held)',
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

// ---------------------------------------------------------------- detect

export interface DetectRow {
  rules: number;
  compileMs: number;
  indexed: number;
  unindexed: number;
  /** µs per event of RuleSet.evaluate alone (events already normalized). */
  evaluateUs: number;
  /** µs per event of the whole `mdr detect` path (unwrap + route/normalize + evaluate + finding lines). */
  detectUs: number;
  /** Events/s of the same path. */
  detectPerSec: number;
  matchesPerEvent: number;
}

export interface DetectResult {
  events: number;
  /** CloudTrail: bare records and rules generated by cloudTrailRule(). */
  parsePerSec: number;
  rows: DetectRow[];
  /** Sysmon process creation and SigmaHQ-shaped process_creation rules (test/bench/process-creation.ts). */
  processCreation: { parsePerSec: number; rows: DetectRow[] };
  breakdown: DetectBreakdown[];
}

const CT: { product: string; service: string } = { product: 'aws', service: 'cloudtrail' };

/** medianCpuMs for work that awaits (the `mdr detect` path): CPU time of the whole process while it runs. */
async function medianCpuMsAsync(fn: () => Promise<void>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  return times.length % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
}

/** `mdr detect --input file.ndjson` on one file (cli/commands/detect.ts, the command's own code), its lines discarded instead of printed. */
async function detectText(text: string, rules: RuleSet): Promise<{ events: number; findings: number }> {
  const detector = new OfflineDetector(rules, 'bench', SuppressionSet.empty, () => undefined, () => undefined);
  await detector.text('bench.ndjson', text);
  return detector.report;
}

/** Rule-count scaling of one input: evaluate alone, and the whole `mdr detect` path, at 100, 1,000 and 3,000 rules. */
async function detectSeries(
  o: BenchOptions,
  label: string,
  lines: string[],
  ruleFiles: (count: number) => { path: string; text: string }[],
): Promise<{ parsePerSec: number; rows: DetectRow[]; events: TelemetryEvent[] }> {
  const n = lines.length;
  const text = lines.join('\n');
  // CPU time, like the normalize figures: on a shared machine wall time also counts other processes' turns.
  const parseMs = medianCpuMs(() => parseAll([text]), o.runs);
  const parsePerSec = (n / parseMs) * 1000;
  o.log(`detect input: ${fmt.int(n)} ${label} as NDJSON (${fmt.kb(Buffer.byteLength(text))} KiB); JSON.parse ${fmt.int(parsePerSec)} ev/s`);
  const events: TelemetryEvent[] = [];
  for (const rec of unwrapText(text).records) {
    const res = normalizeRecord(rec);
    if (res.ok) events.push(...res.events);
  }
  const rows: DetectRow[] = [];
  for (const count of [100, 1_000, 3_000]) {
    const files = ruleFiles(count);
    let rules!: RuleSet;
    const compileMs = timeMs(() => (rules = compileRules(files)));
    if (rules.rules.length !== count) throw new Error(`expected ${count} rules, compiled ${rules.rules.length} (${rules.unsupported.length} unsupported)`);
    const stats = rules.indexStats(events[0].logsource);
    let matches = 0;
    const evalMs = medianCpuMs(() => {
      matches = 0;
      for (const e of events) matches += rules.evaluate(e.logsource, e.raw).length;
    }, o.runs);
    let out = { events: 0, findings: 0 };
    const detectMs = await medianCpuMsAsync(async () => {
      out = await detectText(text, rules);
    }, o.runs);
    if (out.events !== n) throw new Error(`detect saw ${out.events} of ${n} events`);
    const row: DetectRow = {
      rules: count,
      compileMs,
      indexed: stats.indexed,
      unindexed: stats.unindexed,
      evaluateUs: (evalMs * 1000) / events.length,
      detectUs: (detectMs * 1000) / n,
      detectPerSec: (n / detectMs) * 1000,
      matchesPerEvent: matches / events.length,
    };
    o.log(
      `detect ${label}, ${count} rules: compile ${fmt.ms(compileMs, 0)} ms; evaluate ${fmt.us(row.evaluateUs)} µs/event; mdr detect ${fmt.us(row.detectUs)} µs/event, ${fmt.int(row.detectPerSec)} ev/s (${fmt.pct(row.detectPerSec / parsePerSec)} of JSON.parse); ${row.matchesPerEvent.toFixed(3)} matches/event`,
    );
    rows.push(row);
  }
  return { parsePerSec, rows, events };
}

export async function benchDetect(o: BenchOptions): Promise<DetectResult> {
  const n = o.quick ? 5_000 : 20_000;
  const r = new Rng(99);
  const calls = apiCatalogue();
  const trail = await detectSeries(o, 'CloudTrail records', Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailRecord(r, calls, i))), (count) => cloudTrailRuleFiles(count));
  const pr = new Rng(5);
  const processCreation = await detectSeries(o, 'Sysmon process creation events', Array.from({ length: n }, (_, i) => JSON.stringify(processCreationEvent(pr, i))), (count) => processCreationRuleFiles(count));
  const { parsePerSec, rows, events } = trail;
  // Where the time goes at the largest rule count: the same rules split by kind, each subset evaluated alone.
  const biggest = cloudTrailRuleFiles(3_000);
  const kinds: Array<[string, (t: string) => boolean]> = [
    ['select an eventName (indexed by name)', (t) => t.includes('eventName')],
    ['no eventName: identity / error code / user agent (no regex)', (t) => !t.includes('eventName') && !t.includes('|re') && !t.includes('|cidr')],
    ['no eventName: `userAgent|re`', (t) => !t.includes('eventName') && t.includes('|re')],
    ['no eventName: `sourceIPAddress|cidr` + `readOnly: false`', (t) => !t.includes('eventName') && t.includes('|cidr')],
  ];
  const breakdown: DetectBreakdown[] = [];
  for (const [kind, pred] of kinds) {
    const subset = compileRules(biggest.filter((f) => pred(f.text)));
    const ms = medianCpuMs(() => {
      for (const e of events) subset.evaluate(e.logsource, e.raw);
    }, o.runs);
    const st = subset.indexStats(CT);
    breakdown.push({ kind, rules: subset.rules.length, indexed: st.indexed, unindexed: st.unindexed, evaluateUs: (ms * 1000) / events.length });
    o.log(`detect 3000-rule breakdown: ${kind}: ${subset.rules.length} rules, ${fmt.us((ms * 1000) / events.length)} µs/event`);
  }
  return { events: n, parsePerSec, rows, breakdown, processCreation: { parsePerSec: processCreation.parsePerSec, rows: processCreation.rows } };
}

export interface DetectBreakdown {
  kind: string;
  rules: number;
  indexed: number;
  unindexed: number;
  evaluateUs: number;
}

export function breakdownMarkdown(d: DetectResult): string {
  return table(
    ['rules of the 3,000 that…', 'rules', 'indexed / unindexed', 'evaluate µs/event (subset alone)'],
    d.breakdown.map((b) => [b.kind, fmt.int(b.rules), `${b.indexed} / ${b.unindexed}`, fmt.us(b.evaluateUs)]),
  );
}

export function detectMarkdown(d: Pick<DetectResult, 'rows' | 'parsePerSec'>): string {
  const base = d.rows[0];
  return table(
    ['rules', 'compile (ms)', 'indexed / unindexed', 'evaluate µs/event', 'vs 100 rules', '`mdr detect` µs/event', 'vs 100 rules', '`mdr detect` ev/s', 'vs JSON.parse', 'matches/event'],
    d.rows.map((r) => [
      fmt.int(r.rules),
      fmt.int(r.compileMs),
      `${r.indexed} / ${r.unindexed}`,
      fmt.us(r.evaluateUs),
      `${(r.evaluateUs / base.evaluateUs).toFixed(2)}×`,
      fmt.us(r.detectUs),
      `${(r.detectUs / base.detectUs).toFixed(2)}×`,
      fmt.int(r.detectPerSec),
      fmt.pct(r.detectPerSec / d.parsePerSec),
      r.matchesPerEvent.toFixed(3),
    ]),
  );
}
