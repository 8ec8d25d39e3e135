/**
 * Child process of the detection benchmark (detect.ts): one input series at
 * one rule count, in a process of its own, as `mdr detect` runs: the process
 * holds the compiled rules and the input text, nothing of the other rule
 * counts or of the evaluate-only measurement. Prints one JSON line.
 *
 * `worker SERIES RULES EVENTS RUNS`, SERIES `cloudtrail` or `process-creation`.
 *
 * The `mdr detect` runs and bare JSON.parse runs of the same text alternate,
 * so both see the same machine; then the
 * already-normalized events are kept and RuleSet.evaluate is timed alone.
 */
import { OfflineDetector } from '../../cli/commands/detect';
import { compileRules, type RuleSet } from '../../shared/detect/sigma';
import { SuppressionSet } from '../../shared/detect/suppressions';
import { unwrapText } from '../../shared/normalize/envelopes';
import { normalizeRecord } from '../../shared/normalize/registry';
import type { TelemetryEvent } from '../../shared/telemetry';
import { apiCatalogue, cloudTrailRecord, cloudTrailRuleFiles, Rng } from './generators';
import { median, medianCpuMs, parseAll, timeMs } from './measure';
import { processCreationEvent, processCreationRuleFiles } from './process-creation';

export type DetectSeries = 'cloudtrail' | 'process-creation';

export interface DetectWorkerResult {
  rules: number;
  events: number;
  compileMs: number;
  indexed: number;
  unindexed: number;
  /** CPU ms of one `mdr detect` pass over the text, median. */
  detectMs: number;
  /** CPU ms of bare JSON.parse of every line of the same text, median. */
  parseMs: number;
  /** CPU ms of RuleSet.evaluate over the normalized events, median. */
  evaluateMs: number;
  matches: number;
  findings: number;
}

/** The series' input lines and rule files, seeded: the same for every rule count. */
export function seriesInput(series: DetectSeries, n: number): { lines: string[]; ruleFiles: (count: number) => { path: string; text: string }[] } {
  if (series === 'cloudtrail') {
    const r = new Rng(99);
    const calls = apiCatalogue();
    return { lines: Array.from({ length: n }, (_, i) => JSON.stringify(cloudTrailRecord(r, calls, i))), ruleFiles: (count) => cloudTrailRuleFiles(count) };
  }
  const r = new Rng(5);
  return { lines: Array.from({ length: n }, (_, i) => JSON.stringify(processCreationEvent(r, i))), ruleFiles: (count) => processCreationRuleFiles(count) };
}

/** CPU ms of one call, process-wide (garbage collection included). */
async function cpuMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

async function main(): Promise<void> {
  const [series, rulesArg, eventsArg, runsArg] = process.argv.slice(2);
  if (series !== 'cloudtrail' && series !== 'process-creation') throw new Error(`unknown series '${series}'`);
  const count = Number(rulesArg);
  const runs = Number(runsArg);
  const { lines, ruleFiles } = seriesInput(series, Number(eventsArg));
  const text = lines.join('\n');
  lines.length = 0;
  let rules!: RuleSet;
  const compileMs = timeMs(() => (rules = compileRules(ruleFiles(count))));
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
  const detectTimes: number[] = [];
  const parseTimes: number[] = [];
  // No forced collection between runs: after one (gc()), the next `mdr detect` run took 1.8–1.9× the CPU time of a run
  // after none (docs/benchmarks.md); the process holds nothing else for a collection to free.
  for (let i = 0; i < runs; i++) {
    detectTimes.push(await cpuMs(detect));
    parseTimes.push(await cpuMs(() => parseAll([text])));
  }

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
    detectMs: median(detectTimes),
    parseMs: median(parseTimes),
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
