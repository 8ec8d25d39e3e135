import { join, relative } from 'node:path';
import { readRuleTestFiles } from '../../../cli/commands/rules';
import { attackCoverage, isFailure, runRuleTests, testFileFor } from '../../../shared/detect/rule-tests';
import { readRuleFiles } from '../../../shared/detect/rule-files';
import { compileRules, lintRules, type RuleSourceFile } from '../../../shared/detect/sigma';

const root = join(__dirname, '..', '..', '..');
const rulesDir = join(root, 'rules');
const ruleFiles = readRuleFiles([rulesDir], root);
const testFiles = readRuleTestFiles([rulesDir], root);

describe('shipped rule pack (rules/)', () => {
  it('is read with rule paths and test paths relative to the repository', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(17);
    expect(ruleFiles.every((f) => f.path.startsWith('rules/'))).toBe(true);
    // Test files must never be picked up as rules.
    expect(ruleFiles.some((f) => f.path.endsWith('.json'))).toBe(false);
    expect(relative(root, rulesDir)).toBe('rules');
  });

  it.each(lintRules(ruleFiles).map((r) => [r.file, r] as const))('%s lints ok', (_file, result) => {
    expect(result).toMatchObject({ status: 'ok' });
  });

  it('every rule carries the pack metadata: UUID id, author, date, ATT&CK tactic and technique, level, falsepositives', () => {
    const set = compileRules(ruleFiles);
    expect(set.unsupported).toEqual([]);
    for (const r of set.rules) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(r.tags.some((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t))).toBe(true);
      expect(r.tags.some((t) => /^attack\.[a-z-]+$/.test(t))).toBe(true);
      expect(r.falsepositives.length).toBeGreaterThan(0);
      expect(r.status).toBeDefined();
      const text = ruleFiles.find((f) => f.path === r.file)?.text ?? '';
      expect(text).toMatch(/^author: serverless-mdr team$/m);
      expect(text).toMatch(/^date: \d{4}-\d{2}-\d{2}$/m);
      expect(text).toMatch(/^level: (informational|low|medium|high|critical)$/m);
    }
  });

  it('covers the four sources the pack ships for', () => {
    const ls = new Set(compileRules(ruleFiles).rules.map((r) => `${r.logsource.product}/${r.logsource.service ?? r.logsource.category}`));
    expect([...ls].sort()).toEqual(['aws/cloudtrail', 'aws/guardduty', 'okta/okta', 'windows/process_creation']);
  });

  it('every rule has a tests file with match and nomatch cases, and every case passes', () => {
    const results = runRuleTests(ruleFiles, testFiles);
    expect(results.filter((r) => r.case === 'untested' || r.case === 'invalid')).toEqual([]);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    for (const f of ruleFiles) {
      expect(testFiles.map((t) => t.path)).toContain(testFileFor(f.path));
      const mine = results.filter((r) => r.file === f.path);
      expect(mine.some((r) => r.case === 'match')).toBe(true);
      expect(mine.some((r) => r.case === 'nomatch')).toBe(true);
    }
  });

  it('reports ATT&CK coverage per tactic and technique', () => {
    const cov = attackCoverage(compileRules(ruleFiles).rules);
    expect(cov.untagged).toBe(0);
    expect(cov.tactics.map((t) => t.tag)).toEqual(expect.arrayContaining(['attack.defense-evasion', 'attack.credential-access', 'attack.execution']));
    expect(cov.techniques.find((t) => t.tag === 'attack.t1562.008')).toMatchObject({ rules: 1 });
  });
});

describe('runRuleTests', () => {
  const rule: RuleSourceFile = {
    path: 'r/stop.yml',
    text: [
      'title: t',
      'id: 11111111-2222-4333-8444-555555555555',
      'logsource: {product: aws, service: cloudtrail}',
      'detection:',
      '  sel: {eventName: StopLogging}',
      '  condition: sel',
    ].join('\n'),
  };
  const ct = (eventName: string): Record<string, unknown> => ({
    eventVersion: '1.09',
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'u' },
  });
  const tests = (doc: unknown): RuleSourceFile => ({ path: 'r/stop.tests.json', text: JSON.stringify(doc) });

  it('reports a deliberately wrong expectation as failed, with the reason', () => {
    const results = runRuleTests([rule], [tests({ match: [ct('StartLogging')], nomatch: [ct('StopLogging')] })]);
    expect(results).toEqual([
      { file: 'r/stop.yml', ruleId: '11111111-2222-4333-8444-555555555555', case: 'match', index: 0, passed: false, reason: 'rule did not fire' },
      { file: 'r/stop.yml', ruleId: '11111111-2222-4333-8444-555555555555', case: 'nomatch', index: 0, passed: false, reason: 'rule fired' },
    ]);
    expect(results.every(isFailure)).toBe(true);
  });

  it('fails a record that does not normalize, and reports rules without tests as untested (not failed)', () => {
    const [bad] = runRuleTests([rule], [tests({ match: [{ hello: 'world' }] })]);
    expect(bad).toMatchObject({ case: 'match', passed: false, reason: expect.stringMatching(/not normalized/) });
    const [untested] = runRuleTests([rule], []);
    expect(untested).toMatchObject({ case: 'untested', passed: false });
    expect(isFailure(untested)).toBe(false);
  });

  it('reports unparsable test files and orphan test files as invalid', () => {
    expect(runRuleTests([rule], [{ path: 'r/stop.tests.json', text: '{' }])[0]).toMatchObject({ case: 'invalid', passed: false });
    const orphan = runRuleTests([], [{ path: 'r/gone.tests.json', text: '{"match":[]}' }]);
    expect(orphan).toEqual([expect.objectContaining({ file: 'r/gone.tests.json', case: 'invalid', reason: expect.stringMatching(/no sibling rule/) })]);
  });
});
