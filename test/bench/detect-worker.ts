/**
 * Child process of the detection benchmark (detect.ts): one input series at
 * one rule count, in a process of its own, as `mdr detect` runs: the process
 * holds the compiled rules and the input text, nothing of the other rule
 * counts or of the evaluate-only measurement. Prints one JSON line.
 *
 * `worker SERIES RULES EVENTS RUNS [QUIET.json]`, SERIES one of DETECT_SERIES; QUIET.json, for
 * `cloudtrail-quiet`, the rule files quietRules chose.
 *
 * The `mdr detect` runs and bare JSON.parse runs of the same text alternate,
 * so both see the same machine, in two rounds of RUNS passes each after one
 * untimed pass: the first round while V8 is still optimizing the path (it
 * takes one to five passes of 20,000 events; JSON.parse, native, needs none),
 * the second at the steady speed a long run or a warm function sees
 * (docs/benchmarks.md, "Ninth session: steady speed"). Then the already-normalized events
 * are kept and RuleSet.evaluate is timed alone.
 */
import { readFileSync } from 'node:fs';
import { OfflineDetector } from '../../cli/commands/detect';
import { compileRules, type RuleSet } from '../../shared/detect/sigma';
import { SuppressionSet } from '../../shared/detect/suppressions';
import { unwrapText } from '../../shared/normalize/envelopes';
import { normalizeRecord } from '../../shared/normalize/registry';
import type { TelemetryEvent } from '../../shared/telemetry';
import { apiCatalogue, cloudTrailRecord, cloudTrailRule, cloudTrailRuleFiles, Rng } from './generators';
import { cpuMs, cpuMsAwaited, median, medianCpuMs, parseAll, timeMs } from './measure';
import { processCreationEvent, processCreationRuleFiles } from './process-creation';

/**
 * `cloudtrail`: generated CloudTrail rules over generated traffic, matches growing with the rules (0.02 → 0.73 per event).
 * `cloudtrail-quiet`: the same first 100 rules, then rules of the same generator that fire on none of the series' events:
 * what rules that do not match cost an event, the premise of the 30× target. `process-creation`: SigmaHQ-shaped
 * process_creation rules over Sysmon EventID 1 records.
 */
export type DetectSeries = 'cloudtrail' | 'cloudtrail-quiet' | 'process-creation';
export const DETECT_SERIES: readonly DetectSeries[] = ['cloudtrail', 'cloudtrail-quiet', 'process-creation'];

export interface DetectWorkerResult {
  rules: number;
  events: number;
  compileMs: number;
  indexed: number;
  unindexed: number;
  /** CPU ms of one `mdr detect` pass over the text, median of the second round (steady speed). */
  detectMs: number;
  /** CPU ms of bare JSON.parse of every line of the same text, median of the second round. */
  parseMs: number;
  /** The same two, median of the first round: the passes right after the untimed one, V8 still warming up. */
  firstDetectMs: number;
  firstParseMs: number;
  /** CPU ms of RuleSet.evaluate over the normalized events, median. */
  evaluateMs: number;
  matches: number;
  findings: number;
}

/**
 * The series' input lines and rule files, seeded: the same for every rule count. `quiet` is quietRules' answer for
 * these lines, worked out once by the caller (a process of its own would hold the 3× larger rule set it compiles).
 */
export function seriesInput(series: DetectSeries, n: number, quiet: readonly RuleFile[] = []): { lines: string[]; ruleFiles: (count: number) => RuleFile[] } {
  if (series === 'process-creation') {
    const r = new Rng(5);
    return { lines: Array.from({ length: n }, (_, i) => JSON.stringify(processCreationEvent(r, i))), ruleFiles: (count) => processCreationRuleFiles(count) };
  }
  const r = new Rng(99);
  const calls = apiCatalogue();
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailRecord(r, calls, i)));
  if (series === 'cloudtrail') return { lines, ruleFiles: (count) => cloudTrailRuleFiles(count) };
  return {
    lines,
    ruleFiles: (count) => {
      if (quiet.length < count - 100) throw new Error(`${quiet.length} quiet rules given, ${count - 100} wanted`);
      return [...cloudTrailRuleFiles(100), ...quiet.slice(0, count - 100)];
    },
  };
}

