import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEvents } from '../../../shared/detect/detector';
import { readRuleFiles } from '../../../shared/detect/rule-files';
import { compileRules, CorrelationEngine, lintRules, type RoutedEvent } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';

/**
 * Rules in the SigmaHQ house style (test/fixtures/sigmahq-style, written for
 * this project) load unmodified, with no error, warning or unsupported rule,
 * and each fires on the events written for it and not on its near misses.
 */
const DIR = join(__dirname, '..', '..', 'fixtures', 'sigmahq-style');

type Input = { record: Record<string, unknown> } | { logsource: RoutedEvent['logsource']; raw: Record<string, unknown> };
interface Case {
  rule: string;
  correlationOnly?: boolean;
  match: Input[];
  nomatch: Input[];
}
const fixture = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { cases: Case[]; correlation: { rule: string; records: Record<string, unknown>[] } };

function events(input: Input): RoutedEvent[] {
  if (!('record' in input)) return [input];
  const n = normalizeRecord(input.record);
  if (!n.ok) throw new Error(`fixture record not normalized: ${n.reason}`);
  return n.events;
}

describe('SigmaHQ-style rules', () => {
  const files = readRuleFiles([DIR], DIR);
  const set = compileRules(files, { strict: true });

  it('all load, with no error, unsupported rule or field warning', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(set.unsupported).toEqual([]);
    const lint = lintRules(files);
    expect(lint.filter((r) => r.status !== 'ok' || r.warnings)).toEqual([]);
    expect(lint).toHaveLength(set.rules.length + set.correlations.length);
    expect(set.rules.length + set.correlations.length).toBeGreaterThanOrEqual(15);
  });

  it('every detection rule has cases', () => {
    expect(set.rules.map((r) => r.id).sort()).toEqual(fixture.cases.map((c) => c.rule).sort());
  });

  describe.each(fixture.cases.map((c) => [set.rules.find((r) => r.id === c.rule)?.title ?? c.rule, c] as const))('%s', (_title, c) => {
    it.each(c.match.map((m, i) => [i, m] as const))('fires on match[%d]', (_i, input) => {
      expect(events(input).some((e) => set.evaluateEvent(e).some((r) => r.id === c.rule))).toBe(true);
    });
    it.each(c.nomatch.map((m, i) => [i, m] as const))('stays quiet on nomatch[%d]', (_i, input) => {
      expect(events(input).flatMap((e) => set.evaluateEvent(e)).filter((r) => r.id === c.rule)).toEqual([]);
    });
  });

  it('the multi-document correlation fires once per address crossing its threshold, and its base rule stays quiet', async () => {
    const evs = fixture.correlation.records.flatMap((r) => events({ record: r })) as TelemetryEvent[];
    const { detections } = await detectEvents(evs, set, { tenantId: 't', now: new Date('2026-11-20T10:10:00Z') }, { correlations: new CorrelationEngine(set) });
    expect(detections.map((d) => [d.finding.rule.id, d.events.length])).toEqual([[fixture.correlation.rule, 3]]);
    expect(set.rules.find((r) => r.id === fixture.cases.find((c) => c.correlationOnly)?.rule)?.correlationOnly).toBe(true);
  });
});
