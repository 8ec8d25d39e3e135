/**
 * Small helpers shared by the source mappers: typed field access that turns a
 * wrong type into NormalizeError (never a TypeError), time parsing, hashing
 * for records without a vendor id, and the OCSF base-event skeleton.
 */
import { hash } from 'node:crypto';
import { NormalizeError } from '../source';
import { OCSF_VERSION, type OcsfEvent, type OcsfMetadata, type OcsfProduct } from '../../ocsf/types';
import { activityName, SEVERITY_NAMES, STATUS_NAMES, type OcsfClassInfo } from '../../ocsf/classes';
import { parseTimestamp } from './timestamp';
import { jsonString } from '../../json-text';

export type Rec = Record<string, unknown>;

export function isObj(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field, or undefined when absent/null; any other type is an error. */
export function optStr(rec: Rec, key: string, where = key): string | undefined {
  return strValue(rec[key], where);
}

/** optStr on a value already read: the string, undefined when absent or null, else a NormalizeError naming `where`. */
export function strValue(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new NormalizeError(`${where}: expected a string, got ${typeName(v)}`);
  return v;
}

export function reqStr(rec: Rec, key: string, where = key): string {
  return reqStrValue(rec[key], where);
}

/** reqStr on a value already read (see objValue). */
export function reqStrValue(v: unknown, where: string): string {
  if (typeof v === 'string') {
    if (v === '') throw new NormalizeError(`${where}: missing required field (empty string)`);
    return v;
  }
  if (v === undefined || v === null) throw new NormalizeError(`${where}: missing required field`);
  throw new NormalizeError(`${where}: expected a string, got ${typeName(v)}`);
}

export function optObj(rec: Rec, key: string, where = key): Rec | undefined {
  return objValue(rec[key], where);
}

/** optObj on a value already read (a named load at the caller, not the keyed one here, which many keys make slow). */
export function objValue(v: unknown, where: string): Rec | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new NormalizeError(`${where}: expected an object, got ${typeName(v)}`);
  return v;
}

export function reqObj(rec: Rec, key: string, where = key): Rec {
  const v = optObj(rec, key, where);
  if (v === undefined) throw new NormalizeError(`${where}: missing required field`);
  return v;
}

export function optArr(rec: Rec, key: string, where = key): unknown[] | undefined {
  return arrValue(rec[key], where);
}

/** optArr on a value already read (see objValue). */
export function arrValue(v: unknown, where: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new NormalizeError(`${where}: expected an array, got ${typeName(v)}`);
  return v;
}

/** A number, or a string holding a decimal integer/float (vendors mix both). */
export function optNum(rec: Rec, key: string, where = key): number | undefined {
  return toNum(rec[key], where);
}

export function toNum(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '' || v === '-') return undefined;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
  } else if (typeof v === 'string') {
    const n = digitsValue(v);
    if (n >= 0) return n;
    const m = Number(v);
    if (Number.isFinite(m)) return m;
  }
  throw new NormalizeError(`${where}: expected a number, got ${typeName(v)}${typeof v === 'string' ? ` "${v.slice(0, 40)}"` : ''}`);
}

/**
 * `String(n)` for the number toNum read from `raw`: `raw` itself when it already is that text (digits, no leading
 * zero), as text logs write ports and counts. A number turned back into a string is a runtime call and a new string
 * per record; in Route 53's uid it cost as much as the rest of the text hashed (docs/benchmarks.md).
 */
export function numberText(raw: unknown, n: number): string {
  if (typeof raw === 'string' && digitsValue(raw) >= 0 && (raw.length === 1 || raw.charCodeAt(0) !== 48)) return raw;
  return String(n);
}

/**
 * The value of a string of 1 to 15 ASCII digits (exact in a double, as Number gives it), else -1. Ports, counts and
 * epoch seconds are such strings in text logs, and Number() of a string fresh from a line is a call into the runtime
 * (several times this loop).
 */