export type RuleFile = { path: string; text: string };

/**
 * `count` rules of the CloudTrail generator (another seed, ids after the first series') that fire on none of `lines`:
 * about half of what it writes, the rest watching calls the traffic makes with refinements the traffic meets.
 */
export function quietRules(lines: readonly string[], count: number): RuleFile[] {
  if (count <= 0) return [];
  const r = new Rng(11);
  const calls = apiCatalogue();
  const pool: RuleFile[] = [];
  for (let k = 0; k < 3 * count; k++) pool.push({ path: `generated/quiet-${String(k).padStart(5, '0')}.yml`, text: cloudTrailRule(r, 100_000 + k, calls) });
  const all = compileRules(pool);
  const fired = new Set<string>();
  for (const line of lines) {
    const res = normalizeRecord(JSON.parse(line) as Record<string, unknown>);
    if (res.ok) for (const e of res.events) for (const rule of all.evaluate(e.logsource, e.raw)) fired.add(rule.file);
  }
  const quiet = pool.filter((f) => !fired.has(f.path)).slice(0, count);
  if (quiet.length < count) throw new Error(`only ${quiet.length} of ${3 * count} generated rules fire on no event; ${count} wanted`);
  return quiet;
}

async function main(): Promise<void> {
  const [series, rulesArg, eventsArg, runsArg, quietPath] = process.argv.slice(2);
  if (!(DETECT_SERIES as readonly string[]).includes(series)) throw new Error(`unknown series '${series}'`);
  const count = Number(rulesArg);
  const runs = Number(runsArg);
  const quiet = quietPath ? (JSON.parse(readFileSync(quietPath, 'utf8')) as RuleFile[]) : [];
  const { lines, ruleFiles } = seriesInput(series as DetectSeries, Number(eventsArg), quiet);
  const files = ruleFiles(count);
  const text = lines.join('\n');
  lines.length = 0;
  let rules!: RuleSet;
  const compileMs = timeMs(() => (rules = compileRules(files)));
  if (rules.rules.length !== count) throw new Error(`expected ${count} rules, compiled ${rules.rules.length} (${rules.unsupported.length} unsupported)`);

  // `mdr detect` over one file: cli/commands/detect.ts's own code, its lines discarded instead of printed.
  let report = { events: 0, findings: 0, rejected: 0 };
  const detect = async () => {
    const detector = new OfflineDetector(rules, 'bench', SuppressionSet.empty, () => undefined, () => undefined);
    await detector.text('bench.ndjson', text);
    report = detector.report;
  };
  await detect();
  parseAll([text]);
  // No forced collection between runs: after one (gc()), the next `mdr detect` run took 1.8–1.9× the CPU time of a run
  // after none (docs/benchmarks.md); the process holds nothing else for a collection to free.
  const round = async (): Promise<[number, number]> => {
    const detectTimes: number[] = [];
    const parseTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      detectTimes.push(await cpuMsAwaited(detect));
      parseTimes.push(cpuMs(() => parseAll([text])));
    }
    return [median(detectTimes), median(parseTimes)];
  };
  const [firstDetectMs, firstParseMs] = await round();
  const [detectMs, parseMs] = await round();

  const events: TelemetryEvent[] = [];
  for (const rec of unwrapText(text).records) {
    const res = normalizeRecord(rec);
    if (res.ok) events.push(...res.events);
  }
  let matches = 0;
  const evaluateMs = medianCpuMs(() => {
    matches = 0;
    for (const e of events) matches += rules.evaluate(e.logsource, e.raw).length;
  }, runs);
  const stats = rules.indexStats(events[0].logsource);
  const out: DetectWorkerResult = {
    rules: count,
    events: report.events,
    compileMs,
    indexed: stats.indexed,
    unindexed: stats.unindexed,
    detectMs,
    parseMs,
    firstDetectMs,
    firstParseMs,
    evaluateMs,
    matches,
    findings: report.findings,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
