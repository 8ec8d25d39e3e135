/**
 * Rule document → closure matcher. Each search identifier becomes a function
 * of the per-event context; the condition tree becomes a function over those,
 * and also an expression tree over field tests that the index flattens.
 * Alongside, it derives each rule's *requirements*: field/value sets an event
 * must hit for the rule to possibly match, which the rule set indexes.
 */
import { BlockList, isIP } from 'node:net';
import { isOcsfLogsource } from '../field-mappings';
import { parseCondition, type CondNode } from './condition';
import { SigmaError, fail } from './errors';
import { EventContext, MISSING, anyElement, compileAccessor, textOf, type Accessor } from './fields';
import { applyModifiers, type FieldSpec, type ModifierOptions, type RuleValue, type TimePart } from './modifiers';
import type { RuleDoc } from './parse';
import { regexLiterals } from './regex-literals';
import { RuleLoadError, RuleUnsupportedError, type CompiledRule } from './types';
import { STAR, compilePattern, foldPattern, literalPattern, normalizePattern, toNumber, type Pattern } from './values';

export type Matcher = (ctx: EventContext) => boolean;

/** A field test given the field's value (MISSING when absent): what `match` does after reading it. */
export type ValueTest = (val: unknown, ctx: EventContext) => boolean;

/**
 * One literal the field's folded text must equal / start with / end with /
 * contain, or (`cidr`) an IPv4 network the text must be an address of.
 */
export interface LiteralAlt {
  kind: 'exact' | 'prefix' | 'suffix' | 'contains' | 'cidr';
  /** The literal; for `cidr`, the canonical network `base/prefix` (the key that dedupes it). */
  text: string;
  /** `cidr` only: network base and mask as unsigned integers. */
  base?: number;
  mask?: number;
}

/** A necessary condition: the event's `field` must satisfy one of `alts`. */
export interface Requirement {
  field: string;
  alts: LiteralAlt[];
}

/**
 * Folded-text test of a plain string field test (no `all`, `neq`, `cased`,
 * `null`, dates or field references): the event value's folded text equals
 * one of `exact`, starts with one of `prefix`, … The rule set's index runs
 * these on a per-event cache of the field's folded text instead of the
 * atom's closure chain.
 */
export interface SimpleTest {
  /** A single exact value (the common case: one comparison, no set). */
  exact1: string | undefined;
  exact: Set<string> | undefined;
  // Empty lists are left undefined: a test touches only what it has.
  prefix: string[] | undefined;
  suffix: string[] | undefined;
  contains: string[] | undefined;
  /** Wildcard patterns that are none of the above. */
  other: Array<(s: string) => boolean> | undefined;
}

/** Whether one folded text satisfies a SimpleTest. */
export function simpleHolds(t: SimpleTest, s: string): boolean {
  if (t.exact1 !== undefined && s === t.exact1) return true;
  if (t.exact !== undefined && t.exact.has(s)) return true;
  if (t.prefix !== undefined) for (const x of t.prefix) if (s.startsWith(x)) return true;
  if (t.suffix !== undefined) for (const x of t.suffix) if (s.endsWith(x)) return true;
  if (t.contains !== undefined) for (const x of t.contains) if (s.includes(x)) return true;
  if (t.other !== undefined) for (const m of t.other) if (m(s)) return true;
  return false;
}

/**
 * The rule's condition as a tree over field tests (atoms). `key` identifies
 * the test (field, modifiers and values): rules sharing a test share its
 * per-event result. `match` is the atom's own matcher; `simple`, when set,
 * is an equivalent test on the field's folded text.
 */
export type Expr =
  | { t: 'atom'; key: string; field: string; match: Matcher; simple?: SimpleTest; onValue?: ValueTest }
  | { t: 'and' | 'or'; args: Expr[] }
  | { t: 'not'; arg: Expr };

/** A compiled rule plus what the engine needs internally. */
export interface InternalRule extends CompiledRule {
  /** Matches using a shared per-event context (the fast path). */
  test: Matcher;
  /** The same condition as a tree over field tests (what the rule set's index evaluates). */
  expr: Expr;
  /** Alternative necessary conditions (each one alone is necessary). */
  requirements: Requirement[];
  name?: string;
  document: Record<string, unknown>;
  /** Position in the rule set, for stable output order. */
  ordinal: number;
}

