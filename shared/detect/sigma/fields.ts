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

/** Compiles a field name into an accessor; the plain-key case is a single lookup. */
export function compileAccessor(name: string): Accessor {
  if (!name.includes('.')) {
    return (e) => (Object.prototype.hasOwnProperty.call(e, name) ? e[name] : MISSING);
  }
  const parts = name.split('.');
  // keys[from][end]: the dotted key made of parts[from..end), built once rather than per event.
  const keys = parts.map((_, from) => Array.from({ length: parts.length + 1 }, (__, end) => (end > from ? parts.slice(from, end).join('.') : '')));
  if (parts.length === 2) {
    // The common `a.b` (userIdentity.arn): what resolve does, without testing the literal key twice.
    const [outer, inner] = parts;
    return (e) => {
      if (Object.prototype.hasOwnProperty.call(e, name)) return e[name];
      if (!Object.prototype.hasOwnProperty.call(e, outer)) return MISSING;
      const v = e[outer];
      if (Array.isArray(v)) return resolve(v, parts, 1, keys);
      if (typeof v !== 'object' || v === null) return MISSING;
      return Object.prototype.hasOwnProperty.call(v, inner) ? (v as Record<string, unknown>)[inner] : MISSING;
    };
  }
  return (e) => {
    if (Object.prototype.hasOwnProperty.call(e, name)) return e[name];
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
