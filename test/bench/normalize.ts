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
import { apiCatalogue, cloudTrailEnvelope, cloudTrailRecord, oktaEvent, Rng, vpcFlowLine, VPC_V2_HEADER, windowsEvent } from './generators';
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
import { fmt, medianCpuMsAfterGc, parseAll, table } from './measure';

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

function ndjsonMessages(records: Record<string, unknown>[], perMessage: number, tag: string): RawMessage[] {
  const out: RawMessage[] = [];
  for (let i = 0; i < records.length; i += perMessage) {
    out.push({ messageId: `${tag}-${i}`, body: records.slice(i, i + perMessage).map((r) => JSON.stringify(r)).join('\n') });
  }
  return out;
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

export function normalizeCases(n: number): NormalizeCase[] {
  const r = new Rng(42);
  const calls = apiCatalogue();
  const cases: NormalizeCase[] = [];
  const bodies = (messages: RawMessage[]) => messages.map((m) => m.body);

  const ctEnv = Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailEnvelope(cloudTrailRecord(r, calls, i), r)));
  const ctMsgs = ctEnv.map((body, i) => ({ messageId: `ct-${i}`, body }));
  cases.push({ name: 'CloudTrail', shape: 'EventBridge envelope, 1 per SQS message (default bus route)', messages: ctMsgs, baseline: ctEnv, events: n });

  const ctRecs = Array.from({ length: n }, (_, i) => cloudTrailRecord(r, calls, i));
  const files: RawMessage[] = [];
  for (let i = 0; i < n; i += 100) files.push({ messageId: `ctf-${i}`, body: JSON.stringify({ Records: ctRecs.slice(i, i + 100) }) });
  cases.push({ name: 'CloudTrail', shape: 'log file `{"Records":[…]}`, 100 records per body', messages: files, baseline: bodies(files), events: n });

  const okta = ndjsonMessages(Array.from({ length: n }, (_, i) => oktaEvent(r, i)), 100, 'okta');
  cases.push({ name: 'Okta', shape: 'System Log events, NDJSON, 100 per body', messages: okta, baseline: bodies(okta), events: n });

  const win = ndjsonMessages(Array.from({ length: n }, (_, i) => windowsEvent(r, i)), 100, 'win');
  cases.push({ name: 'Windows', shape: 'Sysmon/Security event JSON (evtx dump), NDJSON, 100 per body', messages: win, baseline: bodies(win), events: n });

  const v2 = textCase(Array.from({ length: n }, (_, i) => vpcFlowLine(r, i)), 100, 'vpc', VPC_V2_HEADER, flowRecord(VPC_V2_HEADER.split(' ')));
  cases.push({ name: 'VPC Flow Logs', shape: 'v2 text, header + 100 lines per body (baseline: same records as NDJSON)', ...v2, events: n });

  const v5 = textCase(Array.from({ length: n }, (_, i) => vpcFlowLineV5(r, i)), 100, 'vpc5', VPC_V5_HEADER, flowRecord(VPC_V5_HEADER.split(' ')));
  cases.push({ name: 'VPC Flow Logs', shape: 'custom format (27 v2–v5 fields), header + 100 lines per body (baseline: same records as NDJSON)', ...v5, events: n });

  const gd = oneEach(Array.from({ length: n }, (_, i) => guardDutyEnvelope(r, i)), 'gd');
  cases.push({ name: 'GuardDuty', shape: 'EventBridge "GuardDuty Finding", 1 per SQS message (default bus route)', messages: gd, baseline: bodies(gd), events: n });

  const sh = oneEach(Array.from({ length: n }, (_, i) => securityHubEnvelope(r, i)), 'sh');
  cases.push({ name: 'Security Hub', shape: 'EventBridge "Security Hub Findings - Imported" (ASFF, 1 finding), 1 per SQS message', messages: sh, baseline: bodies(sh), events: n });

  const dns = ndjsonMessages(Array.from({ length: n }, (_, i) => resolverQuery(r, i)), 100, 'dns');
  cases.push({ name: 'Route 53 Resolver', shape: 'query log records, NDJSON, 100 per body', messages: dns, baseline: bodies(dns), events: n });

  const auditLines: string[] = [];
  for (let i = 0; auditLines.length < n; i++) auditLines.push(...auditdEventLines(r, i));
  auditLines.length = n;
  const audit = textCase(auditLines, 100, 'audit', undefined, (l) => parseAuditdLine(l) ?? {});
  cases.push({ name: 'Linux auditd', shape: 'audit.log text (execve groups, logins, account changes), 100 lines per body (baseline: same records as NDJSON)', ...audit, events: n });
  // The same records as a shipper that parses audit.log writes them (one key/value map per record, NDJSON).
  const auditJson = audit.baseline.map((body, i) => ({ messageId: `auditjson-${i}`, body }));
  cases.push({ name: 'Linux auditd', shape: 'the same records as JSON key/value maps (a shipper parsing audit.log), NDJSON, 100 per body', messages: auditJson, baseline: audit.baseline, events: n });

  const journal = ndjsonMessages(Array.from({ length: n }, (_, i) => journalEntry(r, i)), 100, 'journal');
  cases.push({ name: 'Linux journald', shape: '`journalctl -o json` entries, NDJSON, 100 per body', messages: journal, baseline: bodies(journal), events: n });

  const falcon = ndjsonMessages(Array.from({ length: n }, (_, i) => falconDetection(r, i)), 100, 'falcon');
  cases.push({ name: 'CrowdStrike', shape: 'Falcon stream DetectionSummaryEvent, NDJSON, 100 per body', messages: falcon, baseline: bodies(falcon), events: n });

  const alerts = Array.from({ length: n }, (_, i) => graphAlert(r, i));
  const pages: RawMessage[] = [];
  for (let i = 0; i < n; i += 50) pages.push({ messageId: `mde-${i}`, body: JSON.stringify(graphAlertPage(alerts.slice(i, i + 50))) });
  cases.push({ name: 'Defender', shape: 'Graph `alerts_v2` list page, 50 alerts per body', messages: pages, baseline: bodies(pages), events: n });

  const swg = ndjsonMessages(Array.from({ length: n }, (_, i) => acmeSwgRecord(r, i)), 100, 'swg');
  cases.push({ name: 'Declarative mapping', shape: 'web gateway JSON (acme.swg mapping after the built-ins), NDJSON, 100 per body', messages: swg, baseline: bodies(swg), events: n, sources: [...builtInSources, createDeclarativeSource(ACME_SWG_MAPPING)] });
  return cases;
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
 * normalizeMessage (unwrap + recognize + map to OCSF) over Lambda-sized
 * batches of messages, as the handler drives them: each invocation starts a
 * new pending list of `{ item, source }`, replaced once FLUSH_EVENTS have
 * accumulated after a message and at the end of the invocation (the handler
 * packs and sends them there; packing is not timed here). Also each event dropped as soon as it
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
      for (const m of c.messages) normalizeMessage(m, dropSink, undefined, c.sources);
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
