/**
 * `mdr rules test` backend: each rule file may have a sibling test file
 * (`foo.yml` → `foo.tests.json`) holding vendor-format records that must and
 * must not fire it:
 *
 *   { "rule": "<optional id, for files with several rules>",
 *     "match": [ <vendor records> ], "nomatch": [ <vendor records> ] }
 *
 * Every record goes through `normalizeRecord` and then the compiled rule set,
 * so a case exercises normalization and detection together. Pure: callers
 * read the files (test files must not end in `.yml`/`.yaml`, or the rule
 * loader would take them for rules).
 */
import { normalizeRecord } from '../normalize/registry';
import { compileRules, RuleLoadError, type CompiledRule, type RuleSet, type RuleSourceFile } from './sigma';

export type RuleTestCase = 'match' | 'nomatch' | 'untested' | 'invalid';

export interface RuleTestResult {
  /** The rule file (for `invalid` results on an orphan test file: the test file). */
  file: string;
  ruleId?: string;
  /** `untested`: the rule file has no test file; `invalid`: the rule or test file could not be used. */
  case: RuleTestCase;
  /** Position of the record in its `match`/`nomatch` list; -1 for `untested`/`invalid`. */
  index: number;
  passed: boolean;
  reason?: string;
}

/** `rules/x/foo.yml` → `rules/x/foo.tests.json`. */
export function testFileFor(rulePath: string): string {
  return rulePath.replace(/\.ya?ml$/i, '') + '.tests.json';
}

interface TestDoc {
  rule?: string;
  match: unknown[];
  nomatch: unknown[];
}

function parseTestDoc(text: string): TestDoc {
  const doc = JSON.parse(text) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('test file must be a JSON object');
  const d = doc as Record<string, unknown>;
  const match = d.match ?? [];
  const nomatch = d.nomatch ?? [];
  if (!Array.isArray(match)) throw new Error(`'match' must be an array of records`);
  if (!Array.isArray(nomatch)) throw new Error(`'nomatch' must be an array of records`);
  if (d.rule !== undefined && typeof d.rule !== 'string') throw new Error(`'rule' must be a rule id`);
  if (match.length === 0 && nomatch.length === 0) throw new Error('test file has no cases');
  return { rule: d.rule as string | undefined, match, nomatch };
}

/**
 * Compiles all rule files together (so filters and correlations resolve);
 * when that fails, compiles each file alone so one broken rule does not hide
 * the results of the others.
 */
function compileEach(ruleFiles: readonly RuleSourceFile[]): { sets: Map<string, RuleSet>; errors: Map<string, RuleLoadError | Error> } {
  const sets = new Map<string, RuleSet>();
  const errors = new Map<string, RuleLoadError | Error>();
  try {
    const all = compileRules([...ruleFiles]);
    for (const f of ruleFiles) sets.set(f.path, all);
    return { sets, errors };
  } catch {
    for (const f of ruleFiles) {
      try {
        sets.set(f.path, compileRules([f]));
      } catch (e) {
        errors.set(f.path, e instanceof Error ? e : new Error(String(e)));
      }
    }
    return { sets, errors };
  }
}

function firesOn(set: RuleSet, targets: readonly CompiledRule[], record: unknown): { fired: boolean; error?: string } {
  const n = normalizeRecord(record);
  if (!n.ok) return { fired: false, error: `record not normalized: ${n.reason}` };
  for (const e of n.events) {
    const hits = set.evaluateEvent(e);
    if (hits.some((h) => targets.some((t) => t.id === h.id && t.file === h.file))) return { fired: true };
  }
  return { fired: false };
}