export interface Compiled {
  match: Matcher;
  reqs: Requirement[];
  expr: Expr;
}

const NONE: Requirement[] = [];

/** Compiles a detection rule; throws RuleLoadError/RuleUnsupportedError naming file and rule. */
export function compileRule(doc: RuleDoc, options: ModifierOptions = {}, ordinal = 0): InternalRule {
  try {
    const { match, reqs, expr } = compileDetection(doc.detection, doc.conditions, options);
    const m = doc.meta;
    // Every member named, not `...doc.meta` then more: a spread followed by other members gave each rule a hidden
    // class of its own (990 for 1,000 rules), so every read of a rule's members on the detect path (ordinal, target,
    // id…) missed V8's caches. One literal gives every rule the same class.
    const rule: InternalRule = {
      id: m.id,
      title: m.title,
      level: m.level,
      status: m.status,
      description: m.description,
      tags: m.tags,
      logsource: m.logsource,
      falsepositives: m.falsepositives,
      references: m.references,
      version: m.version,
      file: m.file,
      name: doc.name,
      document: doc.document,
      ordinal,
      target: isOcsfLogsource(doc.meta.logsource) ? 'ocsf' : 'raw',
      test: match,
      expr,
      requirements: reqs,
      matches: (event) => match(new EventContext(event)),
    };
    return rule;
  } catch (e) {
    throw wrapError(e, doc.meta.file, doc.meta.id);
  }
}

export function wrapError(e: unknown, file: string, id: string | undefined): Error {
  if (e instanceof SigmaError) return e.unsupported ? new RuleUnsupportedError(file, id, e.reason) : new RuleLoadError(file, id, e.reason);
  return e as Error;
}

/** Compiles the `detection` section (search identifiers + condition list). */
export function compileDetection(detection: Record<string, unknown>, conditions: string[], options: ModifierOptions): Compiled {
  if (detection.timeframe !== undefined) {
    throw new SigmaError(`'detection.timeframe' is a Sigma v1 aggregation feature; use correlation rules`, true);
  }
  const names = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
  const selections = new Map<string, Compiled>();
  for (const name of names) {
    try {
      selections.set(name, compileSearch(detection[name], options));
    } catch (e) {
      if (e instanceof SigmaError) throw new SigmaError(`search identifier '${name}': ${e.reason}`, e.unsupported);
      throw e;
    }
  }
  const trees = conditions.map((c) => compileCondition(parseCondition(c, names), selections));
  return trees.length === 1 ? trees[0] : orOf(trees);
}

function compileCondition(node: CondNode, sel: Map<string, Compiled>): Compiled {
  switch (node.t) {
    case 'id':
      return sel.get(node.name) as Compiled;
    case 'not': {
      const c = compileCondition(node.arg, sel);
      const inner = c.match;
      return { match: (ctx) => !inner(ctx), reqs: NONE, expr: { t: 'not', arg: c.expr } };
    }
    case 'and':
      return andOf(node.args.map((a) => compileCondition(a, sel)));
    case 'or':
      return orOf(node.args.map((a) => compileCondition(a, sel)));
    case 'of': {
      const parts = node.names.map((n) => sel.get(n) as Compiled);
      return node.quant === 'all' ? andOf(parts) : orOf(parts);
    }
  }
}

function andOf(parts: Compiled[]): Compiled {
  if (parts.length === 1) return parts[0];
  const ms = parts.map((p) => p.match);
  const reqs = parts.flatMap((p) => p.reqs);
  const expr: Expr = { t: 'and', args: parts.map((p) => p.expr) };
  if (ms.length === 2) {
    const [a, b] = ms;
    return { match: (ctx) => a(ctx) && b(ctx), reqs, expr };
  }
  return {
    match: (ctx) => {
      for (const m of ms) if (!m(ctx)) return false;
      return true;
    },
    reqs,
    expr,
  };
}

