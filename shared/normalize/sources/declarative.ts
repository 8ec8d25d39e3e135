/**
 * A source mapper built from a declarative mapping (no code), for JSON
 * sources we do not ship. The mapping is a plain object, written as JSON or
 * YAML (parse YAML with the project's `yaml` package before calling):
 *
 * ```yaml
 * id: acme.swg                      # source id recorded on every event
 * name: Acme Secure Web Gateway
 * match:                            # when a record is this source's
 *   all:
 *     - { field: vendor, equals: acme }
 *     - { field: log_type, in: [web, proxy] }
 * class_uid: 4002                   # a class in shared/ocsf/classes.ts
 * activity_id: { field: method, map: { GET: 3, POST: 6 }, default: 99 }
 * severity_id: 1
 * time: { field: ts, format: epoch_ms }     # iso8601 | epoch_s | epoch_ms | auto
 * uid: { field: request_id }        # optional; else sha256 of the record
 * product: { name: Secure Web Gateway, vendor_name: Acme }
 * logsource: { product: acme, category: proxy }
 * raw: detail                       # optional: sub-object that is the vendor record
 * fields:                           # OCSF path: source path, or a field spec
 *   src_endpoint.ip: client.ip
 *   dst_endpoint.port: { field: server.port, type: number }
 *   http_request.url.url_string: { field: url, required: true }
 *   metadata.log_name: { value: swg }
 * unmapped: true                    # copy source fields no mapping used
 * ```
 *
 * Paths are dot-separated; a numeric segment indexes an array. The spec is
 * checked and compiled once (createDeclarativeSource throws
 * DeclarativeSpecError for a bad spec); each event is checked with
 * validateOcsf, so a mapping cannot emit an event missing its class's
 * required attributes.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { LogSource, TelemetryEvent } from '../../telemetry';
import type { OcsfProduct } from '../../ocsf/types';
import { ocsfClass, type OcsfClassInfo } from '../../ocsf/classes';
import { validateOcsf } from '../../ocsf/validate';
import { baseEvent, hashUid, isObj, productOf, sharedProduct, typeName, type Rec } from './common';
import { parseTimestamp } from './timestamp';

export class DeclarativeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclarativeSpecError';
  }
}

type Path = string[];
type Getter = (r: Rec) => unknown;
type Pred = (r: Rec) => boolean;

function compilePath(p: unknown, where: string): Path {
  if (typeof p !== 'string' || p === '') throw new DeclarativeSpecError(`${where}: expected a non-empty dotted path`);
  return p.split('.');
}

function getter(path: Path): Getter {
  // Paths of one and two segments (most of them) read without a loop.
  if (path.length === 1) {
    const k = path[0];
    return (r) => r[k];
  }
  if (path.length === 2) {
    const [k0, k1] = path;
    return (r) => {
      const v = r[k0];
      return v !== null && typeof v === 'object' ? (v as Rec)[k1] : undefined;
    };
  }
  return (r) => {
    let cur: unknown = r;
    for (const seg of path) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Rec)[seg];
    }
    return cur;
  };
}

// ---------------------------------------------------------------- match

function compileCondition(c: unknown, where: string): Pred {
  if (!isObj(c)) throw new DeclarativeSpecError(`${where}: expected a condition object`);
  if (Array.isArray(c.all)) {
    const ps = c.all.map((x, i) => compileCondition(x, `${where}.all[${i}]`));
    // Loops, not every/some: those allocate a closure over the record on each call.
    return (r) => {
      for (let i = 0; i < ps.length; i++) if (!ps[i](r)) return false;
      return true;
    };
  }
  if (Array.isArray(c.any)) {
    const ps = c.any.map((x, i) => compileCondition(x, `${where}.any[${i}]`));
    return (r) => {
      for (let i = 0; i < ps.length; i++) if (ps[i](r)) return true;
      return false;
    };
  }
  if (c.not !== undefined) {
    const p = compileCondition(c.not, `${where}.not`);
    return (r) => !p(r);
  }
  const get = getter(compilePath(c.field, `${where}.field`));
  if ('equals' in c) {
    const v = c.equals;
    return (r) => get(r) === v;
  }
  if ('in' in c) {
    if (!Array.isArray(c.in)) throw new DeclarativeSpecError(`${where}.in: expected an array`);
    const set = new Set(c.in);
    return (r) => set.has(get(r));
  }
  if ('exists' in c) {
    const want = c.exists !== false;
    return (r) => {
      const v = get(r);
      return (v !== undefined && v !== null) === want;
    };
  }
  if ('prefix' in c) {
    if (typeof c.prefix !== 'string') throw new DeclarativeSpecError(`${where}.prefix: expected a string`);
    const pre = c.prefix;
    return (r) => {
      const v = get(r);
      return typeof v === 'string' && v.startsWith(pre);
    };
  }
  if ('regex' in c) {
    let re: RegExp;
    try {
      re = new RegExp(String(c.regex));
    } catch (e) {
      throw new DeclarativeSpecError(`${where}.regex: ${(e as Error).message}`);
    }
    return (r) => {
      const v = get(r);
      return typeof v === 'string' && re.test(v);
    };
  }
  if ('type' in c) {
    const t = c.type;
    if (!['string', 'number', 'boolean', 'object', 'array'].includes(String(t))) throw new DeclarativeSpecError(`${where}.type: one of string, number, boolean, object, array`);
    return (r) => {
      const v = get(r);
      return t === 'array' ? Array.isArray(v) : t === 'object' ? isObj(v) : typeof v === t;
    };
  }
  throw new DeclarativeSpecError(`${where}: a condition needs all, any, not, or field with equals, in, exists, prefix, regex or type`);
}

// ---------------------------------------------------------------- values

type Conv = 'string' | 'number' | 'integer' | 'boolean' | 'any';

/**
 * One compiled field. A class with every member always set, so that the
 * per-event code reading plans sees one object shape.
 */
