import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileRules, type RuleSet } from './sigma';
import type { RuleSourceFile } from './sigma/types';
import { SuppressionSet, type SuppressionSpec } from './suppressions';

/**
 * The rules artifact: every rule file of a deployment, checked at synth and
 * loaded by the detect function at cold start. It carries rule sources (not
 * compiled matchers) so one engine version compiles them the same way
 * everywhere, the customer's suppressions (checked against those rules),
 * and a digest that names this rule set.
 */
export interface RulesArtifact {
  readonly format: 'mdr-rules/1';
  readonly digest: string;
  readonly files: readonly RuleSourceFile[];
  /** Per-customer suppressions (absent when there are none). */
  readonly suppressions?: readonly SuppressionSpec[];
}

/** An artifact compiled and ready for detect. */
export interface LoadedRules {
  readonly rules: RuleSet;
  readonly suppressions: SuppressionSet;
  /** The artifact's digest: names the rule set in logs and metrics. */
  readonly digest: string;
}

/** Ids and names a suppression may refer to (unsupported rules included: skipping them is not the customer's error). */
function ruleRefs(set: RuleSet): Set<string> {
  const out = new Set<string>();
  for (const r of set.rules) {
    out.add(r.id);
    if (r.name) out.add(r.name);
  }
  for (const u of set.unsupported) if (u.id) out.add(u.id);
  return out;
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

/**
 * Checks every rule (throws RuleLoadError naming file, rule and reason) and
 * every suppression (throws ConfigError naming it), and packs the artifact.
 */
export function buildRulesArtifact(files: readonly RuleSourceFile[], options: { suppressions?: readonly SuppressionSpec[] } = {}): RulesArtifact {
  const set = compileRules([...files]);
  const suppressions = options.suppressions ?? [];
  SuppressionSet.compile(suppressions, ruleRefs(set));
  const digest = createHash('sha256');
  for (const f of files) digest.update(f.path).update('\0').update(f.text).update('\0');
  if (suppressions.length) digest.update(JSON.stringify(suppressions));
  return { format: 'mdr-rules/1', digest: digest.digest('hex').slice(0, 16), files, ...(suppressions.length ? { suppressions } : {}) };
}

export function parseRulesArtifact(json: string): RulesArtifact {
  const a = JSON.parse(json) as RulesArtifact;
  if (a?.format !== 'mdr-rules/1' || !Array.isArray(a.files)) throw new Error('not an mdr-rules/1 artifact');
  if (typeof a.digest !== 'string') throw new Error('rules artifact has no digest');
  if (a.suppressions !== undefined && !Array.isArray(a.suppressions)) throw new Error(`rules artifact: 'suppressions' must be a list`);
  return a;
}

export function loadRuleSet(artifact: RulesArtifact): RuleSet {
  return compileRules([...artifact.files]);
}

/** Compiles an artifact's rules and suppressions; throws on any invalid content. */
export function loadArtifact(artifact: RulesArtifact): LoadedRules {
  const rules = compileRules([...artifact.files]);
  const suppressions = artifact.suppressions?.length ? SuppressionSet.compile(artifact.suppressions, ruleRefs(rules)) : SuppressionSet.empty;
  return { rules, suppressions, digest: artifact.digest };
}

/** Where detect gets its rules for each batch: fixed at cold start, or refreshed (shared/aws/rules-source.ts). */
export interface RulesProvider {
  current(): Promise<LoadedRules>;
}

export function staticRules(loaded: LoadedRules): RulesProvider {
  return { current: () => Promise.resolve(loaded) };
}
