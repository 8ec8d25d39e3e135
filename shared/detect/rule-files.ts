/**
 * Rule folders → the rules artifact (rules-artifact.ts): read at synth, by
 * `mdr rules build` and by the local runtime; never by a Lambda function,
 * since reading YAML is what the artifact exists to spare detect.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ARTIFACT_FORMAT, parsedFile, ruleRefs, type ArtifactFile, type RulesArtifact } from './rules-artifact';
import { compileDocuments } from './sigma/ruleset';
import { readRuleFile } from './sigma/rule-text';
import type { RuleSourceFile } from './sigma/types';
import { SuppressionSet, type SuppressionSpec } from './suppressions';

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
  const packed: ArtifactFile[] = files.map((f) => {
    const read = readRuleFile(f);
    const documents = read.documents.map((d) => {
      if ('error' in d) throw d.error;
      // Checked as it will be loaded: what JSON cannot carry is not in the rule detect compiles.
      return d.data === undefined ? null : (JSON.parse(JSON.stringify(d.data)) as unknown);
    });
    return { path: f.path, documents };
  });
  const set = compileDocuments(packed.map(parsedFile));
  const suppressions = options.suppressions ?? [];
  SuppressionSet.compile(suppressions, ruleRefs(set));
  const digest = createHash('sha256');
  for (const f of files) digest.update(f.path).update('\0').update(f.text).update('\0');
  if (suppressions.length) digest.update(JSON.stringify(suppressions));
  return { format: ARTIFACT_FORMAT, digest: digest.digest('hex').slice(0, 16), files: packed, ...(suppressions.length ? { suppressions } : {}) };
}

