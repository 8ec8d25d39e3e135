/**
 * Index of rules by the literal values they require. Each compiled rule
 * states necessary conditions ("field F's folded text is / starts with / ends
 * with / contains one of {literal…}", or "is an address in one of these IPv4
 * networks"). Per rule, the most selective one is indexed; an event probes
 * each indexed field once (hash lookup for exact values, tries for prefixes
 * and suffixes, a rarest-trigram table for substrings, one hash lookup per
 * prefix length for networks) and gets back the few rules worth testing.
 * Before the full test, a candidate's other necessary conditions (the two
 * most selective) are checked on the same folded text, which is cheaper than
 * running the rule and rejects most candidates that cannot match.
 * The index is only a prefilter: candidates that pass are always fully tested.
 */
import { parseIpv4, type InternalRule, type LiteralAlt, type Requirement } from './compile';
import { EventContext, MISSING, compileAccessor, textOf, type Accessor } from './fields';
import { toNumber } from './values';

/** Trie over UTF-16 code units (the unit `probe` walks), keyed by char code. */
interface TrieNode {
  next: Map<number, TrieNode>;
  rules: number[];
}

function trieNode(): TrieNode {
  return { next: new Map(), rules: [] };
}

function trieInsert(root: TrieNode, key: string, rule: number, reverse: boolean): void {
  let n = root;
  for (let k = 0; k < key.length; k++) {
    const c = key.charCodeAt(reverse ? key.length - 1 - k : k);
    let m = n.next.get(c);
    if (!m) {
      m = trieNode();
      n.next.set(c, m);
    }
    n = m;
  }
  n.rules.push(rule);
}

const GRAM = 3;

/** A trigram as a number when its code units fit a byte each (no string allocated), else its text. */
function gramAt(s: string, i: number): number | string {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  return (a | b | c) < 256 ? (a << 16) | (b << 8) | c : s.slice(i, i + GRAM);
}

/** Whether one folded text satisfies one alternative, exactly as the index probe decides it. */
function altHolds(a: LiteralAlt, s: string): boolean {
  switch (a.kind) {
    case 'exact': {
      if (s === a.text) return true;
      const n = toNumber(s);
      return n !== undefined && String(n) === a.text;
    }
    case 'prefix':
      return s.startsWith(a.text);
    case 'suffix':
      return s.endsWith(a.text);
    case 'contains':
      return s.includes(a.text);
    case 'cidr': {
      const ip = parseIpv4(s);
      return ip !== undefined && ((ip & (a.mask as number)) >>> 0) === a.base;
    }
  }
}

/** A necessary condition checked on a candidate before its full test. */
interface Check {
  field: string;
  acc: Accessor;
  /** Exact literals, for one hash lookup. */
  exact: Set<string> | undefined;
  /** The other alternatives. */
  rest: LiteralAlt[];
  /** Some alternative is a number's text: numeric strings are compared by value. */
  numeric: boolean;
}

function compileCheck(q: Requirement): Check {
  const exact = q.alts.filter((a) => a.kind === 'exact').map((a) => a.text);
  return {
    field: q.field,
    acc: compileAccessor(q.field),
    exact: exact.length ? new Set(exact) : undefined,
    rest: q.alts.filter((a) => a.kind !== 'exact'),
    numeric: exact.some((t) => toNumber(t) !== undefined),
  };
}

function checkText(c: Check, s: string): boolean {
  if (c.exact !== undefined) {
    if (c.exact.has(s)) return true;
    if (c.numeric) {
      const n = toNumber(s);
      if (n !== undefined && c.exact.has(String(n))) return true;
    }
  }
  for (const a of c.rest) if (altHolds(a, s)) return true;
  return false;
}

function checkValue(c: Check, v: unknown, ctx: EventContext): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (checkValue(c, x, ctx)) return true;
    return false;
  }
  const t = textOf(v, ctx);
  return t !== undefined && checkText(c, ctx.fold(t));
}

/** The event satisfies the necessary condition (absent and null fields satisfy none). */
function checkHolds(c: Check, ctx: EventContext): boolean {
  const v = ctx.get(c.field, c.acc);
  return v !== MISSING && v !== null && checkValue(c, v, ctx);
}