function orOf(parts: Compiled[]): Compiled {
  if (parts.length === 1) return parts[0];
  const ms = parts.map((p) => p.match);
  // A requirement survives an OR only if every branch requires the same field.
  const reqs: Requirement[] = [];
  for (const r of parts[0].reqs) {
    const alts = [...r.alts];
    let ok = true;
    for (const p of parts.slice(1)) {
      const same = p.reqs.filter((x) => x.field === r.field);
      if (same.length === 0) {
        ok = false;
        break;
      }
      // Pick the narrowest requirement on that field in this branch.
      const best = same.reduce((a, b) => (b.alts.length < a.alts.length ? b : a));
      alts.push(...best.alts);
    }
    if (ok) reqs.push({ field: r.field, alts });
  }
  const expr: Expr = { t: 'or', args: parts.map((p) => p.expr) };
  if (ms.length === 2) {
    const [a, b] = ms;
    return { match: (ctx) => a(ctx) || b(ctx), reqs, expr };
  }
  return {
    match: (ctx) => {
      for (const m of ms) if (m(ctx)) return true;
      return false;
    },
    reqs,
    expr,
  };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One search identifier: a map (AND), a list (OR of maps / keywords) or a keyword scalar. */
function compileSearch(v: unknown, options: ModifierOptions): Compiled {
  if (isMap(v)) return compileMap(v, options);
  if (Array.isArray(v)) {
    if (v.length === 0) fail('is an empty list');
    const keywords = v.filter((x) => !isMap(x) && !Array.isArray(x));
    const maps = v.filter(isMap);
    if (keywords.length + maps.length !== v.length) fail('lists of lists are not valid');
    const parts = maps.map((m) => compileMap(m, options));
    if (keywords.length) parts.push(compileField(applyModifiers('', [], keywords, options)));
    return orOf(parts);
  }
  if (v === null || v === undefined) return fail('is empty');
  return compileField(applyModifiers('', [], [v], options));
}

function compileMap(m: Record<string, unknown>, options: ModifierOptions): Compiled {
  const keys = Object.keys(m);
  if (keys.length === 0) fail('is an empty map');
  return andOf(
    keys.map((key) => {
      const [field, ...mods] = key.split('|');
      const raw = m[key];
      if (isMap(raw)) fail(`field '${field}' has a map as value`);
      const values = Array.isArray(raw) ? raw : [raw];
      return compileField(applyModifiers(field, mods, values, options));
    }),
  );
}

/** Scalar predicate over one (non-array) event value. */
type Pred = (x: unknown, ctx: EventContext) => boolean;

/** The literal a compiled pattern requires, if any (globs: their longest literal run). */
function literalAlt(pat: Pattern, kind: string, text: string | undefined): LiteralAlt | undefined {
  if (kind === 'exact' || kind === 'prefix' || kind === 'suffix' || kind === 'contains') {
    return { kind, text: (text ?? '').toLowerCase() };
  }
  if (kind !== 'glob') return undefined;
  let best = '';
  for (const x of pat) if (typeof x === 'string' && x.length > best.length) best = x;
  return best ? { kind: 'contains', text: best.toLowerCase() } : undefined;
}

/** A predicate and, when the index can use one, the literals one of which it requires. */
interface ValuePred {
  pred: Pred;
  alts?: LiteralAlt[];
}

function stringPred(pat: Pattern, cased: boolean): ValuePred {
  const cp = compilePattern(cased ? pat : foldPattern(pat));
  const m = cp.match;
  const pred: Pred = cased
    ? (x, ctx) => {
        const t = textOf(x, ctx);
        return t !== undefined && m(t);
      }
    : (x, ctx) => {
        const t = textOf(x, ctx);
        return t !== undefined && m(ctx.fold(t));
      };
  const alt = literalAlt(pat, cp.kind, cp.text);
  return { pred, alts: alt && [alt] };
}

function cmp(op: 'lt' | 'lte' | 'gt' | 'gte', a: number, b: number): boolean {
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** Date part of an event value (ISO string or epoch seconds/milliseconds), UTC. */
export function timePartOf(x: unknown, part: TimePart): number | undefined {
  let d: Date;
  if (typeof x === 'number') d = new Date(x < 1e11 ? x * 1000 : x);
  else if (typeof x === 'string') {
    const n = toNumber(x);
    d = n !== undefined ? new Date(n < 1e11 ? n * 1000 : n) : new Date(x);
  } else return undefined;
  const t = d.getTime();
  if (Number.isNaN(t)) return undefined;
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // ISO-8601 week: the week holding the year's first Thursday is week 1.
      const t0 = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const dow = t0.getUTCDay() || 7;
      t0.setUTCDate(t0.getUTCDate() + 4 - dow);
      const yearStart = Date.UTC(t0.getUTCFullYear(), 0, 1);
      return Math.ceil(((t0.getTime() - yearStart) / 86400000 + 1) / 7);
    }
  }
}

