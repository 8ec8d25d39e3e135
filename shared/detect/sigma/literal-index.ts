/**
 * Index of rules by the literal values they require. Each rule contributes at
 * most one requirement: "field F's folded text is / starts with / ends with /
 * contains one of {literal…}". An event probes each indexed field once
 * (hash lookup for exact values, tries for prefixes and suffixes, a rarest-
 * trigram table for substrings) and gets back the few rules worth testing.
 * The index is only a prefilter: candidates are always fully tested.
 */
import type { InternalRule, LiteralAlt, Requirement } from './compile';
import { EventContext, MISSING, anyElement, compileAccessor, textOf, type Accessor } from './fields';
import { toNumber } from './values';

interface TrieNode {
  next: Map<string, TrieNode>;
  rules: number[];
}

function trieNode(): TrieNode {
  return { next: new Map(), rules: [] };
}

function trieInsert(root: TrieNode, key: string, rule: number): void {
  let n = root;
  for (const c of key) {
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

/** Everything indexed on one field. */
class FieldIndex {
  readonly acc: Accessor;
  exact = new Map<string, number[]>();
  prefix = trieNode();
  suffix = trieNode();
  grams = new Map<string, Array<{ rule: number; text: string }>>();
  hasPrefix = false;
  hasSuffix = false;

  constructor(readonly field: string) {
    this.acc = compileAccessor(field);
  }

  add(alt: LiteralAlt, rule: number, gramFreq: Map<string, number>): void {
    switch (alt.kind) {
      case 'exact': {
        const l = this.exact.get(alt.text);
        if (l) l.push(rule);
        else this.exact.set(alt.text, [rule]);
        break;
      }
      case 'prefix':
        this.hasPrefix = true;
        trieInsert(this.prefix, alt.text, rule);
        break;
      case 'suffix':
        this.hasSuffix = true;
        trieInsert(this.suffix, [...alt.text].reverse().join(''), rule);
        break;
      case 'contains': {
        // The literal's least shared trigram keeps candidate lists short.
        let best = alt.text.slice(0, GRAM);
        for (let i = 1; i + GRAM <= alt.text.length; i++) {
          const g = alt.text.slice(i, i + GRAM);
          if ((gramFreq.get(g) ?? 0) < (gramFreq.get(best) ?? 0)) best = g;
        }
        const l = this.grams.get(best);
        if (l) l.push({ rule, text: alt.text });
        else this.grams.set(best, [{ rule, text: alt.text }]);
        break;
      }
    }
  }

  /** Calls `hit` for every rule whose requirement this text can satisfy. */
  probe(s: string, hit: (rule: number) => void): void {
    const ex = this.exact.get(s);
    if (ex) for (const r of ex) hit(r);
    if (this.exact.size > 0) {
      const n = toNumber(s);
      if (n !== undefined) {
        const canon = String(n);
        if (canon !== s) this.exact.get(canon)?.forEach(hit);
      }
    }
    if (this.hasPrefix) {
      let node: TrieNode | undefined = this.prefix;
      for (let i = 0; i < s.length && node; i++) {
        node = node.next.get(s[i]);
        if (node) for (const r of node.rules) hit(r);
      }
    }
    if (this.hasSuffix) {
      let node: TrieNode | undefined = this.suffix;
      for (let i = s.length - 1; i >= 0 && node; i--) {
        node = node.next.get(s[i]);
        if (node) for (const r of node.rules) hit(r);
      }
    }
    if (this.grams.size > 0) {
      for (let i = 0; i + GRAM <= s.length; i++) {
        const list = this.grams.get(s.slice(i, i + GRAM));
        if (!list) continue;
        for (const e of list) if (s.includes(e.text)) hit(e.rule);
      }
    }
  }
}

/** Relative cost of a candidate from each kind of probe (exact is cheapest to probe and most selective). */
const KIND_COST: Record<LiteralAlt['kind'], number> = { exact: 1, prefix: 1.5, suffix: 1.5, contains: 3 };

export class LiteralIndex {
  private fields: FieldIndex[] = [];
  /** Rules that have no usable requirement: tested on every event. */
  readonly always: InternalRule[] = [];
  private readonly indexed: InternalRule[] = [];
  private stamp: Uint32Array;
  private epoch = 0;

  constructor(readonly rules: InternalRule[]) {
    // How many rules share each alternative, to pick each rule's most selective requirement.
    const share = new Map<string, number>();
    const altKey = (field: string, a: LiteralAlt) => `${field}\u0000${a.kind}\u0000${a.text}`;
    const gramFreq = new Map<string, number>();
    for (const r of rules) {
      for (const q of r.requirements) {
        for (const a of q.alts) {
          share.set(altKey(q.field, a), (share.get(altKey(q.field, a)) ?? 0) + 1);
          if (a.kind === 'contains') {
            for (let i = 0; i + GRAM <= a.text.length; i++) {
              const g = a.text.slice(i, i + GRAM);
              gramFreq.set(g, (gramFreq.get(g) ?? 0) + 1);
            }
          }
        }
      }
    }
    const cost = (q: Requirement) => q.alts.reduce((s, a) => s + (share.get(altKey(q.field, a)) ?? 1) * KIND_COST[a.kind], 0);
    const byField = new Map<string, FieldIndex>();
    for (const r of rules) {
      const usable = r.requirements.filter((q) => q.alts.length > 0 && q.alts.every((a) => a.kind !== 'contains' || a.text.length >= GRAM));
      if (usable.length === 0) {
        this.always.push(r);
        continue;
      }
      const best = usable.reduce((a, b) => (cost(b) < cost(a) ? b : a));
      let fi = byField.get(best.field);
      if (!fi) {
        fi = new FieldIndex(best.field);
        byField.set(best.field, fi);
      }
      const ix = this.indexed.length;
      this.indexed.push(r);
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
    const epoch = this.epoch;
    const stamp = this.stamp;
    const indexed = this.indexed;
    let candidates: number[] | undefined;
    const hit = (i: number) => {
      if (stamp[i] === epoch) return;
      stamp[i] = epoch;
      (candidates ??= []).push(i);
    };
    for (const f of this.fields) {
      const val = ctx.get(f.field, f.acc);
      if (val === MISSING || val === null) continue;
      anyElement(val, (x) => {
        const t = textOf(x, ctx);
        if (t !== undefined) f.probe(ctx.fold(t), hit);
        return false;
      });
    }
    if (!candidates) return out;
    for (const i of candidates) if (indexed[i].test(ctx)) out.push(indexed[i]);
    if (out.length > 1) out.sort((a, b) => a.ordinal - b.ordinal);
    return out;
  }
}
