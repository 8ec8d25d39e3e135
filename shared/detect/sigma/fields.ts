/**
 * Field access over one event: dotted paths into nested objects (a literal
 * dotted key wins over the path), arrays matched on any element, objects seen
 * by string matchers as their compact JSON text. Per-event caches live in
 * `EventContext` so many rules evaluating one event share the work.
 */

/** Returned by an accessor when the field is absent. */
export const MISSING: unique symbol = Symbol('missing');
export type FieldValue = unknown | typeof MISSING;

export type Accessor = (event: Record<string, unknown>) => FieldValue;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Resolves `parts[from..]` under `obj`. The longest literal key wins at each
 * level (`{"a.b": 1}` answers `a.b` before `{"a": {"b": 1}}` would); arrays
 * on the way fan out and their hits are collected into an array.
 */
function resolve(obj: unknown, parts: string[], from: number, keys: string[][]): FieldValue {
  if (Array.isArray(obj)) {
    const hits: unknown[] = [];
    for (const el of obj) {
      const v = resolve(el, parts, from, keys);
      if (v === MISSING) continue;
      if (Array.isArray(v)) hits.push(...v);
      else hits.push(v);
    }
    return hits.length ? hits : MISSING;
  }
  if (!isObject(obj)) return MISSING;
  for (let end = parts.length; end > from; end--) {
    const key = keys[from][end];
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      const v = obj[key];
      if (end === parts.length) return v;
      const r = resolve(v, parts, end, keys);
      if (r !== MISSING) return r;
    }
  }
  return MISSING;
}

/** Compiles a field name into an accessor; the plain-key case is a single lookup. One accessor per name, shared. */
export function compileAccessor(name: string): Accessor {
  let acc = accessors.get(name);
  if (acc === undefined) {
    acc = buildAccessor(name);
    accessors.set(name, acc);
  }
  return acc;
}

const accessors = new Map<string, Accessor>();
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A plain or `a.b` name gets a function generated for it, with its keys as
 * string literals: V8 then reads them with named loads whose caches see only
 * that field's objects. One closure shared by every name made each read a
 * megamorphic keyed load plus a hasOwnProperty call (about 0.85× the
 * evaluation time with generated reads; docs/benchmarks.md). Names enter the code only
 * as JSON string literals. The value is read first; the own-property test
 * runs only when the value could be inherited: undefined, or the very value
 * Object.prototype holds under that key (its methods, or whatever a polluted
 * prototype holds), so the answer stays exactly `hasOwnProperty`'s.
 * `__proto__` reads the prototype itself, so names with that part keep the
 * general path.
 */
function buildAccessor(name: string): Accessor {
  const parts = name.split('.');
  if (parts.length > 2 || parts.includes('__proto__')) return generalAccessor(name, parts);
  const k = JSON.stringify(name);
  if (parts.length === 1) {
    return new Function('hasOwn', 'OP', 'MISSING', `return (e) => { const v = e[${k}]; if (v !== undefined && v !== OP[${k}]) return v; return hasOwn.call(e, ${k}) ? v : MISSING; };`)(
      hasOwn,
      Object.prototype,
      MISSING,
    ) as Accessor;
  }
  // `a.b` (userIdentity.arn): the literal dotted key first, then the path, as resolve does.
  const o = JSON.stringify(parts[0]);
  const i = JSON.stringify(parts[1]);
  const keys = keysOf(parts);
  const fanOut = (v: unknown[]) => resolve(v, parts, 1, keys);
  return new Function(
    'hasOwn',
    'OP',
    'MISSING',
    'fanOut',
    `return (e) => {
      const d = e[${k}];
      if (d !== undefined && d !== OP[${k}]) return d;
      if (hasOwn.call(e, ${k})) return d;
      const v = e[${o}];
      if ((v === undefined || v === OP[${o}]) && !hasOwn.call(e, ${o})) return MISSING;
      if (Array.isArray(v)) return fanOut(v);
      if (typeof v !== 'object' || v === null) return MISSING;
      const w = v[${i}];
      if (w !== undefined && w !== OP[${i}]) return w;
      return hasOwn.call(v, ${i}) ? w : MISSING;
    };`,
  )(hasOwn, Object.prototype, MISSING, fanOut) as Accessor;
}

