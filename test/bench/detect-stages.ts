/**
 * Where the `mdr detect` path's time goes, finer than the bench's workers can
 * tell. One process holds one series' text and rules (as detect-worker.ts
 * does) and alternates bare JSON.parse of the text with one stage of the
 * path over it; the stage's CPU time is printed as a ratio to the parse
 * beside it. A worker's "vs JSON.parse" moves about ±3 points from process to
 * process on this machine; these ratios repeat within ±0.02–0.03, so a change
 * of 1–2% of the path shows (docs/benchmarks.md, "Seventh session").
 *
 * `node dist/test/bench/detect-stages.js SERIES RULES [STAGE] [PASSES]`
 *
 * Stages, each including the ones before it: `unwrap` (records out of the
 * text), `route` (routeRecord), `probe` (RuleSet.candidateCount: the index's
 * probes, no rule tested), `evaluate` (RuleSet.evaluateEvent), `detect` (the
 * whole OfflineDetector, finding lines included). `evaluate` less `probe` is
 * the candidates' tests; `detect` less `evaluate` is the finding output. Run
 * one stage per process and alternate processes: stages sharing a process
 * share the functions' type feedback, which slows each.
 */
import { OfflineDetector } from '../../cli/commands/detect';
import { compileRules, type RuleSet } from '../../shared/detect/sigma';
import { SuppressionSet } from '../../shared/detect/suppressions';
import { unwrapTextInto } from '../../shared/normalize/envelopes';
import { routeRecord } from '../../shared/normalize/registry';
import type { TelemetryEvent } from '../../shared/telemetry';
import { DETECT_SERIES, seriesInput, type DetectSeries } from './detect-worker';
import { alternatedCpuMs, parseAll } from './measure';

export const STAGES = ['unwrap', 'route', 'probe', 'evaluate', 'detect'] as const;
export type Stage = (typeof STAGES)[number];

/** The stages count only what unwraps: an unwrap failure is dropped. */
const failures = { push: () => undefined };

/** A pass routing every record of `text` and summing `count` over its events (one stage per process: one `count`). */
function eachEvent(text: string, count: (e: TelemetryEvent) => number): () => number {
  return () => {
    let n = 0;
    unwrapTextInto(text, {
      records: {
        push: (r) => {
          const res = routeRecord(r);
          if (res.ok) for (const e of res.events) n += count(e);
        },
      },
      failures,
    });
    return n;
  };
}

/** One pass of `stage` over `text`, as a function; returns a count so the work cannot be dropped. */
export function stagePass(stage: Stage, text: string, rules: RuleSet): () => number {
  switch (stage) {
    case 'unwrap':
      return () => {
        let n = 0;
        unwrapTextInto(text, { records: { push: () => void n++ }, failures });
        return n;
      };
    case 'route':
      return () => {
        let n = 0;
        unwrapTextInto(text, { records: { push: (r) => void (n += routeRecord(r).ok ? 1 : 0) }, failures });
        return n;
      };
    case 'probe':
      return eachEvent(text, (e) => rules.candidateCount(e));
    case 'evaluate':
      return eachEvent(text, (e) => rules.evaluateEvent(e).length);
    case 'detect':
      return () => {
        const d = new OfflineDetector(rules, 'bench', SuppressionSet.empty, () => undefined, () => undefined);
        // Without correlation rules (none in these series) text() does all its work before its first await.
        void d.text('bench.ndjson', text);
        return d.report.findings;
      };
  }
}

function main(): void {
  const [series, rulesArg, stageArg = 'detect', passesArg = '15'] = process.argv.slice(2);
  if (!(DETECT_SERIES as readonly string[]).includes(series) || series === 'cloudtrail-quiet') throw new Error(`series: one of cloudtrail, process-creation (got '${series}')`);
  if (!(STAGES as readonly string[]).includes(stageArg)) throw new Error(`stage: one of ${STAGES.join(', ')} (got '${stageArg}')`);
  const passes = Number(passesArg);
  const { lines, ruleFiles } = seriesInput(series as DetectSeries, 20_000);
  const text = lines.join('\n');
  lines.length = 0;
  const rules = compileRules(ruleFiles(Number(rulesArg)));
  const stage = stagePass(stageArg as Stage, text, rules);
  const [p, s] = alternatedCpuMs(() => parseAll([text]), stage, passes);
  process.stdout.write(`${JSON.stringify({ series, rules: Number(rulesArg), stage: stageArg, passes, parseMs: p, stageMs: s, parseUnits: s / p })}\n`);
}

if (require.main === module) main();
