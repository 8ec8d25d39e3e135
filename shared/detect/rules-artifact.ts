import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileRules, type RuleSet } from './sigma';
import type { RuleSourceFile } from './sigma/types';

/**
 * The rules artifact: every rule file of a deployment, checked at synth and
 * loaded by the detect function at cold start. It carries rule sources (not
 * compiled matchers) so one engine version compiles them the same way
 * everywhere, and a digest that names this rule set.
 */
export interface RulesArtifact {
  readonly format: 'mdr-rules/1';
  readonly digest: string;
  readonly files: readonly RuleSourceFile[];
}

const RULE_FILE = /\.ya?ml$/i;

/** Reads every `.yml`/`.yaml` file under the given files or folders, recursively, in a stable order. */
export function readRuleFiles(paths: readonly string[], root = process.cwd()): RuleSourceFile[] {
  const out: RuleSourceFile[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else if (RULE_FILE.test(p)) {
      out.push({ path: relative(root, p) || p, text: readFileSync(p, 'utf8') });
    }
  };
  for (const p of paths) visit(p);
  return out;
}

/** Checks every rule (throws RuleLoadError naming file, rule and reason) and packs the artifact. */
export function buildRulesArtifact(files: readonly RuleSourceFile[]): RulesArtifact {
  compileRules([...files]);
  const digest = createHash('sha256');
  for (const f of files) digest.update(f.path).update('\0').update(f.text).update('\0');
  return { format: 'mdr-rules/1', digest: digest.digest('hex').slice(0, 16), files };
}

export function parseRulesArtifact(json: string): RulesArtifact {
  const a = JSON.parse(json) as RulesArtifact;
  if (a?.format !== 'mdr-rules/1' || !Array.isArray(a.files)) throw new Error('not an mdr-rules/1 artifact');
  return a;
}

export function loadRuleSet(artifact: RulesArtifact): RuleSet {
  return compileRules([...artifact.files]);
}