function valuePred(v: RuleValue, spec: FieldSpec): ValuePred {
  switch (v.k) {
    case 'str':
      return stringPred(v.pat, spec.cased);
    case 'bytes':
      return stringPred(literalPattern(v.b.toString('latin1')), spec.cased);
    case 'num': {
      const n = v.n;
      return { pred: (x) => (typeof x === 'number' ? x === n : typeof x === 'string' && toNumber(x) === n), alts: [{ kind: 'exact', text: String(n) }] };
    }
    case 'bool': {
      const b = v.b;
      const s = String(b);
      return { pred: (x) => x === b || (typeof x === 'string' && x.toLowerCase() === s), alts: [{ kind: 'exact', text: s }] };
    }
    case 're': {
      const re = new RegExp(v.re.source, v.re.flags);
      // Literals every match contains let the index skip the regex on most events.
      const lits = regexLiterals(v.re.source);
      return {
        pred: (x, ctx) => {
          const t = textOf(x, ctx);
          return t !== undefined && re.test(t);
        },
        alts: lits?.map((text) => ({ kind: 'contains' as const, text })),
      };
    }
    case 'cidr': {
      const net = cidrNetwork(v.cidr);
      if (net.fam === 4) {
        // IPv4 as integers: one parse per distinct address (memoized), then a mask and compare per rule.
        const { base, mask, prefix } = net;
        return {
          pred: (x) => {
            if (typeof x !== 'string') return false;
            const ip = ipv4Memo(x);
            return ip !== undefined && ((ip & mask) >>> 0) === base;
          },
          alts: [{ kind: 'cidr', text: `${base}/${prefix}`, base, mask }],
        };
      }
      const { list } = net;
      return { pred: (x) => typeof x === 'string' && isIP(x) === 6 && list.check(x, 'ipv6') };
    }
    case 'cmp': {
      const { op, n } = v;
      return {
        pred: (x) => {
          const a = toNumber(x);
          return a !== undefined && cmp(op, a, n);
        },
      };
    }
    case 'null':
      return { pred: () => false };
  }
}

type CidrNetwork = { fam: 4; base: number; mask: number; prefix: number } | { fam: 6; list: BlockList };

function cidrNetwork(cidr: string): CidrNetwork {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(cidr);
  const fam = m ? isIP(m[1]) : 0;
  if (!m || fam === 0) fail(`'${cidr}' is not a CIDR network`);
  const prefix = m[2] === undefined ? (fam === 4 ? 32 : 128) : Number(m[2]);
  if (prefix > (fam === 4 ? 32 : 128)) fail(`'${cidr}' has an out-of-range prefix`);
  if (fam === 4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { fam: 4, mask, prefix, base: ((parseIpv4(m[1]) as number) & mask) >>> 0 };
  }
  const list = new BlockList();
  list.addSubnet(m[1], prefix, 'ipv6');
  return { fam: 6, list };
}

/** Dotted-quad IPv4 to an unsigned integer; undefined for anything else (IPv6, hostnames, leading zeros). */
export function parseIpv4(s: string): number | undefined {
  let out = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 && digits > 0 && dots < 3) {
      out = out * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return (out * 256 + octet) >>> 0;
}