/** keys[from][end]: the dotted key made of parts[from..end), built once rather than per event. */
function keysOf(parts: string[]): string[][] {
  return parts.map((_, from) => Array.from({ length: parts.length + 1 }, (__, end) => (end > from ? parts.slice(from, end).join('.') : '')));
}

/** Any name, through resolve: the reference the generated accessors are held to (test/unit/detect/sigma/fields.test.ts). */
export function generalAccessor(name: string, parts = name.split('.')): Accessor {
  if (parts.length === 1) return (e) => (hasOwn.call(e, name) ? e[name] : MISSING);
  const keys = keysOf(parts);
  return (e) => {
    if (hasOwn.call(e, name)) return e[name];
    return resolve(e, parts, 0, keys);
  };
}

/** Per-event memo shared by every rule evaluated against the same event. */
export class EventContext {
  // Caches are created on first use: most events are looked at by few rules.
  private folded: Map<string, string> | undefined;
  private json: Map<object, string> | undefined;
  private strings: string[] | undefined;
  private accessed: Map<string, FieldValue> | undefined;

  /**
   * `mapped`: accessors for Sigma field names this kind of event carries
   * under another path (declared field mappings); used only when the event
   * lacks the name itself.
   */
  constructor(
    readonly event: Record<string, unknown>,
    private readonly mapped?: ReadonlyMap<string, Accessor>,
  ) {}

  /** Field value, memoized per field name for this event. */
  get(name: string, accessor: Accessor): FieldValue {
    const memo = (this.accessed ??= new Map());
    let v = memo.get(name);
    if (v === undefined && !memo.has(name)) {
      v = accessor(this.event);
      if (v === MISSING && this.mapped !== undefined) {
        const alt = this.mapped.get(name);
        if (alt) v = alt(this.event);
      }
      memo.set(name, v);
    }
    return v;
  }

  /** Field value without the per-event memo (for callers that cache it themselves). */
  read(name: string, accessor: Accessor): FieldValue {
    const memo = this.accessed;
    if (memo !== undefined && memo.has(name)) return memo.get(name);
    let v = accessor(this.event);
    if (v === MISSING && this.mapped !== undefined) {
      const alt = this.mapped.get(name);
      if (alt) v = alt(this.event);
    }
    return v;
  }

  /** Lower-cased string, memoized (long command lines are folded once, not per rule). */
  fold(s: string): string {
    if (s.length < 16) return s.toLowerCase();
    const memo = (this.folded ??= new Map());
    let f = memo.get(s);
    if (f === undefined) {
      f = s.toLowerCase();
      memo.set(s, f);
    }
    return f;
  }

  /** Compact JSON text of an object value, memoized. */
  jsonOf(o: object): string {
    const memo = (this.json ??= new Map());
    let t = memo.get(o);
    if (t === undefined) {
      t = JSON.stringify(o);
      memo.set(o, t);
    }
    return t;
  }

  /** Every string value in the event (keyword searches), collected once. */
  allStrings(): string[] {
    if (!this.strings) {
      const out: string[] = [];
      collectStrings(this.event, out, 0);
      this.strings = out;
    }
    return this.strings;
  }
}

function collectStrings(v: unknown, out: string[], depth: number): void {
  // Depth cap: hostile, deeply nested input must not blow the stack.
  if (depth > 64) return;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out, depth + 1);
  else if (isObject(v)) for (const k in v) collectStrings(v[k], out, depth + 1);
}

/**
 * The text a string matcher sees for a scalar event value: strings as is,
 * numbers and booleans as written, objects as compact JSON; null/undefined
 * have no text.
 */
export function textOf(v: unknown, ctx: EventContext): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'object':
      return v === null ? undefined : ctx.jsonOf(v);
    default:
      return undefined;
  }
}

/** Applies `pred` to a field value: arrays match when any element does. */
export function anyElement(v: unknown, pred: (x: unknown) => boolean): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (anyElement(x, pred)) return true;
    return false;
  }
  return pred(v);
}