function digitsValue(s: string): number {
  const len = s.length;
  if (len > 15) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Lenient variant for fields whose absence or oddity must not drop the event. */
export function numOrUndef(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v !== '') {
    const n = v.startsWith('0x') || v.startsWith('0X') ? parseInt(v, 16) : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function strOrUndef(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** ISO-8601 (or RFC 2822) timestamp string → epoch ms. */
export function isoTime(v: unknown, where: string): number {
  if (typeof v !== 'string') {
    if (v === undefined || v === null) throw new NormalizeError(`${where}: missing required field`);
    throw new NormalizeError(`${where}: expected a timestamp string, got ${typeName(v)}`);
  }
  const t = parseTimestamp(v);
  if (Number.isNaN(t)) throw new NormalizeError(`${where}: not a timestamp: "${v.slice(0, 40)}"`);
  return t;
}

export function optIsoTime(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return isoTime(v, where);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** JSON with object keys sorted, so equal records hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (v[i] === undefined ? 'null' : canonicalJson(v[i]));
    return s + ']';
  }
  const order = knownOrder(v as Rec) ?? sortedKeys(Object.keys(v));
  let s = '{';
  let first = true;
  for (let i = 0; i < order.keys.length; i++) {
    const val = (v as Rec)[order.keys[i]];
    if (val === undefined) continue;
    s += (first ? '' : ',') + order.quoted[i] + (typeof val === 'string' ? jsonString(val) : canonicalJson(val));
    first = false;
  }
  return s + '}';
}

interface KeyOrder {
  /** The keys as Object.keys gave them, to recognize the same list again. */
  seen: string[];
  keys: string[];
  /** `"key":` for each sorted key. */
  quoted: string[];
}

// Records of one source repeat the same key list (every flow log line has the same fields), so the last few orders are kept.
const keyOrders: KeyOrder[] = [];

/**
 * The kept order whose key list is the object's own, found by walking its
 * keys with for…in rather than allocating Object.keys; undefined when none
 * matches (the caller then sorts Object.keys).
 */
function knownOrder(v: Rec): KeyOrder | undefined {
  // Plain objects only: for…in would also walk keys a custom prototype makes enumerable.
  if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  next: for (let c = 0; c < keyOrders.length; c++) {
    const seen = keyOrders[c].seen;
    let i = 0;
    for (const k in v) {
      if (i === seen.length || seen[i] !== k) continue next;
      i++;
    }
    if (i === seen.length) return keyOrders[c];
  }
  return undefined;
}

function sortedKeys(seen: string[]): KeyOrder {
  for (let c = 0; c < keyOrders.length; c++) {
    const o = keyOrders[c];
    if (o.seen.length !== seen.length) continue;
    let same = true;
    for (let i = 0; i < seen.length; i++) {
      if (o.seen[i] !== seen[i]) {
        same = false;
        break;
      }
    }
    if (same) return o;
  }
  const keys = [...seen].sort();
  const o: KeyOrder = { seen, keys, quoted: keys.map((k) => `${JSON.stringify(k)}:`) };
  if (keyOrders.length >= 8) keyOrders.pop();
  keyOrders.unshift(o);
  return o;
}

/** Event uid for sources without a vendor event id: sha256 of the canonical raw record. */
export function hashUid(raw: unknown): string {
  // One-shot crypto.hash avoids a Hash object per event.
  return hash('sha256', canonicalJson(raw), 'hex');
}

export interface BaseOptions {
  severity_id?: number;
  status_id?: number;
  uid?: string;
  original_time?: string;
  log_name?: string;
  product_version?: string;
  event_code?: string;
  message?: string;
}

// activity/type names per (class, activity), built once instead of per event.
const names = new WeakMap<OcsfClassInfo, Map<number, [string, string]>>();

/** [activity_name, type_name] of a class's activity, as baseEvent names them (for a mapper that builds its event in one literal). */
export function activityNames(cls: OcsfClassInfo, activityId: number): [string, string] {
  let m = names.get(cls);
  if (!m) names.set(cls, (m = new Map()));
  let n = m.get(activityId);
  if (!n) {
    const a = activityName(cls, activityId);
    m.set(activityId, (n = [a, `${cls.name}: ${a}`]));
  }
  return n;
}

interface Versioned {
  product: OcsfProduct;
  features?: Map<string, OcsfProduct>;
}

// Product objects with a version (and a feature), per shared base product: built once and then shared by the events
// that carry them (vendors write a handful of versions). Bounded at each level: hostile input could name endless versions.
const products = new Map<OcsfProduct, Map<string, Versioned>>();
const CACHED = 256;

/** Declares a module-constant product, so productOf may build its versions once and share them. */
export function sharedProduct<T extends OcsfProduct>(product: T): T {
  if (!products.has(product)) products.set(product, new Map());
  return product;
}

/**
 * `{ ...product, version }` (or `product` itself without a version), then
 * `{ ...that, feature: { name: feature } }` when a feature is given: the
 * same keys in the same order as those spreads. For a sharedProduct the
 * result is built once and shared by events (metadata.product is never
 * modified after mapping); for any other product it is built per call.
 */
export function productOf(product: OcsfProduct, version: string | undefined, feature?: string): OcsfProduct {
  const byVersion = products.get(product);
  if (!byVersion) return buildProduct(product, version, feature);
  const vkey = version || '';
  let v = byVersion.get(vkey);
  if (!v) {
    if (byVersion.size >= CACHED) return buildProduct(product, version, feature);
    byVersion.set(vkey, (v = { product: buildProduct(product, version, undefined) }));
  }
  if (feature === undefined) return v.product;
  const features = (v.features ??= new Map<string, OcsfProduct>());
  let p = features.get(feature);
  if (!p) {
    p = withMember(v.product, 'feature', { name: feature });
    if (features.size < CACHED) features.set(feature, p);
  }
  return p;
}

function buildProduct(product: OcsfProduct, version: string | undefined, feature: string | undefined): OcsfProduct {
  const withVersion = version ? withMember(product, 'version', version) : product;
  return feature === undefined ? withVersion : withMember(withVersion, 'feature', { name: feature });
}

/**
 * `{ ...o, [key]: value }`, the same members in the same order. Not written as that spread: a spread followed by
 * another member gives every result a hidden class of its own (93 for 100 products), and each read of one then
 * misses V8's caches (Security Hub builds a product per finding); Object.assign into {} reuses one.
 */
function withMember<T extends object>(o: T, key: string, value: unknown): T {
  const copy = Object.assign({}, o) as Record<string, unknown>;
  copy[key] = value;
  return copy as T;
}

/** The OCSF base attributes every class carries. */
export function baseEvent(cls: OcsfClassInfo, activityId: number, time: number, product: OcsfProduct, o: BaseOptions = {}): OcsfEvent {
  const [aname, tname] = activityNames(cls, activityId);
  const severityId = o.severity_id ?? 1;
  const metadata: OcsfMetadata & Rec = { version: OCSF_VERSION, product: o.product_version ? productOf(product, o.product_version) : product };
  if (o.uid !== undefined) metadata.uid = o.uid;
  if (o.original_time !== undefined) metadata.original_time = o.original_time;
  if (o.log_name !== undefined) metadata.log_name = o.log_name;
  if (o.event_code !== undefined) metadata.event_code = o.event_code;
  const ev: OcsfEvent = {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.category_uid,
    category_name: cls.category_name,
    activity_id: activityId,
    activity_name: aname,
    type_uid: cls.uid * 100 + activityId,
    type_name: tname,
    severity_id: severityId,
    severity: SEVERITY_NAMES[severityId] ?? 'Other',
    time,
    metadata,
  };
  if (o.status_id !== undefined) {
    ev.status_id = o.status_id;
    ev.status = STATUS_NAMES[o.status_id] ?? 'Other';
  }
  if (o.message !== undefined) ev.message = o.message;
  return ev;
}

/**
 * Copy without undefined members; undefined when nothing is left (so no empty
 * objects are emitted). Copying instead of `delete` keeps V8's fast object
 * shapes, which matters at 100k events/s.
 */
export function compact<T extends object>(o: T): T | undefined {
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) (out ??= {})[k] = v;
  }
  return out as T | undefined;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** True for an IPv4 or IPv6 literal (CloudTrail puts service names in sourceIPAddress). */
export function isIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/** Last path component of a Windows or POSIX path. */
export function baseName(path: string): string {
  return path.slice(lastSeparator(path) + 1);
}

/** The index of the last `/` or `\\` in path, -1 when none; found by hand: two lastIndexOf calls are two calls into C++. */
function lastSeparator(path: string): number {
  let i = path.length - 1;
  while (i >= 0) {
    const c = path.charCodeAt(i);
    if (c === 47 /* / */ || c === 92 /* \\ */) break;
    i--;
  }
  return i;
}

/** File object from a path: name and parent folder split out. */
export function fileFromPath(path: string | undefined): { name: string; path: string; parent_folder?: string } | undefined {
  if (!path) return undefined;
  const i = lastSeparator(path);
  return i >= 0 ? { name: path.slice(i + 1), path, parent_folder: path.slice(0, i) || undefined } : { name: path, path };
}