// One event asks every cidr rule about the same few addresses: remember the last one parsed.
let memoText: string | undefined;
let memoIp: number | undefined;

function ipv4Memo(s: string): number | undefined {
  if (s !== memoText) {
    memoText = s;
    memoIp = parseIpv4(s);
  }
  return memoIp;
}

/** Keyword searches are full-text: a keyword matches inside any string of the event. */
function keywordPattern(v: RuleValue): RuleValue {
  if (v.k === 'str') return { k: 'str', pat: normalizePattern([STAR, ...v.pat, STAR]) };
  if (v.k === 'num' || v.k === 'bool') return { k: 'str', pat: [STAR, String(v.k === 'num' ? v.n : v.b), STAR] };
  if (v.k === 'bytes') return { k: 'str', pat: [STAR, v.b.toString('latin1'), STAR] };
  return v;
}

type FieldMatch = Omit<Compiled, 'expr'> & { onValue?: ValueTest };

/** One field test (or keyword search) and its atom in the rule's expression tree. */
function compileField(spec: FieldSpec): Compiled {
  const { onValue, ...c } = fieldMatch(spec);
  return { ...c, expr: { t: 'atom', key: JSON.stringify(spec), field: spec.field, match: c.match, simple: simpleTestOf(spec), onValue } };
}

/** The SimpleTest equivalent to a plain string field test, if it is one. */
function simpleTestOf(spec: FieldSpec): SimpleTest | undefined {
  if (spec.field === '' || spec.exists !== undefined || spec.fieldref || spec.neq || spec.timePart || spec.all || spec.cased) return undefined;
  if (spec.values.length === 0) return undefined;
  const exact = new Set<string>();
  const prefix: string[] = [];
  const suffix: string[] = [];
  const contains: string[] = [];
  const other: Array<(s: string) => boolean> = [];
  for (const v of spec.values) {
    if (v.k !== 'str') return undefined;
    const cp = compilePattern(foldPattern(v.pat));
    const text = cp.text ?? '';
    if (cp.kind === 'exact') exact.add(text);
    else if (cp.kind === 'prefix') prefix.push(text);
    else if (cp.kind === 'suffix') suffix.push(text);
    else if (cp.kind === 'contains') contains.push(text);
    else other.push(cp.match);
  }
  const some = <T>(xs: T[]) => (xs.length ? xs : undefined);
  return {
    exact1: exact.size === 1 ? [...exact][0] : undefined,
    exact: exact.size > 1 ? exact : undefined,
    prefix: some(prefix),
    suffix: some(suffix),
    contains: some(contains),
    other: some(other),
  };
}