/** Everything indexed on one field. */
class FieldIndex {
  readonly acc: Accessor;
  exact = new Map<string, number[]>();
  prefix = trieNode();
  suffix = trieNode();
  grams = new Map<number | string, Array<{ rule: number; text: string }>>();
  /** IPv4 networks: mask → network base → rules (one hash probe per distinct prefix length). */
  cidr = new Map<number, Map<number, number[]>>();
  hasPrefix = false;
  hasSuffix = false;
  /** Some exact literal is a number's text: numeric strings are also looked up by value. */
  numeric = false;

  constructor(readonly field: string) {
    this.acc = compileAccessor(field);
  }

  add(alt: LiteralAlt, rule: number, gramFreq: Map<number | string, number>): void {
    switch (alt.kind) {
      case 'exact': {
        const l = this.exact.get(alt.text);
        if (l) l.push(rule);
        else this.exact.set(alt.text, [rule]);
        if (toNumber(alt.text) !== undefined) this.numeric = true;
        break;
      }
      case 'prefix':
        this.hasPrefix = true;
        trieInsert(this.prefix, alt.text, rule, false);
        break;
      case 'suffix':
        this.hasSuffix = true;
        trieInsert(this.suffix, alt.text, rule, true);
        break;
      case 'cidr': {
        const mask = alt.mask as number;
        let bases = this.cidr.get(mask);
        if (!bases) {
          bases = new Map();
          this.cidr.set(mask, bases);
        }
        const l = bases.get(alt.base as number);
        if (l) l.push(rule);
        else bases.set(alt.base as number, [rule]);
        break;
      }
      case 'contains': {
        // The literal's least shared trigram keeps candidate lists short.
        let best = gramAt(alt.text, 0);
        for (let i = 1; i + GRAM <= alt.text.length; i++) {
          const g = gramAt(alt.text, i);
          if ((gramFreq.get(g) ?? 0) < (gramFreq.get(best) ?? 0)) best = g;
        }
        const l = this.grams.get(best);
        if (l) l.push({ rule, text: alt.text });
        else this.grams.set(best, [{ rule, text: alt.text }]);
        break;
      }
    }
  }

  /** Calls `hit` for every rule whose requirement this folded text can satisfy. */
  probe(s: string, hit: (rule: number) => void): void {
    if (this.exact.size > 0) {
      const ex = this.exact.get(s);
      if (ex) for (const r of ex) hit(r);
      if (this.numeric) {
        // An exact number also matches its other spellings ("4688.0", " 4688").
        const n = toNumber(s);
        if (n !== undefined) {
          const canon = String(n);
          if (canon !== s) {
            const l = this.exact.get(canon);
            if (l) for (const r of l) hit(r);
          }
        }
      }
    }
    if (this.hasPrefix) {
      let node: TrieNode | undefined = this.prefix;
      for (let i = 0; i < s.length && node; i++) {
        node = node.next.get(s.charCodeAt(i));
        if (node) for (const r of node.rules) hit(r);
      }
    }
    if (this.hasSuffix) {
      let node: TrieNode | undefined = this.suffix;
      for (let i = s.length - 1; i >= 0 && node; i--) {
        node = node.next.get(s.charCodeAt(i));
        if (node) for (const r of node.rules) hit(r);
      }
    }
    if (this.cidr.size > 0) {
      const ip = parseIpv4(s);
      if (ip !== undefined) {
        for (const [mask, bases] of this.cidr) {
          const l = bases.get((ip & mask) >>> 0);
          if (l) for (const r of l) hit(r);
        }
      }
    }
    if (this.grams.size > 0) {
      for (let i = 0; i + GRAM <= s.length; i++) {
        const list = this.grams.get(gramAt(s, i));
        if (!list) continue;
        for (const e of list) if (s.includes(e.text)) hit(e.rule);
      }
    }
  }
}

/**
 * Estimated chance that an event satisfies one alternative, to pick each
 * rule's most selective requirement (no traffic statistics exist at load, so
 * these are structural guesses): an exact value on a field the rules give `d`
 * distinct values is 1/(1+d) (`readOnly: false` is a coin toss, one of 2,000
 * event names is rare); a longer literal is rarer; a narrower network is rarer.
 */
function hitChance(a: LiteralAlt, distinct: number): number {
  const len = a.text.length;
  switch (a.kind) {
    case 'exact':
      return 1 / (1 + distinct);
    case 'prefix':
    case 'suffix':
      return 1 / (1 + len) ** 2;
    case 'contains':
      return 4 / (1 + len) ** 1.5;
    case 'cidr': {
      const prefix = Number(a.text.slice(a.text.indexOf('/') + 1));
      return 2 ** -(prefix / 4);
    }
  }
}

