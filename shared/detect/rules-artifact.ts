import { compileDocuments, type RuleSet } from './sigma/ruleset';
import type { ParsedRuleFile } from './sigma/types';
import { SuppressionSet, type SuppressionSpec } from './suppressions';

/**
 * The rules artifact: every rule file of a deployment, checked at synth and
 * loaded by the detect function at cold start. It carries each file's rule
 * documents as data (the YAML read once, at build; not compiled matchers, so
 * one engine version compiles them the same way everywhere), the customer's
 * suppressions (checked against those rules), and a digest that names this
 * rule set. Reading YAML was most of detect's cold start (decision 0006).
 */
export interface RulesArtifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly digest: string;
  readonly files: readonly ArtifactFile[];
  /** Per-customer suppressions (absent when there are none). */
  readonly suppressions?: readonly SuppressionSpec[];
}

export const ARTIFACT_FORMAT = 'mdr-rules/2';

/** One rule file in the artifact: its path and its YAML documents as data, in order (null for an empty document). */
export interface ArtifactFile {
  readonly path: string;
  readonly documents: readonly unknown[];
}

/** An artifact compiled and ready for detect. */
export interface LoadedRules {
  readonly rules: RuleSet;
  readonly suppressions: SuppressionSet;
  /** The artifact's digest: names the rule set in logs and metrics. */
  readonly digest: string;
}

export const parsedFile = (f: ArtifactFile): ParsedRuleFile => ({ path: f.path, documents: f.documents.map((data) => ({ data })) });

export function parseRulesArtifact(json: string): RulesArtifact {
  const a = JSON.parse(json) as RulesArtifact;
  if ((a?.format as string) === 'mdr-rules/1') throw new Error('rules artifact format mdr-rules/1 (YAML sources) is no longer read: rebuild it with this version (cdk synth, or mdr rules build)');
  if (a?.format !== ARTIFACT_FORMAT || !Array.isArray(a.files)) throw new Error(`not an ${ARTIFACT_FORMAT} artifact`);
  if (typeof a.digest !== 'string') throw new Error('rules artifact has no digest');
  a.files.forEach((f, i) => {
    if (typeof f?.path !== 'string' || !Array.isArray(f.documents)) throw new Error(`rules artifact: file ${i} needs 'path' and a 'documents' list`);
  });
  if (a.suppressions !== undefined && !Array.isArray(a.suppressions)) throw new Error(`rules artifact: 'suppressions' must be a list`);
  return a;
}

/** Ids and names a suppression may refer to (unsupported rules included: skipping them is not the customer's error). */
export function ruleRefs(set: RuleSet): Set<string> {
  const out = new Set<string>();
  for (const r of set.rules) {
    out.add(r.id);
    if (r.name) out.add(r.name);
  }
  for (const u of set.unsupported) if (u.id) out.add(u.id);
  return out;
}

export function loadRuleSet(artifact: RulesArtifact): RuleSet {
  return compileDocuments(artifact.files.map(parsedFile));
}

/** Compiles an artifact's rules and suppressions; throws on any invalid content. */
export function loadArtifact(artifact: RulesArtifact): LoadedRules {
  const rules = loadRuleSet(artifact);
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
