/**
 * Index of rules by the literal values they require. Each compiled rule
 * states necessary conditions ("field F's folded text is / starts with / ends
 * with / contains one of {literal…}", or "is an address in one of these IPv4
 * networks"). Per rule, the most selective one is indexed; an event probes
 * each indexed field once (hash lookup for exact values, tries for prefixes
 * and suffixes, a rarest-trigram table for substrings, one hash lookup per
 * prefix length for networks) and gets back the few rules worth testing.
 * Candidates are tested as flat programs over shared atoms (field tests),
 * each atom evaluated and each field read at most once per event: 3,000
 * rules' closures do not stay in cache, and chasing them cost microseconds
 * per rule. The index is only a prefilter: candidates are always fully tested.
 */
import { parseIpv4, simpleHolds, type Expr, type InternalRule, type LiteralAlt, type Matcher, type Requirement, type SimpleTest, type ValueTest } from './compile';
import { EventContext, MISSING, compileAccessor, textOf, type Accessor } from './fields';
import { toNumber } from './values';
import { ValueMemo } from './value-memo';

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

/** Everything indexed on one field. */
class FieldIndex {
  /** Probe answers by raw string value (see LiteralIndex.probeString). */
  readonly memo = new ValueMemo<Int32Array>(2 * PROBE_MEMO_LIMIT);
  /** Lookups since the memo was last cleared, and probes left to run without it. */
  lookups = 0;
  memoOff = 0;
  exact = new Map<string, number[]>();
  prefix = trieNode();
  suffix = trieNode();
  grams = new Map<number | string, Array<{ rule: number; text: string }>>();
  /**
   * IPv4 networks, one entry per distinct mask (one hash probe each): the mask, how far its network bases are shifted
   * right, and the rules by shifted base. Shifted by the mask's zero bits, a base is a small integer (a Smi), so
   * neither the lookup key nor the table's keys are boxed numbers allocated per probe.
   */
  cidrMasks: number[] = [];
  cidrShifts: number[] = [];
  cidrBases: Array<Map<number, number[]>> = [];
  hasPrefix = false;
  hasSuffix = false;
  /** Some exact literal is a number's text: numeric strings are also looked up by value. */
  numeric = false;