export class LiteralIndex {
  private fields: FieldIndex[] = [];
  /** Rules that have no usable requirement: tested on every event. */
  readonly always: InternalRule[] = [];
  private readonly indexed: InternalRule[] = [];
  /** Per indexed rule, necessary conditions checked before its full test. */
  private readonly checks: Check[][] = [];
  private stamp: Uint32Array;
  private epoch = 0;
  /** Candidates of the event being evaluated (reused: evaluation is synchronous and not reentrant). */
  private candidates: number[] = [];

  constructor(readonly rules: InternalRule[]) {
    // Distinct exact values per field and trigram frequencies, to pick requirements and index keys.
    const exactValues = new Map<string, Set<string>>();
    const gramFreq = new Map<number | string, number>();
    for (const r of rules) {
      for (const q of r.requirements) {
        for (const a of q.alts) {
          if (a.kind === 'exact') {
            let set = exactValues.get(q.field);
            if (!set) exactValues.set(q.field, (set = new Set()));
            set.add(a.text);
          }
          if (a.kind === 'contains') {
            for (let i = 0; i + GRAM <= a.text.length; i++) {
              const g = gramAt(a.text, i);
              gramFreq.set(g, (gramFreq.get(g) ?? 0) + 1);
            }
          }
        }
      }
    }
    const cost = (q: Requirement) => {
      const d = exactValues.get(q.field)?.size ?? 1;
      return Math.min(1, q.alts.reduce((sum, a) => sum + hitChance(a, d), 0));
    };
    const byField = new Map<string, FieldIndex>();
    for (const r of rules) {
      const usable = r.requirements.filter((q) => q.alts.length > 0 && q.alts.every((a) => a.kind !== 'contains' || a.text.length >= GRAM));
      if (usable.length === 0) {
        this.always.push(r);
        continue;
      }
      const ranked = usable
        .map((q) => ({ q, c: cost(q) }))
        .sort((a, b) => a.c - b.c || a.q.alts.length - b.q.alts.length)
        .map((x) => x.q);
      const best = ranked[0];
      let fi = byField.get(best.field);
      if (!fi) {
        fi = new FieldIndex(best.field);
        byField.set(best.field, fi);
      }
      const ix = this.indexed.length;
      this.indexed.push(r);
      // Secondary checks: the next most selective conditions on other fields (on the same field, the probe already decided).
      this.checks.push(
        ranked
          .slice(1)
          .filter((q) => q.field !== best.field)
          .slice(0, 2)
          .map(compileCheck),
      );
      for (const a of best.alts) fi.add(a, ix, gramFreq);
    }
    this.fields = [...byField.values()];
    this.stamp = new Uint32Array(this.indexed.length);
  }

  get indexedCount(): number {
    return this.indexed.length;
  }

  get fieldNames(): string[] {
    return this.fields.map((f) => f.field);
  }

  /** Rules matching the event: the always-tested ones plus indexed candidates that pass. */
  evaluate(ctx: EventContext): InternalRule[] {
    const out: InternalRule[] = [];
    for (const r of this.always) if (r.test(ctx)) out.push(r);
    if (this.fields.length === 0) return out;
    // Epoch stamps dedupe candidates without allocating a set per event.
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const candidates = this.candidates;
    candidates.length = 0;
    for (const f of this.fields) {
      const val = ctx.get(f.field, f.acc);
      if (val === MISSING || val === null) continue;
      this.probeValue(f, val, ctx);
    }
    if (candidates.length === 0) return out;
    const indexed = this.indexed;
    const checks = this.checks;
    outer: for (const i of candidates) {
      for (const c of checks[i]) if (!checkHolds(c, ctx)) continue outer;
      if (indexed[i].test(ctx)) out.push(indexed[i]);
    }
    if (out.length > 1) out.sort((a, b) => a.ordinal - b.ordinal);
    return out;
  }

  /** Probes a field value; arrays (nested too) probe each element, as matchers test any element. */
  private probeValue(f: FieldIndex, x: unknown, ctx: EventContext): void {
    if (Array.isArray(x)) {
      for (const el of x) this.probeValue(f, el, ctx);
      return;
    }
    const t = textOf(x, ctx);
    if (t !== undefined) f.probe(ctx.fold(t), this.hit);
  }

  /** Records a candidate once per event. */
  private readonly hit = (i: number): void => {
    if (this.stamp[i] === this.epoch) return;
    this.stamp[i] = this.epoch;
    this.candidates.push(i);
  };
}
