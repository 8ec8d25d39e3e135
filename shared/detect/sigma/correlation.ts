/**
 * Sigma correlation rules, evaluated as a stream.
 *
 * API
 * ---
 *   const set = compileRules(files);                 // correlations are compiled and checked here
 *   const engine = new CorrelationEngine(set, { store });   // store defaults to MemoryCorrelationStore
 *   for each event:
 *     for (const rule of set.evaluate(ls, fields)) {
 *       if (!rule.correlationOnly) report(rule);      // `generate: false` (default) hides base rules
 *       const matches = await engine.observe(rule, fields, eventTimeMs, ref);
 *       for (const m of matches) report(m);          // CorrelationMatch: correlation, group, events, value
 *     }
 *
 * `observe` takes one base-rule match (the rule, the event's fields for
 * group-by/field values, the event time, and an opaque `ref` naming the event)
 * and returns the correlations it completes. Chained correlations are fed
 * automatically with the matches of the correlations they reference.
 *
 * State lives behind `CorrelationStore`: one list of hits per (correlation,
 * group), updated atomically through `update`, with an expiry so a DynamoDB
 * store can use TTL. `MemoryCorrelationStore` serves offline runs and tests.
 *
 * Semantics
 * ---------
 * - Sliding window: per group, hits older than (latest hit time − timespan)
 *   are dropped; the condition is evaluated on each hit over the hits left.
 * - After a correlation matches, its group state is cleared, so the next
 *   match needs a fresh set of events (no re-alert on every further hit).
 * - Conditions need a lower bound (gt/gte/eq); upper-bound-only conditions
 *   would need window-close evaluation and are reported as unsupported.
 * - value_percentile: the share (in %) of the group's hits in the window whose
 *   `field` equals the current hit's value (rarity: `lte: 1` = "seen in at
 *   most 1% of the group's events").
 */
import { compileAccessor, MISSING, type Accessor } from './fields';
import { shownValue, type CorrelationDoc } from './parse';
import { RuleLoadError, RuleUnsupportedError, type CompiledRule, type SigmaRuleMeta } from './types';
import { toNumber } from './values';

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_min'
  | 'value_max'
  | 'value_percentile';

const TYPES = new Set<CorrelationType>([
  'event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_min', 'value_max', 'value_percentile',
]);

export interface CorrelationCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

/** A compiled correlation rule. */
export interface CompiledCorrelation extends SigmaRuleMeta {
  type: CorrelationType;
  name?: string;
  /** Referenced rules/correlations, as written (ids or names). */
  rules: string[];
  groupBy: string[];
  /** alias → (rule id or name → field). */
  aliases: Record<string, Record<string, string>>;
  timespanMs: number;
  condition: CorrelationCondition;
  /** Field for value_* types (several for value_count: counted as a tuple). */
  field?: string[];
  /** Base rules also fire on their own. */
  generate: boolean;
}

/** One hit kept in a (correlation, group) state. */
export interface StateEntry {
  /** Event time, ms since epoch. */
  t: number;
  /** Id of the rule (or correlation) that produced the hit. */
  rule: string;
  /** Field value for value_* correlations. */
  v?: string | number | null;
  /** Caller's reference to the event(s), reported back in matches. */
  ref?: unknown;
}

/** Pluggable correlation state (in memory offline, DynamoDB in Lambda). */
export interface CorrelationStore {
  /**
   * Atomically reads the entries stored under `key`, applies `fn`, stores the
   * entries it returns (empty = delete) with expiry `expiresAt` (ms), and
   * returns its result. A DynamoDB store implements this as get + conditional
   * put on a version attribute, retrying on conflict.
   */
  update<T>(key: string, expiresAt: number, fn: (entries: StateEntry[]) => { entries: StateEntry[]; result: T }): Promise<T>;
}

export class MemoryCorrelationStore implements CorrelationStore {
  private data = new Map<string, { entries: StateEntry[]; expiresAt: number }>();
  private writes = 0;