class FieldPlan {
  /** The object the value goes into: the target path without its last segment. */
  readonly parent: Path;
  readonly key: string;

  constructor(
    target: Path,
    /** undefined for constants */
    readonly source: Path | undefined,
    readonly get: Getter,
    readonly type: Conv,
    readonly map: Map<unknown, unknown> | undefined,
    readonly fallback: unknown,
    readonly required: boolean,
    readonly where: string,
  ) {
    this.parent = target.slice(0, -1);
    this.key = target[target.length - 1];
  }
}

function convert(v: unknown, type: Conv, where: string): unknown {
  if (v === undefined || v === null) return undefined;
  switch (type) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new NormalizeError(`${where}: expected a string, got ${typeName(v)}`);
    case 'number':
    case 'integer': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw new NormalizeError(`${where}: expected ${type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(v)}`);
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw new NormalizeError(`${where}: expected a boolean, got ${typeName(v)}`);
    default:
      return v;
  }
}

function compileField(target: string, spec: unknown, where: string, defaultType: Conv): FieldPlan {
  const t = compilePath(target, where);
  if (typeof spec === 'string') {
    const source = compilePath(spec, where);
    return new FieldPlan(t, source, getter(source), defaultType, undefined, undefined, false, spec);
  }
  if (typeof spec === 'number' || typeof spec === 'boolean') {
    return new FieldPlan(t, undefined, () => spec, 'any', undefined, undefined, false, where);
  }
  if (!isObj(spec)) throw new DeclarativeSpecError(`${where}: expected a source path or a field spec object`);
  if ('value' in spec) return new FieldPlan(t, undefined, () => spec.value, 'any', undefined, undefined, false, where);
  const source = compilePath(spec.field, `${where}.field`);
  const type = (spec.type ?? defaultType) as Conv;
  if (!['string', 'number', 'integer', 'boolean', 'any'].includes(type)) throw new DeclarativeSpecError(`${where}.type: one of string, number, integer, boolean, any`);
  let map: Map<unknown, unknown> | undefined;
  if (spec.map !== undefined) {
    if (!isObj(spec.map)) throw new DeclarativeSpecError(`${where}.map: expected an object`);
    map = new Map(Object.entries(spec.map));
  }
  return new FieldPlan(t, source, getter(source), type, map, spec.default, spec.required === true, String(spec.field));
}

