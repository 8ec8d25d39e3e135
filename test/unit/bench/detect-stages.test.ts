import { OfflineDetector } from '../../../cli/commands/detect';
import { compileRules } from '../../../shared/detect/sigma';
import { SuppressionSet } from '../../../shared/detect/suppressions';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { STAGES, stagePass } from '../../bench/detect-stages';
import { seriesInput } from '../../bench/detect-worker';

describe('detect bench stages: each stage does the path’s work up to it', () => {
  it.each(['cloudtrail', 'process-creation'] as const)('%s', (series) => {
    const { lines, ruleFiles } = seriesInput(series, 300);
    const text = [...lines, '{"not": "a known source"}', '{broken'].join('\n');
    const rules = compileRules(ruleFiles(200));
    // What each stage must find, worked out with the eager path, record by record.
    let matches = 0;
    for (const line of lines) {
      const res = normalizeRecord(JSON.parse(line) as Record<string, unknown>);
      if (!res.ok) throw new Error(res.reason);
      for (const e of res.events) matches += rules.evaluate(e.logsource, e.raw).length;
    }
    const detector = new OfflineDetector(rules, 'bench', SuppressionSet.empty, () => undefined, () => undefined);
    void detector.text('bench.ndjson', text);

    const counts = Object.fromEntries(STAGES.map((s) => [s, stagePass(s, text, rules)()]));
    // The unknown record is unwrapped and not routed; the broken line is neither.
    expect(counts.unwrap).toBe(lines.length + 1);
    expect(counts.route).toBe(lines.length);
    // Every match was a candidate; the index names far fewer candidates than rules times events.
    expect(counts.probe).toBeGreaterThanOrEqual(counts.evaluate);
    expect(counts.probe).toBeLessThan((lines.length * 200) / 4);
    expect(counts.evaluate).toBe(matches);
    expect(matches).toBeGreaterThan(0);
    expect(counts.detect).toBe(detector.report.findings);
    expect(counts.detect).toBeGreaterThan(0);
  });
});
