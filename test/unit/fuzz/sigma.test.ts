/**
 * Fuzz: the Sigma rule loader and condition parser. Generated rules load;
 * generated rules mutated as text or as structure, and conditions built from
 * the grammar's tokens with junk mixed in, either load or fail with a
 * RuleLoadError that names the file and gives a reason, never another
 * exception. `lintRules` never throws and gives every failure a reason.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { compileRules, lintRules, RuleLoadError, type RuleSet } from '../../../shared/detect/sigma';
import { apiCatalogue, cloudTrailRule, Rng } from '../../bench/generators';
import { applyTextEdit, caseCounter, runs, type TextEdit } from './support';

const counter = caseCounter();
const hit = counter.hit;
const outcomes = { loaded: 0, refused: 0 };

afterAll(() => {
  const total = counter.total();
  console.log(`fuzz sigma: ${total} cases tried (${counter.summary()}); loaded=${outcomes.loaded} refused with RuleLoadError=${outcomes.refused}`);
});

const CALLS = apiCatalogue();
const PATH = 'fuzz/rule.yml';

/** The loader's contract: a rule set, or a RuleLoadError naming the file with a reason. */
function load(text: string): RuleSet | RuleLoadError {
  let out: RuleSet | RuleLoadError;
  try {
    out = compileRules([{ path: PATH, text }]);
    outcomes.loaded++;
  } catch (e) {
    if (!(e instanceof RuleLoadError)) throw new Error(`not a RuleLoadError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n--- rule ---\n${text}`);
    expect(e.file).toBe(PATH);
    expect(e.reason.trim().length).toBeGreaterThan(0);
    outcomes.refused++;
    out = e;
  }
  const lint = lintRules([{ path: PATH, text }]);
  for (const l of lint) {
    expect(['ok', 'unsupported', 'error']).toContain(l.status);
    if (l.status !== 'ok') expect((l.reason ?? '').trim().length).toBeGreaterThan(0);
  }
  return out;
}

const arbRuleText = fc.nat().map((seed) => cloudTrailRule(new Rng(seed), seed, CALLS));

const YAML_BITS = [':', ' ', '-', '|', '*', '?', "'", '"', '\n', '\t', '{', '}', '[', ']', '#', '&a', '*a', '!', '%', '@', '`', '---\n', '...\n', '|re', '|contains', '|all', '|base64offset', '|cidr', '|expand', '|fieldref', '|bogus', '\\', '\u0000', '\uFEFF', 'null', '~', '0x1F', '1e9', '<<: *a'];

const arbTextEdit = fc.record({
  at: fc.nat(),
  len: fc.nat({ max: 30 }),
  op: fc.constantFrom('truncate', 'delete', 'insert', 'duplicate-line', 'swap-lines', 'indent'),
  text: fc.oneof(fc.constantFrom(...YAML_BITS), fc.string({ maxLength: 6 })),
});

/** The shared character edits, plus line edits YAML is sensitive to (duplicate, swap, re-indent). */
function textEdit(s: string, e: TextEdit): string {
  if (['truncate', 'delete', 'insert'].includes(e.op)) return applyTextEdit(s, e);
  const lines = s.split('\n');
  const li = lines.length ? e.at % lines.length : 0;
  switch (e.op) {
    case 'duplicate-line':
      lines.splice(li, 0, lines[li]);
      return lines.join('\n');
    case 'swap-lines': {
      const lj = (li + 1 + e.len) % lines.length;
      [lines[li], lines[lj]] = [lines[lj], lines[li]];
      return lines.join('\n');
    }
    default:
      lines[li] = ' '.repeat(1 + (e.len % 5)) + lines[li];
      return lines.join('\n');
  }
}

/** Structural edits on the parsed rule: any key's value replaced, keys renamed with modifiers, detection items dropped. */
const arbValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', '*', '?', '\\*', '*\\', 'a*b?c', '(?i)^(a|b)+$', '(a+)+$', '(.*a){20}', '[', '0.0.0.0/99', '::1/129', 'not-a-cidr', '%Admins%', 'them', '1 of', []),
);
const arbStructEdit = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  op: fc.constantFrom('set', 'delete', 'rename-modifier', 'to-list', 'to-map'),
  value: arbValue,
  modifier: fc.constantFrom('contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's', 'base64', 'base64offset', 'utf16le', 'wide', 'utf16be', 'utf16', 'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year', 'cidr', 'expand', 'fieldref', 'bogus', ''),
});