function evalField(plan: FieldPlan, r: Rec): unknown {
  return fieldValue(plan, plan.get(r));
}

function fieldValue(plan: FieldPlan, v: unknown): unknown {
  if (plan.map && v !== undefined && v !== null) {
    // Map keys are strings (JSON/YAML object keys), so look values up by their string form.
    const key = typeof v === 'string' ? v : String(v);
    const m = plan.map.get(key);
    v = m !== undefined ? m : plan.map.has(key) ? undefined : plan.fallback;
  } else if (v === undefined || v === null) {
    v = plan.fallback;
  }
  if (v === undefined || v === null) {
    if (plan.required) throw new NormalizeError(`${plan.where}: missing required field`);
    return undefined;
  }
  return plan.map ? v : convert(v, plan.type, plan.where);
}

/** The object at `path` under `target`, made (replacing any non-object there) when missing. */
function objectAt(target: Rec, path: Path): Rec {
  let cur = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let next = cur[seg];
    if (!isObj(next)) {
      next = {};
      cur[seg] = next;
    }
    cur = next as Rec;
  }
  return cur;
}

/** Sets each plan's value at its target path, in plan order, skipping undefined values (no empty objects are made). */
function setFields(ocsf: Rec, plans: readonly FieldPlan[], raw: Rec): void {
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    const v = evalField(p, raw);
    if (v !== undefined) objectAt(ocsf, p.parent)[p.key] = v;
  }
}

type FieldsSetter = (ocsf: Rec, raw: Rec) => void;

/** A property name as a JavaScript string literal: mapping text enters generated code only this way. */
const lit = (name: string) => JSON.stringify(name);

/**
 * setFields for one mapping, as generated code: the same reads, walks and
 * stores, unrolled per plan with each property name a constant. In the
 * general loop every read and store site sees every path of every mapping,
 * so V8 handles them megamorphically, and those were the hottest lines of
 * the declarative profile; here each site sees one name. Undefined where
 * code generation from strings is disallowed (the caller keeps setFields).
 */
function generateSetFields(plans: readonly FieldPlan[]): FieldsSetter | undefined {
  const lines = ['let v, t, o;'];
  plans.forEach((p, i) => {
    // getter(p.source), inline: each segment read only from an object.
    let read = p.source ? `raw[${lit(p.source[0])}]` : `plans[${i}].get(raw)`;
    for (const seg of p.source?.slice(1) ?? []) read = `(t = ${read}, t !== null && typeof t === 'object' ? t[${lit(seg)}] : undefined)`;
    // objectAt(ocsf, p.parent), inline.
    const walk = p.parent.map((seg) => `t = o[${lit(seg)}]; if (!isObj(t)) { t = {}; o[${lit(seg)}] = t; } o = t;`);
    lines.push(`v = fieldValue(plans[${i}], ${read});`, `if (v !== undefined) { o = ocsf; ${walk.join(' ')} o[${lit(p.key)}] = v; }`);
  });
  try {
    const make = new Function('plans', 'fieldValue', 'isObj', `return function setFields(ocsf, raw) {\n${lines.join('\n')}\n};`);
    return make(plans, fieldValue, isObj) as FieldsSetter;
  } catch {
    return undefined;
  }
}

/** Path segments no OCSF attribute has and that would write through to a prototype. */
const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Base attributes the mapping sets through its own keys, never through `fields`. */
const RESERVED = new Set(['class_uid', 'class_name', 'category_uid', 'category_name', 'activity_id', 'activity_name', 'type_uid', 'type_name', 'severity_id', 'severity', 'time']);

