import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { attackCoverage, isFailure, runRuleTests, testFileFor, type RuleTestResult } from '../../shared/detect/rule-tests';
import { buildRulesArtifact, readRuleFiles } from '../../shared/detect/rule-files';
import { parseSuppressions } from '../../shared/detect/suppressions';
import { compileRules, lintRules, type RuleSourceFile } from '../../shared/detect/sigma';

const TEST_FILE = /\.tests\.json$/i;

/**
 * Rule test files (`*.tests.json`) under the given folders, and the sibling
 * test file of each rule file named directly. Paths are relative to `root`,
 * the same way readRuleFiles names rule files.
 */
export function readRuleTestFiles(paths: readonly string[], root = process.cwd()): RuleSourceFile[] {
  const out = new Map<string, RuleSourceFile>();
  const add = (p: string): void => {
    const path = relative(root, p) || p;
    if (!out.has(path)) out.set(path, { path, text: readFileSync(p, 'utf8') });
  };
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else if (TEST_FILE.test(p)) {
      add(p);
    } else if (/\.ya?ml$/i.test(p) && existsSync(testFileFor(p))) {
      add(testFileFor(p));
    }
  };
  for (const p of paths) visit(p);
  return [...out.values()];
}

function testRow(r: RuleTestResult): string {
  const status = r.case === 'untested' ? 'UNTESTED' : r.passed ? 'PASS' : 'FAIL';
  const where = r.index >= 0 ? `${r.case}[${r.index}]` : r.case;
  return `${status.padEnd(9)} ${where.padEnd(12)} ${r.file}${r.ruleId ? ` ${r.ruleId}` : ''}${r.reason ? `: ${r.reason}` : ''}`;
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('check and inspect Sigma rules');
  rules
    .command('lint')
    .description('check every rule file; exit code 1 when any rule has an error (warnings, e.g. fields its logsource does not carry, do not fail)')
    .argument('<paths...>', 'rule files or folders')
    .option('--json', 'one JSON line per rule: file, id, status, reason')
    .action((paths: string[], opts: { json?: boolean }) => {
      const results = lintRules(readRuleFiles(paths));
      for (const r of results) {
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(r)}\n`
            : `${r.status.padEnd(11)} ${r.file}${r.id ? ` ${r.id}` : ''}${r.reason ? `: ${r.reason}` : ''}\n${(r.warnings ?? []).map((w) => `${'  warning'.padEnd(11)} ${w}\n`).join('')}`,
        );
      }
      if (results.some((r) => r.status === 'error')) process.exitCode = 1;
    });

  rules
    .command('test')
    .description("run each rule's sibling <rule>.tests.json cases (records that must / must not fire it); exit code 1 on any failure")
    .argument('[paths...]', 'rule files or folders', ['rules'])
    .option('--json', 'one JSON line per case: file, ruleId, case, index, passed, reason')
    .option('--strict', 'count rules without a tests file as failures')
    .action((paths: string[], opts: { json?: boolean; strict?: boolean }) => {
      const results = runRuleTests(readRuleFiles(paths), readRuleTestFiles(paths));
      for (const r of results) process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${testRow(r)}\n`);
      const failed = results.filter((r) => isFailure(r) || (opts.strict && r.case === 'untested'));
      const untested = results.filter((r) => r.case === 'untested').length;
      const passed = results.filter((r) => r.passed).length;
      if (!opts.json) {
        process.stdout.write(`\n${passed} passed, ${results.filter(isFailure).length} failed, ${untested} rule(s) untested\n`);
      }
      if (failed.length > 0) process.exitCode = 1;
    });

  rules
    .command('build')
    .description('check rules (and suppressions) and write the rules artifact detect loads: put it at the rules bucket key to change rules without a deploy')
    .argument('<paths...>', 'rule files or folders')
    .requiredOption('--out <file>', 'where to write the artifact (JSON)')
    .option('--suppressions <file>', 'JSON list of suppressions, as in the stack configuration')
    .action((paths: string[], opts: { out: string; suppressions?: string }) => {
      const suppressions = opts.suppressions ? parseSuppressions(JSON.parse(readFileSync(opts.suppressions, 'utf8'))) : [];
      const artifact = buildRulesArtifact(readRuleFiles(paths), { suppressions });
      writeFileSync(opts.out, JSON.stringify(artifact));
      process.stdout.write(`${opts.out}: ${artifact.files.length} rule files, digest ${artifact.digest}\n`);
    });

  rules
    .command('coverage')
    .description('ATT&CK tactics and techniques covered by the loaded rules, with rule counts')
    .argument('[paths...]', 'rule files or folders', ['rules'])
    .option('--json', 'one JSON document: tactics, techniques, untagged')
    .action((paths: string[], opts: { json?: boolean }) => {
      const set = compileRules(readRuleFiles(paths));
      const cov = attackCoverage(set.rules);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ rules: set.rules.length, ...cov })}\n`);
        return;
      }
      const out: string[] = [`${set.rules.length} rules loaded${set.unsupported.length ? `, ${set.unsupported.length} unsupported (not counted)` : ''}`, ''];
      out.push(`Tactics (${cov.tactics.length})`, `${'rules'.padStart(5)}  tactic`);
      for (const t of cov.tactics) out.push(`${String(t.rules).padStart(5)}  ${t.tag.slice('attack.'.length)}`);
      out.push('', `Techniques (${cov.techniques.length})`, `${'rules'.padStart(5)}  technique   rule titles`);
      for (const t of cov.techniques) out.push(`${String(t.rules).padStart(5)}  ${t.tag.slice('attack.'.length).toUpperCase().padEnd(10)}  ${t.titles.join('; ')}`);
      if (cov.untagged) out.push('', `${cov.untagged} rule(s) without ATT&CK tags`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