function fieldMatch(spec: FieldSpec): FieldMatch {
  if (spec.field === '') return compileKeywords(spec);
  const field = spec.field;
  const acc = compileAccessor(field);
  if (spec.exists !== undefined) {
    const want = spec.exists;
    return { match: (ctx) => (ctx.get(field, acc) !== MISSING) === want, reqs: NONE, onValue: (val) => (val !== MISSING) === want };
  }
  if (spec.fieldref) return compileFieldref(spec, acc);
  const preds: Pred[] = [];
  /** Per value, the literals one of which it requires. */
  const valueAlts: LiteralAlt[][] = [];
  let indexable = !spec.neq && !spec.timePart;
  let hasNull = false;
  for (const v of spec.values) {
    if (v.k === 'null') {
      hasNull = true;
      indexable = false;
      continue;
    }
    const { pred, alts } = valuePred(v, spec);
    if (alts === undefined || alts.length === 0) indexable = false;
    else valueAlts.push(alts);
    preds.push(spec.timePart ? timeWrap(pred, spec.timePart) : pred);
  }
  let reqs: Requirement[] = NONE;
  if (indexable && valueAlts.length > 0) {
    // With `all`, every value is necessary: the one whose shortest literal is longest is the requirement.
    const shortest = (as: LiteralAlt[]) => Math.min(...as.map((a) => a.text.length));
    reqs = spec.all
      ? [{ field, alts: valueAlts.reduce((a, b) => (shortest(b) > shortest(a) ? b : a)) }]
      : [{ field, alts: valueAlts.flat() }];
  }
  // Scalars (the common case) skip anyElement and its closure.
  const elementTests = preds.map(
    (p): ((val: unknown, ctx: EventContext) => boolean) =>
      (val, ctx) =>
        Array.isArray(val) ? anyElement(val, (x) => p(x, ctx)) : p(val, ctx),
  );
  let combined: (val: unknown, absent: boolean, ctx: EventContext) => boolean;
  if (spec.all) {
    combined = (val, absent, ctx) => {
      if (hasNull && !absent) return false;
      if (preds.length && absent) return false;
      for (const t of elementTests) if (!t(val, ctx)) return false;
      return true;
    };
  } else if (elementTests.length === 1 && !hasNull) {
    const t = elementTests[0];
    combined = (val, absent, ctx) => !absent && t(val, ctx);
  } else {
    combined = (val, absent, ctx) => {
      if (absent) return hasNull;
      for (const t of elementTests) if (t(val, ctx)) return true;
      return false;
    };
  }
  if (spec.neq) {
    // neq: the field is present and differs from every listed value.
    const onValue: ValueTest = (val, ctx) => {
      const absent = val === MISSING || val === null;
      return !absent && !combined(val, absent, ctx);
    };
    return { match: (ctx) => onValue(ctx.get(field, acc), ctx), reqs: NONE, onValue };
  }
  const onValue: ValueTest = (val, ctx) => combined(val, val === MISSING || val === null, ctx);
  return { match: (ctx) => onValue(ctx.get(field, acc), ctx), reqs, onValue };
}

function timeWrap(pred: Pred, part: TimePart): Pred {
  return (x, ctx) => {
    const n = timePartOf(x, part);
    return n !== undefined && pred(n, ctx);
  };
}

function compileFieldref(spec: FieldSpec, acc: Accessor): FieldMatch {
  const field = spec.field;
  const mode = spec.fieldref?.mode ?? 'eq';
  const cased = spec.cased;
  const refs = spec.values.map((v) => {
    const name = (v as { pat: Pattern }).pat.join('');
    return { name, acc: compileAccessor(name) };
  });
  const norm = (t: string, ctx: EventContext) => (cased ? t : ctx.fold(t));
  const test = (a: string, b: string) =>
    mode === 'eq' ? a === b : mode === 'contains' ? a.includes(b) : mode === 'startswith' ? a.startsWith(b) : a.endsWith(b);
  const one = (ctx: EventContext, val: unknown, ref: (typeof refs)[number]) => {
    const other = ctx.get(ref.name, ref.acc);
    if (other === MISSING || other === null) return false;
    return anyElement(val, (x) => {
      const a = textOf(x, ctx);
      if (a === undefined) return false;
      const na = norm(a, ctx);
      return anyElement(other, (y) => {
        const b = textOf(y, ctx);
        return b !== undefined && test(na, norm(b, ctx));
      });
    });
  };
  return {
    match: (ctx) => {
      const val = ctx.get(field, acc);
      if (val === MISSING || val === null) return false;
      const hit = spec.all ? refs.every((r) => one(ctx, val, r)) : refs.some((r) => one(ctx, val, r));
      return spec.neq ? !hit : hit;
    },
    reqs: NONE,
  };
}

function compileKeywords(spec: FieldSpec): FieldMatch {
  if (spec.neq || spec.timePart || spec.fieldref || spec.exists !== undefined) fail('keyword searches only take string modifiers');
  const positional = spec.modifiers.some((m) => m === 'contains' || m === 'startswith' || m === 'endswith');
  const preds = spec.values.map((v) => {
    if (v.k === 'null') fail('a keyword cannot be null');
    return valuePred(positional ? v : keywordPattern(v), spec).pred;
  });
  const found = (p: Pred, ctx: EventContext) => {
    for (const s of ctx.allStrings()) if (p(s, ctx)) return true;
    return false;
  };
  return {
    match: spec.all ? (ctx) => preds.every((p) => found(p, ctx)) : (ctx) => preds.some((p) => found(p, ctx)),
    reqs: NONE,
  };
}
