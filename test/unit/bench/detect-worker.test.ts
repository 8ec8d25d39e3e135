import { compileRules } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { quietRules, seriesInput } from '../../bench/detect-worker';

describe('detect bench: the series whose added rules fire on none of the events', () => {
  const { lines } = seriesInput('cloudtrail', 400);
  const quiet = quietRules(lines, 60);
  const { ruleFiles } = seriesInput('cloudtrail-quiet', 400, quiet);

  it("adds rules that match none of the series' events; its first 100 rules are those of the other CloudTrail series", () => {
    const files = ruleFiles(160);
    expect(files.slice(0, 100)).toEqual(seriesInput('cloudtrail', 400).ruleFiles(100));
    const rules = compileRules(files);
    expect(rules.rules).toHaveLength(160);
    expect(new Set(rules.rules.map((r) => r.id)).size).toBe(160);
    const added = new Set(quiet.map((f) => f.path));
    let matchesOfAdded = 0;
    let matchesOfFirst = 0;
    for (const line of lines) {
      const res = normalizeRecord(JSON.parse(line) as Record<string, unknown>);
      if (!res.ok) throw new Error(res.reason);
      for (const e of res.events) {
        for (const r of rules.evaluate(e.logsource, e.raw)) {
          if (added.has(r.file)) matchesOfAdded++;
          else matchesOfFirst++;
        }
      }
    }
    expect(matchesOfAdded).toBe(0);
    // The premise is only worth measuring if the added rules are of the same kind: the generator's rules do fire.
    expect(matchesOfFirst).toBeGreaterThan(0);
  });

  it('refuses to make up a larger set than it was given', () => {
    expect(() => ruleFiles(100 + quiet.length + 1)).toThrow(/quiet rules given/);
  });
});