/** Runs every rule file's test cases; one result per case, plus `untested`/`invalid` entries. */
export function runRuleTests(ruleFiles: readonly RuleSourceFile[], testFiles: readonly RuleSourceFile[]): RuleTestResult[] {
  const tests = new Map(testFiles.map((t) => [t.path, t]));
  const used = new Set<string>();
  const { sets, errors } = compileEach(ruleFiles);
  const out: RuleTestResult[] = [];

  for (const rf of ruleFiles) {
    const tf = tests.get(testFileFor(rf.path));
    if (tf) used.add(tf.path);
    const err = errors.get(rf.path);
    if (err) {
      out.push({ file: rf.path, ruleId: err instanceof RuleLoadError ? err.ruleId : undefined, case: 'invalid', index: -1, passed: false, reason: `rule does not load: ${err instanceof RuleLoadError ? err.reason : err.message}` });
      continue;
    }
    const set = sets.get(rf.path) as RuleSet;
    const fileRules = set.rules.filter((r) => r.file === rf.path);
    const firstId = fileRules[0]?.id;
    if (!tf) {
      // A file of only filters/correlations has no detection rule to test.
      if (fileRules.length > 0) out.push({ file: rf.path, ruleId: firstId, case: 'untested', index: -1, passed: false, reason: `no ${testFileFor(rf.path)}` });
      continue;
    }
    let doc: TestDoc;
    try {
      doc = parseTestDoc(tf.text);
    } catch (e) {
      out.push({ file: rf.path, ruleId: firstId, case: 'invalid', index: -1, passed: false, reason: `${tf.path}: ${(e as Error).message}` });
      continue;
    }
    const targets = doc.rule === undefined ? fileRules : fileRules.filter((r) => r.id === doc.rule);
    if (targets.length === 0) {
      const why = doc.rule === undefined ? 'no loaded detection rule in the file (unsupported?)' : `rule ${doc.rule} is not in the file`;
      out.push({ file: rf.path, ruleId: doc.rule ?? firstId, case: 'invalid', index: -1, passed: false, reason: why });
      continue;
    }
    const ruleId = doc.rule ?? firstId;
    const cases: [RuleTestCase, unknown[]][] = [
      ['match', doc.match],
      ['nomatch', doc.nomatch],
    ];
    for (const [kind, records] of cases) {
      records.forEach((record, index) => {
        const { fired, error } = firesOn(set, targets, record);
        if (error) {
          out.push({ file: rf.path, ruleId, case: kind, index, passed: false, reason: error });
          return;
        }
        const passed = kind === 'match' ? fired : !fired;
        out.push({ file: rf.path, ruleId, case: kind, index, passed, reason: passed ? undefined : kind === 'match' ? 'rule did not fire' : 'rule fired' });
      });
    }
  }

  for (const t of testFiles) {
    if (!used.has(t.path)) out.push({ file: t.path, case: 'invalid', index: -1, passed: false, reason: 'test file has no sibling rule file' });
  }
  return out;
}

/** A failure is any result that did not pass, except `untested` (reported, not failed). */
export function isFailure(r: RuleTestResult): boolean {
  return !r.passed && r.case !== 'untested';
}

export interface AttackCoverage {
  tactics: { tag: string; rules: number }[];
  techniques: { tag: string; rules: number; titles: string[] }[];
  /** Rules with no ATT&CK tactic or technique tag. */
  untagged: number;
}

const TECHNIQUE = /^attack\.t\d{4}(\.\d{3})?$/i;
const OTHER_ATTACK_ID = /^attack\.[gs]\d{4}$/i; // groups and software, neither tactic nor technique

/** ATT&CK tactics and techniques named by the rules' tags, with how many rules name each. */
export function attackCoverage(rules: readonly Pick<CompiledRule, 'tags' | 'title'>[]): AttackCoverage {
  const tactics = new Map<string, number>();
  const techniques = new Map<string, string[]>();
  let untagged = 0;
  for (const r of rules) {
    const tags = new Set(r.tags.map((t) => t.toLowerCase()).filter((t) => t.startsWith('attack.') && !OTHER_ATTACK_ID.test(t)));
    if (tags.size === 0) untagged++;
    for (const t of tags) {
      if (TECHNIQUE.test(t)) techniques.set(t, [...(techniques.get(t) ?? []), r.title]);
      else tactics.set(t, (tactics.get(t) ?? 0) + 1);
    }
  }
  const byTag = (a: { tag: string }, b: { tag: string }): number => a.tag.localeCompare(b.tag);
  return {
    tactics: [...tactics].map(([tag, rules]) => ({ tag, rules })).sort(byTag),
    techniques: [...techniques].map(([tag, titles]) => ({ tag, rules: titles.length, titles })).sort(byTag),
    untagged,
  };
}