function structEdit(doc: unknown, e: { path: number[]; op: string; value: unknown; modifier: string }): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  let parent: Record<string, unknown> | unknown[] = root;
  for (let d = 0; d < e.path.length; d++) {
    const keys = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
    if (!keys.length) break;
    const key = keys[e.path[d] % keys.length];
    const p = parent as Record<string | number, unknown>;
    const child = p[key];
    if (d < e.path.length - 1 && typeof child === 'object' && child !== null) {
      parent = child as Record<string, unknown>;
      continue;
    }
    if (e.op === 'set') p[key] = e.value;
    else if (e.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
    } else if (e.op === 'rename-modifier' && !Array.isArray(parent)) {
      delete p[key];
      p[`${String(key)}|${e.modifier}`] = child;
    } else if (e.op === 'to-list') p[key] = [child, e.value];
    else p[key] = { [String(e.modifier || 'x')]: child };
    break;
  }
  return root;
}

/** Conditions from the grammar's tokens (identifiers that exist and that do not), with junk. */
const COND_TOKENS = ['selection', 'selection_1', 'selection_2', 'filter', 'missing', 'sel*', 'selection_*', '*', '_hidden', 'and', 'or', 'not', '(', ')', '1 of', 'all of', 'any of', '3 of', 'them', '|', 'near', 'count()', '>', '0 of', 'of', 'AND', 'Or', 'NOT'];
const arbCondition = fc.oneof(
  fc.array(fc.constantFrom(...COND_TOKENS), { minLength: 1, maxLength: 12 }).map((xs) => xs.join(' ')),
  fc.array(fc.constantFrom(...COND_TOKENS, '((', '))', '', '\t'), { minLength: 0, maxLength: 12 }).map((xs) => xs.join('')),
  fc.string({ maxLength: 40 }),
);

function ruleWithCondition(condition: unknown): string {
  return stringify({
    title: 'Fuzzed condition',
    id: '11111111-2222-4333-8444-555555555555',
    logsource: { product: 'aws', service: 'cloudtrail' },
    detection: {
      selection: { eventName: 'StopLogging' },
      selection_1: { 'eventSource|endswith': '.amazonaws.com' },
      selection_2: { 'userAgent|contains': ['pacu', 'kali'] },
      filter: { 'userIdentity.type': 'AWSService' },
      _hidden: { readOnly: true },
      condition,
    },
    level: 'high',
  });
}

describe('fuzz: Sigma loader and condition parser', () => {
  it('an unresolved YAML alias is a RuleLoadError naming the file', () => {
    let caught: unknown;
    try {
      compileRules([{ path: PATH, text: 'title: x\nlogsource: *missing\n' }]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RuleLoadError);
  });

  it('every generated rule loads', () => {
    fc.assert(
      fc.property(arbRuleText, (text) => {
        hit('generated');
        const r = load(text);
        if (r instanceof RuleLoadError) throw r;
        expect(r.rules).toHaveLength(1);
      }),
      runs(100),
    );
  });

  it('text-mutated rules load or fail with RuleLoadError naming file and reason', () => {
    fc.assert(
      fc.property(arbRuleText, fc.array(arbTextEdit, { minLength: 1, maxLength: 5 }), (text, edits) => {
        hit('text-mutated');
        load(edits.reduce((s, e) => textEdit(s, e), text));
      }),
      runs(400),
    );
  });

  it('structure-mutated rules load or fail with RuleLoadError naming file and reason', () => {
    fc.assert(
      fc.property(arbRuleText, fc.array(arbStructEdit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        hit('struct-mutated');
        const doc = edits.reduce<unknown>((d, e) => structEdit(d, e), parse(text) as unknown);
        load(stringify(doc));
      }),
      runs(400),
    );
  });

  it('generated conditions parse or fail with RuleLoadError naming file and reason', () => {
    fc.assert(
      fc.property(fc.oneof(arbCondition, fc.array(arbCondition, { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), (condition) => {
        hit('condition');
        load(ruleWithCondition(condition));
      }),
      runs(800),
    );
  });

  it('arbitrary text never escapes the loader as anything but RuleLoadError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.constantFrom(...YAML_BITS, 'title: x', 'detection:', '  condition: a', '  a:', '    b: c', 'logsource: {}'), { maxLength: 30 }).map((x) => x.join(''))), (text) => {
        hit('arbitrary');
        load(text);
      }),
      runs(400),
    );
  });
});