  async update<T>(key: string, expiresAt: number, fn: (entries: StateEntry[]) => { entries: StateEntry[]; result: T }): Promise<T> {
    const cur = this.data.get(key);
    const { entries, result } = fn(cur ? cur.entries : []);
    if (entries.length === 0) this.data.delete(key);
    else this.data.set(key, { entries, expiresAt });
    // Expired groups are swept now and then so long offline runs stay bounded.
    if (++this.writes % 10000 === 0) this.sweep(expiresAt);
    return result;
  }

  /** Drops groups whose expiry is before `now`. */
  sweep(now: number): void {
    for (const [k, v] of this.data) if (v.expiresAt < now) this.data.delete(k);
  }

  get size(): number {
    return this.data.size;
  }
}

export interface CorrelationMatch {
  correlation: CompiledCorrelation;
  /** Group-by values of the group that matched. */
  group: Record<string, unknown>;
  /** Time of the hit that completed the match. */
  time: number;
  /** Time of the first hit in the window. */
  firstTime: number;
  /** The aggregated value compared with the condition (count, distinct count, sum, …). */
  value: number;
  /** `ref`s of the hits joined (for chained correlations, their events flattened). */
  events: unknown[];
}

const UNITS: Record<string, number> = { s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/** Validates a correlation document on its own (references are resolved by compileCorrelations). */
export function parseCorrelation(doc: CorrelationDoc): CompiledCorrelation {
  const { file, id } = doc.meta;
  const fail = (reason: string): never => {
    throw new RuleLoadError(file, id, reason);
  };
  const c = doc.correlation;
  const type = c.type as CorrelationType;
  if (typeof c.type !== 'string' || !TYPES.has(type)) fail(`unknown correlation type '${shownValue(c.type)}'`);
  const rules = strList(c.rules);
  if (!rules || rules.length === 0) fail(`correlation needs 'rules'`);
  const groupBy = c['group-by'] === undefined ? [] : strList(c['group-by']) ?? fail(`'group-by' must be a list of fields`);
  const span = typeof c.timespan === 'string' ? /^(\d+)([smhdw])$/.exec(c.timespan.trim()) : null;
  if (!span) fail(`'timespan' must be a number and a unit (s, m, h, d, w), e.g. 15m`);
  const timespanMs = Number(span![1]) * UNITS[span![2]];
  const aliases: Record<string, Record<string, string>> = {};
  if (c.aliases !== undefined) {
    if (!isMap(c.aliases)) fail(`'aliases' must be a map`);
    for (const [alias, m] of Object.entries(c.aliases as Record<string, unknown>)) {
      if (!isMap(m) || !Object.values(m).every((f) => typeof f === 'string')) fail(`alias '${alias}' must map rule names to fields`);
      aliases[alias] = m as Record<string, string>;
    }
  }
  const condition: CorrelationCondition = {};
  let field: string[] | undefined;
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (c.condition === undefined || c.condition === null) {
    if (!temporal) fail(`'${type}' correlation needs a 'condition'`);
  } else {
    if (!isMap(c.condition)) fail(`'condition' must be a map`);
    for (const [k, v] of Object.entries(c.condition as Record<string, unknown>)) {
      if (k === 'field') {
        field = strList(v) ?? fail(`condition 'field' must be a field name`);
        continue;
      }
      if (!['gt', 'gte', 'lt', 'lte', 'eq'].includes(k)) fail(`unknown correlation condition '${k}'`);
      const n = toNumber(v);
      if (n === undefined) fail(`correlation condition '${k}' needs a number`);
      condition[k as keyof CorrelationCondition] = n;
    }
    if (Object.keys(condition).length === 0) fail(`correlation condition needs one of gt, gte, lt, lte, eq`);
  }
  if (type !== 'event_count' && !temporal && !field) fail(`'${type}' correlation needs 'condition.field'`);
  if (field && field.length > 1 && type !== 'value_count') fail(`'${type}' takes a single 'field'`);
  const hasLower = condition.gt !== undefined || (condition.gte ?? 0) > 0 || condition.eq !== undefined;
  if (Object.keys(condition).length > 0 && !hasLower && type !== 'value_percentile') {
    throw new RuleUnsupportedError(file, id, 'correlation conditions without a lower bound (only lt/lte) need window-close evaluation, which this streaming engine does not do');
  }
  const generate = doc.document.generate ?? c.generate;
  if (generate !== undefined && typeof generate !== 'boolean') fail(`'generate' must be a boolean`);
  return {
    ...doc.meta,
    type,
    name: doc.name,
    rules: rules!,
    groupBy,
    aliases,
    timespanMs,
    condition,
    field,
    generate: generate === true,
  };
}

/** Used by lint: structure only. */
export function checkCorrelation(doc: CorrelationDoc): void {
  parseCorrelation(doc);
}

function satisfies(c: CorrelationCondition, n: number): boolean {
  return (
    (c.gt === undefined || n > c.gt) &&
    (c.gte === undefined || n >= c.gte) &&
    (c.lt === undefined || n < c.lt) &&
    (c.lte === undefined || n <= c.lte) &&
    (c.eq === undefined || n === c.eq)
  );
}

/**
 * Resolves references: every correlation's rules must be loaded rules or
 * correlations (by id or name). Marks base rules `correlationOnly` when every
 * correlation using them has `generate: false`. Correlations referring to
 * rules that were skipped as unsupported are unsupported too.
 */
export function compileCorrelations(
  docs: CorrelationDoc[],
  rules: CompiledRule[],
  skippedRefs: Set<string>,
  onUnsupported: (e: RuleUnsupportedError) => void,
): CompiledCorrelation[] {
  const known = new Set<string>();
  for (const r of rules) {
    known.add(r.id);
    const name = (r as { name?: string }).name;
    if (name) known.add(name);
  }
  const parsed: CompiledCorrelation[] = [];
  for (const d of docs) {
    try {
      parsed.push(parseCorrelation(d));
    } catch (e) {
      if (e instanceof RuleUnsupportedError) {
        onUnsupported(e);
        skippedRefs.add(d.meta.id);
        if (d.name) skippedRefs.add(d.name);
      } else throw e;
    }
  }
  for (const c of parsed) {
    known.add(c.id);
    if (c.name) known.add(c.name);
  }
  // Unsupported-ness propagates along chains until nothing changes.
  let out = parsed;
  for (let changed = true; changed; ) {
    changed = false;
    const next: CompiledCorrelation[] = [];
    for (const c of out) {
      const bad = c.rules.find((r) => skippedRefs.has(r));
      if (bad) {
        onUnsupported(new RuleUnsupportedError(c.file, c.id, `references rule '${bad}', which is unsupported`));
        skippedRefs.add(c.id);
        if (c.name) skippedRefs.add(c.name);
        changed = true;
      } else next.push(c);
    }
    out = next;
  }
  for (const c of out) {
    const missing = c.rules.find((r) => !known.has(r));
    if (missing) throw new RuleLoadError(c.file, c.id, `correlation references unknown rule '${missing}'`);
    if (c.rules.includes(c.id) || (c.name && c.rules.includes(c.name))) throw new RuleLoadError(c.file, c.id, 'correlation references itself');
  }
  const generated = new Set<string>();
  const hidden = new Set<string>();
  for (const c of out) for (const r of c.rules) (c.generate ? generated : hidden).add(r);
  for (const r of rules) {
    const name = (r as { name?: string }).name;
    const refs = [r.id, name].filter((x): x is string => !!x);
    if (refs.some((x) => hidden.has(x)) && !refs.some((x) => generated.has(x))) r.correlationOnly = true;
  }
  return out;
}

interface Prepared {
  c: CompiledCorrelation;
  /** For each referenced rule id/name: accessors of the group-by fields (aliases resolved). */
  groupAcc: Map<string, Accessor[]>;
  valueAcc: Map<string, Accessor[]>;
  /** Ordered list of referenced ids for temporal_ordered, each entry = set of id/name of one rule. */
  order: Array<Set<string>>;
}

export interface CorrelationEngineOptions {
  store?: CorrelationStore;
  /** Cap on hits kept per group (oldest dropped first). */
  maxEntries?: number;
}

/** Minimal view of a rule set the engine needs. */
export interface CorrelationSource {
  readonly rules: CompiledRule[];
  readonly correlations: CompiledCorrelation[];
}

/** Something that can be observed: a base rule or a correlation (chaining). */
type Observed = { id: string; name?: string };

export class CorrelationEngine {
  private readonly byRef = new Map<string, Prepared[]>();
  private readonly store: CorrelationStore;
  private readonly maxEntries: number;
  readonly correlations: CompiledCorrelation[];

  constructor(source: CorrelationSource, options: CorrelationEngineOptions = {}) {
    this.store = options.store ?? new MemoryCorrelationStore();
    this.maxEntries = options.maxEntries ?? 10000;
    this.correlations = source.correlations;
    const nameOf = new Map<string, string | undefined>();
    for (const r of source.rules) nameOf.set(r.id, (r as { name?: string }).name);
    for (const c of source.correlations) nameOf.set(c.id, c.name);
    // Refs are ids or names; index each prepared correlation under both.
    const canonical = new Map<string, string>();
    for (const [id, name] of nameOf) {
      canonical.set(id, id);
      if (name) canonical.set(name, id);
    }
    for (const c of source.correlations) {
      const groupAcc = new Map<string, Accessor[]>();
      const valueAcc = new Map<string, Accessor[]>();
      const order: Array<Set<string>> = [];
      for (const ref of c.rules) {
        const id = canonical.get(ref) ?? ref;
        const name = nameOf.get(id);
        const fieldFor = (f: string) => {
          const alias = c.aliases[f];
          return (alias && (alias[ref] ?? alias[id] ?? (name ? alias[name] : undefined))) ?? f;
        };
        groupAcc.set(id, c.groupBy.map((f) => compileAccessor(fieldFor(f))));
        valueAcc.set(id, (c.field ?? []).map((f) => compileAccessor(fieldFor(f))));
        order.push(new Set([id]));
      }
      const p: Prepared = { c, groupAcc, valueAcc, order };
      for (const id of groupAcc.keys()) {
        const list = this.byRef.get(id);
        if (list) list.push(p);
        else this.byRef.set(id, [p]);
      }
    }
  }

  /** Whether any correlation consumes matches of this rule. */
  uses(rule: Observed): boolean {
    return this.byRef.has(rule.id);
  }

  /**
   * Feeds one base-rule match. `fields` are the event's fields (group-by and
   * value fields are read from them), `time` the event time in ms, `ref` any
   * reference to the event to report back. Returns completed correlations,
   * chained ones included.
   */
  async observe(rule: Observed, fields: Record<string, unknown>, time: number, ref?: unknown): Promise<CorrelationMatch[]> {
    const out: CorrelationMatch[] = [];
    await this.feed(rule.id, fields, time, ref, out, 0);
    return out;
  }

  private async feed(id: string, fields: Record<string, unknown>, time: number, ref: unknown, out: CorrelationMatch[], depth: number): Promise<void> {
    const preps = this.byRef.get(id);
    if (!preps || depth > 16) return;
    for (const p of preps) {
      const m = await this.hit(p, id, fields, time, ref);
      if (!m) continue;
      out.push(m);
      // Chaining: a correlation match is an event for correlations referencing it, its group values as fields.
      await this.feed(p.c.id, m.group, m.time, m.events, out, depth + 1);
    }
  }

  private async hit(p: Prepared, id: string, fields: Record<string, unknown>, time: number, ref: unknown): Promise<CorrelationMatch | undefined> {
    const c = p.c;
    const groupVals = (p.groupAcc.get(id) ?? []).map((acc) => {
      const v = acc(fields);
      return v === MISSING ? null : v;
    });
    let v: string | number | null | undefined;
    if (c.field) {
      const vals = (p.valueAcc.get(id) ?? []).map((acc) => {
        const x = acc(fields);
        return x === MISSING ? null : x;
      });
      if (c.type === 'value_count') {
        if (vals.every((x) => x === null)) return undefined;
        v = vals.length === 1 ? String(vals[0]) : JSON.stringify(vals);
      } else if (c.type === 'value_percentile') {
        v = vals[0] === null ? null : String(vals[0]);
      } else {
        const n = toNumber(vals[0]);
        if (n === undefined) return undefined;
        v = n;
      }
    }
    const group: Record<string, unknown> = {};
    c.groupBy.forEach((f, i) => (group[f] = groupVals[i]));
    const key = `${c.id}\u0000${JSON.stringify(groupVals)}`;
    const span = c.timespanMs;
    const entry: StateEntry = { t: time, rule: id, ref };
    if (v !== undefined) entry.v = v;
    return this.store.update(key, time + span, (entries) => {
      const all = [...entries, entry];
      const latest = all.reduce((m, e) => Math.max(m, e.t), -Infinity);
      let kept = all.filter((e) => e.t > latest - span);
      if (kept.length > this.maxEntries) kept = kept.sort((a, b) => a.t - b.t).slice(kept.length - this.maxEntries);
      const value = this.aggregate(p, kept, entry);
      if (value === undefined || !satisfies(c.condition, value) || (c.type.startsWith('temporal') && !this.temporalDone(p, kept, value))) {
        return { entries: kept, result: undefined };
      }
      const sorted = [...kept].sort((a, b) => a.t - b.t);
      // Chained hits carry their own event lists: flatten one level.
      const events = sorted.flatMap((e) => (Array.isArray(e.ref) ? e.ref : [e.ref])).filter((r) => r !== undefined);
      const match: CorrelationMatch = { correlation: c, group, time, firstTime: sorted[0].t, value, events };
      return { entries: [], result: match };
    });
  }

  private aggregate(p: Prepared, kept: StateEntry[], cur: StateEntry): number | undefined {
    const c = p.c;
    const nums = () => kept.map((e) => e.v).filter((x): x is number => typeof x === 'number');
    switch (c.type) {
      case 'event_count':
        return kept.length;
      case 'value_count':
        return new Set(kept.map((e) => e.v)).size;
      case 'value_sum':
        return nums().reduce((a, b) => a + b, 0);
      case 'value_avg': {
        const n = nums();
        return n.length ? n.reduce((a, b) => a + b, 0) / n.length : undefined;
      }
      case 'value_min':
        return Math.min(...nums());
      case 'value_max':
        return Math.max(...nums());
      case 'value_percentile':
        if (cur.v === null || cur.v === undefined) return undefined;
        return (100 * kept.filter((e) => e.v === cur.v).length) / kept.length;
      case 'temporal':
        return new Set(kept.map((e) => e.rule)).size;
      case 'temporal_ordered':
        return this.orderedPrefix(p, kept);
    }
  }

  /** temporal without condition: every referenced rule; temporal_ordered: the full sequence. */
  private temporalDone(p: Prepared, _kept: StateEntry[], value: number): boolean {
    const hasCondition = Object.keys(p.c.condition).length > 0;
    return hasCondition || value >= p.order.length;
  }

  /** Longest prefix of the rule order found as a time-ordered subsequence of the hits. */
  private orderedPrefix(p: Prepared, kept: StateEntry[]): number {
    const sorted = [...kept].sort((a, b) => a.t - b.t);
    let k = 0;
    let lastT = -Infinity;
    for (const e of sorted) {
      if (k < p.order.length && p.order[k].has(e.rule) && e.t >= lastT) {
        k++;
        lastT = e.t;
      }
    }
    return k;
  }
}