function parseTime(v: unknown, format: string, where: string): number {
  if (v === undefined || v === null) throw new NormalizeError(`${where}: missing required field`);
  if (format === 'iso8601' || (format === 'auto' && typeof v === 'string' && !/^\d+(\.\d+)?$/.test(v))) {
    if (typeof v !== 'string') throw new NormalizeError(`${where}: expected a timestamp string, got ${typeName(v)}`);
    const t = parseTimestamp(v);
    if (Number.isNaN(t)) throw new NormalizeError(`${where}: not a timestamp: "${v.slice(0, 40)}"`);
    return t;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new NormalizeError(`${where}: expected an epoch number, got ${typeName(v)}`);
  if (format === 'epoch_s') return Math.round(n * 1000);
  if (format === 'epoch_ms') return Math.round(n);
  // auto: seconds until ~2286, milliseconds after.
  return n < 1e10 ? Math.round(n * 1000) : Math.round(n);
}

// ---------------------------------------------------------------- compile

export interface DeclarativeSpec {
  id: string;
  name?: string;
  match: unknown;
  class_uid: number;
  class_name?: string;
  category_uid?: number;
  category_name?: string;
  activity_id?: unknown;
  severity_id?: unknown;
  status_id?: unknown;
  time: { field: string; format?: 'iso8601' | 'epoch_s' | 'epoch_ms' | 'auto' };
  uid?: { field: string };
  product: OcsfProduct & { version?: string };
  logsource?: LogSource;
  raw?: string;
  fields?: Record<string, unknown>;
  unmapped?: boolean;
  validate?: boolean;
}

export interface DeclarativeOptions {
  /** false: map fields with the general loop instead of code generated for the mapping (the same events; for tests). */
  generateCode?: boolean;
}

/** Builds a SourceMapper from a mapping object; throws DeclarativeSpecError when the mapping is invalid. */
export function createDeclarativeSource(input: unknown, options: DeclarativeOptions = {}): SourceMapper {
  if (!isObj(input)) throw new DeclarativeSpecError('mapping: expected an object');
  const spec = input as unknown as DeclarativeSpec;
  if (typeof spec.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(spec.id)) throw new DeclarativeSpecError('id: expected a source id such as "acme.swg"');
  const id = spec.id;
  const match = compileCondition(spec.match, 'match');
  if (typeof spec.class_uid !== 'number') throw new DeclarativeSpecError('class_uid: expected a number');
  let cls: OcsfClassInfo | undefined = ocsfClass(spec.class_uid);
  if (!cls) {
    if (typeof spec.class_name !== 'string' || typeof spec.category_uid !== 'number' || typeof spec.category_name !== 'string') {
      throw new DeclarativeSpecError(`class_uid: ${spec.class_uid} is not a built-in class; give class_name, category_uid and category_name`);
    }
    cls = { uid: spec.class_uid, name: spec.class_name, category_uid: spec.category_uid, category_name: spec.category_name, activities: {} };
  }
  const validate = spec.validate !== false && ocsfClass(spec.class_uid) !== undefined;
  const activity = compileField('activity_id', spec.activity_id ?? 0, 'activity_id', 'integer');
  const severity = compileField('severity_id', spec.severity_id ?? 1, 'severity_id', 'integer');
  const status = spec.status_id !== undefined ? compileField('status_id', spec.status_id, 'status_id', 'integer') : undefined;
  if (!isObj(spec.time)) throw new DeclarativeSpecError('time: expected { field, format }');
  const timeGet = getter(compilePath(spec.time.field, 'time.field'));
  const timeWhere = String(spec.time.field);
  const timeFormat = spec.time.format ?? 'auto';
  if (!['iso8601', 'epoch_s', 'epoch_ms', 'auto'].includes(timeFormat)) throw new DeclarativeSpecError('time.format: one of iso8601, epoch_s, epoch_ms, auto');
  const uidGet = spec.uid !== undefined ? getter(compilePath(isObj(spec.uid) ? spec.uid.field : undefined, 'uid.field')) : undefined;
  if (!isObj(spec.product) || typeof spec.product.vendor_name !== 'string' || typeof spec.product.name !== 'string') {
    throw new DeclarativeSpecError('product: expected { name, vendor_name }');
  }
  const { version: productVersion, ...rest } = spec.product;
  // The versioned product, built once and shared by the mapping's events (what productOf would return for each).
  const product = productOf(sharedProduct(rest), productVersion);
  const logsource: LogSource = isObj(spec.logsource) ? { ...spec.logsource } : { product: id };
  const rawGet = spec.raw !== undefined ? getter(compilePath(spec.raw, 'raw')) : undefined;
  const plans: FieldPlan[] = [];
  if (spec.fields !== undefined) {
    if (!isObj(spec.fields)) throw new DeclarativeSpecError('fields: expected an object of OCSF path → source');
    for (const [target, f] of Object.entries(spec.fields)) {
      if (RESERVED.has(target)) throw new DeclarativeSpecError(`fields.${target}: set this with the mapping's own key, not in fields`);
      // metadata.product is one object shared by every event of the mapping (set with the mapping's `product` key).
      if (target === 'metadata.product' || target.startsWith('metadata.product.')) throw new DeclarativeSpecError(`fields.${target}: set the product with the mapping's own \`product\` key, not in fields`);
      // A store through one of these names would reach Object.prototype (every object of the process), not the event.
      const bad = target.split('.').find((seg) => UNSAFE_SEGMENTS.has(seg));
      if (bad !== undefined) throw new DeclarativeSpecError(`fields.${target}: '${bad}' is not an OCSF attribute name`);
      plans.push(compileField(target, f, `fields.${target}`, 'any'));
    }
  }
  // Top-level source fields some mapping consumed; the rest go to `unmapped` when asked.
  const used = new Set([...plans, activity, severity, ...(status ? [status] : [])].filter((p) => p.source).map((p) => p.source![0]));
  used.add(String(spec.time.field).split('.')[0]);
  if (isObj(spec.uid)) used.add(String(spec.uid.field).split('.')[0]);
  const copyUnmapped = spec.unmapped === true;
  const setAll = (options.generateCode !== false && generateSetFields(plans)) || ((ocsf: Rec, raw: Rec) => setFields(ocsf, plans, raw));

  const normalize = (record: Rec): TelemetryEvent[] => {
    let raw = record;
    if (rawGet) {
      const r = rawGet(record);
      if (!isObj(r)) throw new NormalizeError(`${spec.raw}: expected an object`);
      raw = r;
    }
    const time = parseTime(timeGet(raw), timeFormat, timeWhere);
    const activityId = (evalField(activity, raw) as number | undefined) ?? 0;
    const severityId = (evalField(severity, raw) as number | undefined) ?? 1;
    const statusId = status ? (evalField(status, raw) as number | undefined) : undefined;
    const vendorUid = uidGet ? uidGet(raw) : undefined;
    if (vendorUid !== undefined && vendorUid !== null && typeof vendorUid !== 'string' && typeof vendorUid !== 'number') {
      throw new NormalizeError(`${String(spec.uid!.field)}: expected a string or number, got ${typeName(vendorUid)}`);
    }
    const uid = vendorUid !== undefined && vendorUid !== null ? String(vendorUid) : undefined;
    const ocsf = baseEvent(cls, activityId, time, product, { uid, severity_id: severityId, status_id: statusId });
    setAll(ocsf as Rec, raw);
    if (copyUnmapped) {
      let un: Rec | undefined;
      for (const k in raw) {
        if (used.has(k)) continue;
        un ??= {};
        // Not copied: assigning "__proto__" would set un's prototype (the copy this replaced dropped it too).
        if (k !== '__proto__') un[k] = raw[k];
      }
      if (un) ocsf.unmapped = isObj(ocsf.unmapped) ? { ...ocsf.unmapped, ...un } : un;
    }
    if (validate) {
      const problems = validateOcsf(ocsf);
      if (problems.length) throw new NormalizeError(`mapping produced invalid OCSF: ${problems.join('; ')}`);
    }
    return [{ uid: uid ?? hashUid(raw), source: id, logsource: { ...logsource }, time, ocsf, raw }];
  };

  return {
    id,
    name: typeof spec.name === 'string' ? spec.name : id,
    recognize(record) {
      try {
        return match(record);
      } catch {
        return false;
      }
    },
    normalize,
  };
}

/** Parses a JSON mapping file (one mapping or an array of them) into mappers. */
export function parseMappingFile(text: string): SourceMapper[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DeclarativeSpecError(`mapping file is not JSON (${(e as Error).message}); parse YAML with the yaml package and pass the object to createDeclarativeSource`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map((m) => createDeclarativeSource(m));
}
