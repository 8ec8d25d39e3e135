import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArtifact, parseRulesArtifact } from '../../../shared/detect/rules-artifact';
import { buildRulesArtifact, readRuleFiles } from '../../../shared/detect/rule-files';
import { compileRules, RuleLoadError } from '../../../shared/detect/sigma';

const twoDocs = {
  path: 'rules/two.yml',
  text: [
    'title: Hex stays text',
    'id: hex-text',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    '  sel: {errorCode: 0x17}',
    '  condition: sel',
    '---',
    '',
    '---',
    'title: Count',
    'id: plain-number',
    'logsource: {product: aws, service: cloudtrail}',
    'detection:',
    '  sel: {count: 23}',
    '  condition: sel',
  ].join('\n'),
};

const fired = (set: ReturnType<typeof compileRules>, event: Record<string, unknown>) =>
  set.evaluate({ product: 'aws', service: 'cloudtrail' }, event).map((r) => r.id);

describe('rules artifact', () => {
  it('carries each file as its YAML documents, and compiles to the rules the YAML compiles to', () => {
    const artifact = parseRulesArtifact(JSON.stringify(buildRulesArtifact([twoDocs])));
    expect(artifact.format).toBe('mdr-rules/2');
    // The empty middle document keeps its place, so document numbers in errors and ids stay the same.
    expect(artifact.files).toEqual([{ path: 'rules/two.yml', documents: [expect.objectContaining({ id: 'hex-text' }), null, expect.objectContaining({ id: 'plain-number' })] }]);
    const fromArtifact = loadArtifact(artifact).rules;
    const fromYaml = compileRules([twoDocs]);
    expect(fromArtifact.rules.map((r) => [r.id, r.version])).toEqual(fromYaml.rules.map((r) => [r.id, r.version]));
    // `0x17` is the text 0x17, not 23, after the trip through JSON too.
    for (const set of [fromArtifact, fromYaml]) {
      expect(fired(set, { errorCode: '0x17' })).toEqual(['hex-text']);
      expect(fired(set, { errorCode: 23, count: '23' })).toEqual(['plain-number']);
    }
  });

  it('refuses a rule file with a YAML or rule error at build, naming the file', () => {
    const bad = { path: 'rules/bad.yml', text: 'title: x\nlogsource: {product: aws}\ndetection: {sel: {a: [1, }\n' };
    expect(() => buildRulesArtifact([twoDocs, bad])).toThrow(RuleLoadError);
    expect(() => buildRulesArtifact([bad])).toThrow(/rules\/bad\.yml/);
  });

  it('names what is wrong with an artifact it cannot read', () => {
    expect(() => parseRulesArtifact(JSON.stringify({ format: 'mdr-rules/1', digest: 'x', files: [{ path: 'a.yml', text: 'title: a' }] }))).toThrow(/mdr-rules\/1.*rebuild/);
    expect(() => parseRulesArtifact(JSON.stringify({ format: 'mdr-rules/2', digest: 'x', files: [{ path: 'a.yml', text: 'title: a' }] }))).toThrow(/file 0 needs 'path' and a 'documents' list/);
    expect(() => parseRulesArtifact('{"format":"other"}')).toThrow(/not an mdr-rules\/2 artifact/);
  });

  it('mdr rules build writes the artifact the deployment would bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdr-artifact-'));
    try {
      const out = join(dir, 'current.json');
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'cli/mdr.ts', 'rules', 'build', 'rules/aws/cloudtrail', '--out', out], { encoding: 'utf8' });
      const written = parseRulesArtifact(readFileSync(out, 'utf8'));
      const expected = buildRulesArtifact(readRuleFiles(['rules/aws/cloudtrail']));
      expect(written).toEqual(expected);
      expect(stdout).toContain(`digest ${expected.digest}`);
      writeFileSync(join(dir, 'bad.yml'), 'title: broken\n');
      expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'cli/mdr.ts', 'rules', 'build', join(dir, 'bad.yml'), '--out', join(dir, 'x.json')], { encoding: 'utf8', stdio: 'pipe' })).toThrow(
        /bad\.yml/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
