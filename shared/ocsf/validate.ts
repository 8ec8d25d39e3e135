/**
 * A small structural validator for the OCSF 1.3.0 events we produce: the
 * base-event required attributes, type_uid arithmetic, and the required
 * attributes (and at-least-one constraints) of each class in ./classes.
 * It returns problems rather than throwing so tests can show them all.
 */
import { ocsfClass, SEVERITY_NAMES } from './classes';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyObj(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  // for…in rather than Object.keys(v).some(…): no array and no closure per call (every event is validated).
  for (const k in v) if (v[k] !== undefined && Object.hasOwn(v, k)) return true;
  return false;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function requireObj(ev: Obj, key: string, errors: string[]): Obj | undefined {
  const v = ev[key];
  if (!isNonEmptyObj(v)) {
    errors.push(`${key}: required ${isObj(v) ? '(empty object)' : 'object missing'}`);
    return undefined;
  }
  return v;
}

function requireStr(o: Obj, key: string, where: string, errors: string[]): void {
  if (typeof o[key] !== 'string' || o[key] === '') errors.push(`${where}.${key}: required string`);
}

function atLeastOne(ev: Obj, keys: string[], errors: string[]): void {
  if (!keys.some((k) => isNonEmptyObj(ev[k]))) errors.push(`at least one of ${keys.join(', ')} is required`);
}

const BASE_INTEGERS = ['class_uid', 'category_uid', 'activity_id', 'type_uid', 'severity_id'];
const STATUS_IDS = [0, 1, 2, 99];
const FINDING_STATUS_IDS = [0, 1, 2, 3, 4, 99];

/** Problems with an OCSF event; an empty list means it passes. */
export function validateOcsf(event: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(event)) return ['event is not an object'];
  const ev = event;
  for (const k of BASE_INTEGERS) {
    if (!isInt(ev[k])) errors.push(`${k}: required integer`);
  }
  if (typeof ev.time !== 'number' || !Number.isFinite(ev.time) || ev.time < 0) errors.push('time: required timestamp (ms)');
  if (isInt(ev.class_uid) && isInt(ev.activity_id) && ev.type_uid !== ev.class_uid * 100 + ev.activity_id) {
    errors.push(`type_uid: ${String(ev.type_uid)} is not class_uid*100+activity_id (${ev.class_uid * 100 + ev.activity_id})`);
  }
  if (isInt(ev.severity_id) && !(ev.severity_id in SEVERITY_NAMES)) errors.push(`severity_id: ${ev.severity_id} is not an OCSF severity`);
  if (ev.status_id !== undefined && !STATUS_IDS.includes(ev.status_id as number) && ev.class_uid !== 2003 && ev.class_uid !== 2004) {
    errors.push(`status_id: ${String(ev.status_id)} is not an OCSF status`);
  }
  const md = ev.metadata;
  if (!isObj(md)) errors.push('metadata: required object missing');
  else {
    requireStr(md, 'version', 'metadata', errors);
    if (!isObj(md.product)) errors.push('metadata.product: required object missing');
    else requireStr(md.product, 'vendor_name', 'metadata.product', errors);
  }

  const cls = isInt(ev.class_uid) ? ocsfClass(ev.class_uid) : undefined;
  if (!cls) {
    errors.push(`class_uid: ${String(ev.class_uid)} is not a class this validator knows`);
    return errors;
  }
  if (ev.category_uid !== cls.category_uid) errors.push(`category_uid: ${String(ev.category_uid)} should be ${cls.category_uid} for ${cls.name}`);
  const act = ev.activity_id as number;
  if (isInt(act) && act !== 0 && act !== 99 && !(act in cls.activities)) errors.push(`activity_id: ${act} is not an activity of ${cls.name}`);

  switch (cls.uid) {
    case 6003: {
      requireObj(ev, 'actor', errors);
      const api = requireObj(ev, 'api', errors);
      if (api) requireStr(api, 'operation', 'api', errors);
      if (!isObj(ev.src_endpoint)) errors.push('src_endpoint: required object missing');
      break;
    }
    case 3002:
      requireObj(ev, 'user', errors);
      atLeastOne(ev, ['service', 'dst_endpoint'], errors);
      break;
    case 3001:
      requireObj(ev, 'user', errors);
      break;
    case 3006:
      requireObj(ev, 'group', errors);
      break;
    case 2003:
    case 2004: {
      const fi = requireObj(ev, 'finding_info', errors);
      if (fi) {
        requireStr(fi, 'uid', 'finding_info', errors);
        requireStr(fi, 'title', 'finding_info', errors);
      }
      if (cls.uid === 2003) {
        const c = requireObj(ev, 'compliance', errors);
        if (c && (!Array.isArray(c.standards) || c.standards.length === 0)) errors.push('compliance.standards: required non-empty array');
      }
      if (ev.status_id !== undefined && !FINDING_STATUS_IDS.includes(ev.status_id as number)) errors.push(`status_id: ${String(ev.status_id)} is not a finding status`);
      break;
    }
    case 4001:
    case 4002:
    case 4003:
      atLeastOne(ev, ['src_endpoint', 'dst_endpoint'], errors);
      if (cls.uid === 4003 && ev.query !== undefined) {
        if (!isObj(ev.query)) errors.push('query: expected object');
        else requireStr(ev.query, 'hostname', 'query', errors);
      }
      break;
    case 1007:
      requireObj(ev, 'actor', errors);
      requireObj(ev, 'process', errors);
      break;
    case 1001:
      requireObj(ev, 'actor', errors);
      requireObj(ev, 'file', errors);
      break;
    case 1005:
      requireObj(ev, 'actor', errors);
      requireObj(ev, 'module', errors);
      break;
    case 1002:
      requireObj(ev, 'actor', errors);
      requireObj(ev, 'driver', errors);
      break;
    case 201001: {
      requireObj(ev, 'actor', errors);
      const k = requireObj(ev, 'reg_key', errors);
      if (k) requireStr(k, 'path', 'reg_key', errors);
      break;
    }
    case 201002: {
      requireObj(ev, 'actor', errors);
      const v = requireObj(ev, 'reg_value', errors);
      if (v) requireStr(v, 'path', 'reg_value', errors);
      break;
    }
    default:
      break;
  }
  return errors;
}