  constructor(
    readonly field: string,
    readonly slot: number,
  ) {}

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
        let m = this.cidrMasks.indexOf(mask);
        if (m === -1) {
          m = this.cidrMasks.length;
          this.cidrMasks.push(mask);
          this.cidrShifts.push(zeroBits(mask));
          this.cidrBases.push(new Map());
        }
        const key = networkKey(alt.base as number, this.cidrShifts[m]);
        const bases = this.cidrBases[m];
        const l = bases.get(key);
        if (l) l.push(rule);
        else bases.set(key, [rule]);
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
    const masks = this.cidrMasks;
    if (masks.length > 0) {
      const ip = parseIpv4(s);
      if (ip !== undefined) {
        for (let m = 0; m < masks.length; m++) {
          const l = this.cidrBases[m].get(networkKey(ip & masks[m], this.cidrShifts[m]));
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

/** Trailing zero bits of a network mask (32 for /0). */
function zeroBits(mask: number): number {
  let n = 0;
  while (n < 32 && ((mask >>> n) & 1) === 0) n++;
  return n;
}

/** A masked address as a small integer: its network bits alone (JavaScript's shift counts are mod 32, hence /0 apart). */
function networkKey(masked: number, shift: number): number {
  return shift >= 32 ? 0 : masked >>> shift;
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

/** Program opcodes: a rule's condition flattened into an Int32Array (prefix order). */
const ATOM = 0; // ATOM atomId
const NOT = 1; // NOT <operand>
const AND = 2; // AND count end <operands…>   (end: position after the last operand)
const OR = 3; // OR count end <operands…>

/** Position just after the operand starting at `pos`. */
function operandEnd(p: Int32Array, pos: number): number {
  switch (p[pos]) {
    case ATOM:
      return pos + 2;
    case NOT:
      return operandEnd(p, pos + 1);
    default:
      return p[pos + 2];
  }
}

/** Raw field values whose probe results are remembered, per indexed field (bounded: cleared when full). */
const PROBE_MEMO_LIMIT = 4096;
const NO_HITS = new Int32Array(0);

export class LiteralIndex {
  private fields: FieldIndex[] = [];
  /** Rules that have no usable requirement: tested on every event. */
  readonly always: InternalRule[] = [];
  /** Where each always-tested rule's program starts in `code`. */
  private readonly alwaysPrograms: number[] = [];
  private readonly indexed: InternalRule[] = [];
  /** Per indexed rule, its condition as a program over atoms. */
  private readonly programs: number[] = [];
  /** Every rule's condition as a program over atoms, one after the other: one buffer stays in cache, 3,000 small arrays do not. */
  private code: Int32Array;
  private readonly codeOut: number[] = [];
  private stamp: Uint32Array;
  private epoch = 0;
  /** Candidates of the event being evaluated (reused: evaluation is synchronous and not reentrant). */
  private candidates: number[] = [];

  // Field slots: every field a rule or the index reads, read once per event.
  private readonly slotNames: string[] = [];
  private readonly slotAccs: Accessor[] = [];
  private readonly slotIds = new Map<string, number>();
  private slotStamp: Uint32Array;
  private slotValue: unknown[];
  private foldStamp: Uint32Array;
  private slotFolded: string[];

  // Atoms: distinct field tests across the rules, each evaluated at most once per event.
  private readonly atomSlot: number[] = [];
  private readonly atomSimple: Array<SimpleTest | undefined> = [];
  private readonly atomMatch: Matcher[] = [];
  /** Other field tests given the field's value: the value comes from the event's slot, not a second read through the context. */
  private readonly atomOnValue: Array<ValueTest | undefined> = [];
  /** The one folded text an atom's value must equal, when that is all it tests (the common `field: value`). */
  private readonly atomEquals: Array<string | undefined> = [];
  private atomStamp: Uint32Array;
  private atomResult: Uint8Array;

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
    const atomIds = new Map<string, number>();
    const byField = new Map<string, FieldIndex>();
    // Chance that an atom holds, to test the likeliest-to-fail operands of an `and` first.
    const chance = (e: Expr, keyField: string | undefined): number => {
      switch (e.t) {
        case 'atom': {
          const t = e.simple;
          if (t === undefined) return 0.5;
          if (e.field === keyField) return 1; // the probe just found it (or its branch) true
          const d = exactValues.get(e.field)?.size ?? 1;
          let c = ((t.exact1 !== undefined ? 1 : 0) + (t.exact?.size ?? 0)) / (1 + d);
          for (const x of t.prefix ?? []) c += 1 / (1 + x.length) ** 2;
          for (const x of t.suffix ?? []) c += 1 / (1 + x.length) ** 2;
          for (const x of t.contains ?? []) c += 4 / (1 + x.length) ** 1.5;
          if (t.other !== undefined) c += 0.5;
          return Math.min(1, c);
        }
        case 'not':
          return 0.9;
        case 'and':
          return e.args.reduce((p, a) => p * chance(a, keyField), 1);
        case 'or':
          return Math.min(1, e.args.reduce((p, a) => p + chance(a, keyField), 0));
      }
    };
    for (const r of rules) {
      const usable = r.requirements.filter((q) => q.alts.length > 0 && q.alts.every((a) => a.kind !== 'contains' || a.text.length >= GRAM));
      if (usable.length === 0) {
        this.always.push(r);
        this.alwaysPrograms.push(this.compileProgram(r.expr, atomIds, (e) => chance(e, undefined)));
        continue;
      }
      const best = usable.reduce((a, b) => {
        const ca = cost(a);
        const cb = cost(b);
        return cb < ca || (cb === ca && b.alts.length < a.alts.length) ? b : a;
      });
      let fi = byField.get(best.field);
      if (!fi) {
        fi = new FieldIndex(best.field, this.slotOf(best.field));
        byField.set(best.field, fi);
      }
      const ix = this.indexed.length;
      this.indexed.push(r);
      this.programs.push(this.compileProgram(r.expr, atomIds, (e) => chance(e, best.field)));
      for (const a of best.alts) fi.add(a, ix, gramFreq);
    }
    this.fields = [...byField.values()];
    this.code = Int32Array.from(this.codeOut);
    this.codeOut.length = 0;
    this.stamp = new Uint32Array(this.indexed.length);
    const slots = this.slotNames.length;
    this.slotStamp = new Uint32Array(slots);
    this.slotValue = new Array<unknown>(slots).fill(undefined);
    this.foldStamp = new Uint32Array(slots);
    this.slotFolded = new Array<string>(slots).fill('');
    this.atomStamp = new Uint32Array(this.atomMatch.length);
    this.atomResult = new Uint8Array(this.atomMatch.length);
  }

  private slotOf(field: string): number {
    let id = this.slotIds.get(field);
    if (id === undefined) {
      id = this.slotNames.length;
      this.slotIds.set(field, id);
      this.slotNames.push(field);
      this.slotAccs.push(compileAccessor(field));
    }
    return id;
  }

  /** Flattens a condition tree into a program; identical field tests become one atom. */
  private compileProgram(expr: Expr, atomIds: Map<string, number>, chance: (e: Expr) => number): number {
    const out = this.codeOut;
    const start = out.length;
    const emit = (e: Expr): void => {
      switch (e.t) {
        case 'atom': {
          let id = atomIds.get(e.key);
          if (id === undefined) {
            id = this.atomMatch.length;
            atomIds.set(e.key, id);
            this.atomMatch.push(e.match);
            this.atomSimple.push(e.simple);
            this.atomSlot.push(e.simple || e.onValue ? this.slotOf(e.field) : -1);
            this.atomOnValue.push(e.simple ? undefined : e.onValue);
            const t = e.simple;
            const only = t !== undefined && t.exact1 !== undefined && !t.exact && !t.prefix && !t.suffix && !t.contains && !t.other;
            this.atomEquals.push(only ? t.exact1 : undefined);
          }
          out.push(ATOM, id);
          return;
        }
        case 'not':
          out.push(NOT);
          emit(e.arg);
          return;
        default: {
          // Nested operators of the same kind are one operator: and(and(a, b), c) = and(a, b, c).
          const args: Expr[] = [];
          const flatten = (x: Expr) => {
            if (x.t === e.t) for (const y of (x as { args: Expr[] }).args) flatten(y);
            else args.push(x);
          };
          flatten(e);
          if (args.length === 1) return emit(args[0]);
          // Operands are pure: `and` tests the likeliest to fail first, `or` the likeliest to hold.
          const c = new Map(args.map((a) => [a, chance(a)]));
          args.sort((a, b) => (e.t === 'and' ? (c.get(a) as number) - (c.get(b) as number) : (c.get(b) as number) - (c.get(a) as number)));
          const at = out.length;
          out.push(e.t === 'and' ? AND : OR, args.length, 0);
          for (const a of args) emit(a);
          out[at + 2] = out.length;
        }
      }
    };
    emit(expr);
    return start;
  }

  get indexedCount(): number {
    return this.indexed.length;
  }

  get fieldNames(): string[] {
    return this.fields.map((f) => f.field);
  }

  /** Rules matching the event: the always-tested ones plus indexed candidates that pass. */
  evaluate(ctx: EventContext): InternalRule[] {
    this.nextEvent();
    const out: InternalRule[] = [];
    const always = this.always;
    for (let i = 0; i < always.length; i++) if (this.run(this.code, this.alwaysPrograms[i], ctx)) out.push(always[i]);
    if (this.fields.length === 0) return out;
    const candidates = this.probeAll(ctx);
    if (candidates.length === 0) return out;
    const indexed = this.indexed;
    const programs = this.programs;
    const code = this.code;
    for (const i of candidates) if (this.run(code, programs[i], ctx)) out.push(indexed[i]);
    if (out.length > 1) sortByOrdinal(out);
    return out;
  }

  /**
   * How many rules `evaluate` would test on this event: the always-tested ones and the indexed candidates the probes
   * name, none of them tested. The bench's stage harness times this apart from the tests.
   */
  candidateCount(ctx: EventContext): number {
    this.nextEvent();
    return this.always.length + (this.fields.length === 0 ? 0 : this.probeAll(ctx).length);
  }

  /** One epoch per event invalidates every per-event cache (slots, atoms, candidates) without clearing them. */
  private nextEvent(): void {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.slotStamp.fill(0);
      this.foldStamp.fill(0);
      this.atomStamp.fill(0);
      this.epoch = 1;
    }
  }

  /** Probes every indexed field once; returns the event's candidates, each once (the reused list: read it before the next event). */
  private probeAll(ctx: EventContext): number[] {
    const candidates = this.candidates;
    candidates.length = 0;
    for (const f of this.fields) {
      const val = this.slot(f.slot, ctx);
      if (val === MISSING || val === null) continue;
      if (typeof val === 'string') this.probeString(f, val);
      else this.probeValue(f, val, ctx);
    }
    return candidates;
  }

  /** Evaluates the operand of program `p` at `pos`. */
  private run(p: Int32Array, pos: number, ctx: EventContext): boolean {
    switch (p[pos]) {
      case ATOM: {
        const a = p[pos + 1];
        if (this.atomStamp[a] === this.epoch) return this.atomResult[a] === 1;
        return this.atom(a, ctx);
      }
      case NOT:
        return !this.run(p, pos + 1, ctx);
      case AND: {
        const n = p[pos + 1];
        let q = pos + 3;
        for (let k = 0; k < n; k++) {
          if (!this.run(p, q, ctx)) return false;
          q = operandEnd(p, q);
        }
        return true;
      }
      default: {
        const n = p[pos + 1];
        let q = pos + 3;
        for (let k = 0; k < n; k++) {
          if (this.run(p, q, ctx)) return true;
          q = operandEnd(p, q);
        }
        return false;
      }
    }
  }

  /** Computes and stamps an atom's result for this event; `run`, its only caller, reads a stamped result inline. */
  private atom(i: number, ctx: EventContext): boolean {
    const simple = this.atomSimple[i];
    let r: boolean;
    if (simple === undefined) {
      const on = this.atomOnValue[i];
      r = on !== undefined ? on(this.slot(this.atomSlot[i], ctx), ctx) : this.atomMatch[i](ctx);
    } else {
      const slot = this.atomSlot[i];
      const v = this.slot(slot, ctx);
      if (v === MISSING || v === null) r = false;
      else if (typeof v === 'string') {
        const eq = this.atomEquals[i];
        r = eq !== undefined ? this.folded(slot, v) === eq : simpleHolds(simple, this.folded(slot, v));
      } else r = simpleValue(simple, v, ctx);
    }
    this.atomStamp[i] = this.epoch;
    this.atomResult[i] = r ? 1 : 0;
    return r;
  }

  /** A field's value for this event, read once. */
  private slot(i: number, ctx: EventContext): unknown {
    if (this.slotStamp[i] === this.epoch) return this.slotValue[i];
    const v = ctx.read(this.slotNames[i], this.slotAccs[i]);
    this.slotStamp[i] = this.epoch;
    this.slotValue[i] = v;
    return v;
  }

  /** The folded text of a field's string value for this event, folded once. */
  private folded(i: number, s: string): string {
    if (this.foldStamp[i] === this.epoch) return this.slotFolded[i];
    // Not ctx.fold: its memo map would be allocated for every event; this cache already folds once per field.
    const f = s.toLowerCase();
    this.foldStamp[i] = this.epoch;
    this.slotFolded[i] = f;
    return f;
  }

  /**
   * Probes a string field value. The probe's answer depends only on the
   * value, and the same values recur across events (event names, sources,
   * user agents), so it is remembered per raw value.
   */
  private probeString(f: FieldIndex, s: string): void {
    if (f.memoOff > 0) {
      // Values rarely repeat on this field (addresses, ids): remembering them costs more than it saves.
      f.memoOff--;
      f.probe(this.folded(f.slot, s), this.hit);
      return;
    }
    f.lookups++;
    let hits = f.memo.get(s);
    if (hits === undefined) {
      const found: number[] = [];
      f.probe(this.folded(f.slot, s), (r) => {
        if (!found.includes(r)) found.push(r);
      });
      hits = found.length ? Int32Array.from(found) : NO_HITS;
      if (f.memo.size >= PROBE_MEMO_LIMIT) {
        // Full after fewer than two lookups per value: stop remembering for a while.
        if (f.lookups < 2 * PROBE_MEMO_LIMIT) f.memoOff = 16 * PROBE_MEMO_LIMIT;
        f.memo.clear();
        f.lookups = 0;
      }
      f.memo.set(s, hits);
    }
    const stamp = this.stamp;
    const epoch = this.epoch;
    for (let k = 0; k < hits.length; k++) {
      const i = hits[k];
      if (stamp[i] === epoch) continue;
      stamp[i] = epoch;
      this.candidates.push(i);
    }
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

/** In place, by rule order: a few matches, so an insertion sort without a comparator call. */
function sortByOrdinal(a: InternalRule[]): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j].ordinal > x.ordinal) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/** A SimpleTest on a non-string value: arrays match on any element, others on their text. */
function simpleValue(t: SimpleTest, x: unknown, ctx: EventContext): boolean {
  if (Array.isArray(x)) {
    for (const el of x) if (simpleValue(t, el, ctx)) return true;
    return false;
  }
  const s = textOf(x, ctx);
  return s !== undefined && simpleHolds(t, ctx.fold(s));
}
