/**
 * The customer's context document: what they know about their own
 * environment (assets and owners, VIPs, known address ranges, allow lists,
 * account aliases), used to tell an analyst at a glance whether an
 * observable is theirs, important, or expected. Format: docs/investigation.md.
 *
 * Parsed once per load with errors that name the field, then compiled to
 * lookups: CIDR sets for addresses, exact maps for ids, and anchored
 * case-insensitive patterns for `*` wildcards.
 */
import { OBSERVABLE_TYPES, type Observable, type ObservableType } from '../contracts/investigation';
import { parseCidr, parseIp, RangeSet, type IpAddress } from './ip';

export class ContextError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`context ${field}: ${reason}`);
    this.name = 'ContextError';
  }
}

export interface AssetMatch {
  instanceIds?: string[];
  /** Host names; `*` matches any run of characters, case-insensitive. */
  hosts?: string[];
  /** CIDR blocks or single addresses, IPv4 or IPv6. */
  ips?: string[];
  accounts?: string[];
  /** Bucket names; `*` wildcard. */
  buckets?: string[];
}

export interface Asset {
  id: string;
  name?: string;
  owner?: string;
  environment?: string;
  criticality?: Criticality;
  match: AssetMatch;
}

export type Criticality = 'low' | 'medium' | 'high' | 'critical';
export const CRITICALITIES: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];

export interface VipUser {
  /** User name, or ARN pattern; `*` wildcard, case-insensitive. */
  user: string;
  reason?: string;
}

export interface KnownRange {
  name: string;
  cidrs: string[];
  description?: string;
}

export interface AllowList {
  name: string;
  type: ObservableType;
  /** CIDR blocks for `ip`; otherwise values with `*` wildcards (matched against the value and, where known, the ARN). */
  values: string[];
  reason: string;
}

/** Who to ask about observables of one type (a team, a person, a channel). */
export interface OwnerEntry {
  owner: string;
  type: ObservableType;
  /** As in allow lists: CIDR blocks for `ip`, `*` patterns otherwise. */
  values: string[];
}

export interface ContextDocument {
  version?: string;
  assets: Asset[];
  vipUsers: VipUser[];
  knownRanges: KnownRange[];
  allowLists: AllowList[];
  /** Account id → short name (`prod`, `payments-dev`). */
  accountAliases: Record<string, string>;
  owners: OwnerEntry[];
}

/** Bounds that keep a mistaken upload (a whole CMDB export) from slowing every case. */
export const CONTEXT_LIMITS = { entries: 5000, valuesPerEntry: 5000, text: 1024 } as const;

// ---- parsing ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ContextError(path ? `${path}.${k}` : k, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

function text(o: Obj, field: string, path: string, required: true): string;
function text(o: Obj, field: string, path: string, required: false): string | undefined;
function text(o: Obj, field: string, path: string, required: boolean): string | undefined {
  const v = o[field];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new ContextError(`${path}.${field}`, 'must be a non-empty string');
  if (v.length > CONTEXT_LIMITS.text) throw new ContextError(`${path}.${field}`, `must be at most ${CONTEXT_LIMITS.text} characters`);
  return v.trim();
}

function list(v: unknown, path: string, required: boolean): unknown[] {
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) throw new ContextError(path, 'must be an array');
  if (v.length > CONTEXT_LIMITS.entries) throw new ContextError(path, `must have at most ${CONTEXT_LIMITS.entries} entries`);
  return v;
}

function strings(v: unknown, path: string, check?: (s: string) => string | undefined): string[] {
  if (!Array.isArray(v)) throw new ContextError(path, 'must be an array of strings');
  if (v.length > CONTEXT_LIMITS.valuesPerEntry) throw new ContextError(path, `must have at most ${CONTEXT_LIMITS.valuesPerEntry} values`);
  return v.map((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') throw new ContextError(`${path}[${i}]`, 'must be a non-empty string');
    const problem = check?.(s.trim());
    if (problem) throw new ContextError(`${path}[${i}]`, problem);
    return s.trim();
  });
}

const cidrProblem = (s: string): string | undefined => {
  try {
    parseCidr(s);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};
const accountProblem = (s: string): string | undefined => (/^\d{12}$/.test(s) ? undefined : 'must be a 12-digit AWS account id');

function uniqueName(seen: Set<string>, name: string, path: string): void {
  if (seen.has(name)) throw new ContextError(path, `duplicate name "${name}"`);
  seen.add(name);
}

function parseAsset(v: unknown, path: string): Asset {
  if (!isObj(v)) throw new ContextError(path, 'must be an object');
  only(v, path, ['id', 'name', 'owner', 'environment', 'criticality', 'match']);
  const criticality = text(v, 'criticality', path, false);
  if (criticality !== undefined && !CRITICALITIES.includes(criticality as Criticality)) {
    throw new ContextError(`${path}.criticality`, `must be one of ${CRITICALITIES.join(', ')}`);
  }
  const m = v.match;
  if (!isObj(m)) throw new ContextError(`${path}.match`, 'must be an object');
  only(m, `${path}.match`, ['instanceIds', 'hosts', 'ips', 'accounts', 'buckets']);
  const match: AssetMatch = {};
  if (m.instanceIds !== undefined) match.instanceIds = strings(m.instanceIds, `${path}.match.instanceIds`);
  if (m.hosts !== undefined) match.hosts = strings(m.hosts, `${path}.match.hosts`);
  if (m.ips !== undefined) match.ips = strings(m.ips, `${path}.match.ips`, cidrProblem);
  if (m.accounts !== undefined) match.accounts = strings(m.accounts, `${path}.match.accounts`, accountProblem);
  if (m.buckets !== undefined) match.buckets = strings(m.buckets, `${path}.match.buckets`);
  if (Object.values(match).every((a) => (a as string[]).length === 0)) {
    throw new ContextError(`${path}.match`, 'must name at least one of instanceIds, hosts, ips, accounts, buckets');
  }
  return dropUndefined({
    id: text(v, 'id', path, true),
    name: text(v, 'name', path, false),
    owner: text(v, 'owner', path, false),
    environment: text(v, 'environment', path, false),
    criticality: criticality as Criticality | undefined,
    match,
  });
}

function observableType(v: Obj, path: string): ObservableType {
  const t = v.type;
  if (typeof t !== 'string' || !OBSERVABLE_TYPES.includes(t as ObservableType)) {
    throw new ContextError(`${path}.type`, `must be one of ${OBSERVABLE_TYPES.join(', ')}`);
  }
  return t as ObservableType;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Validates a context document (an object, or its JSON text). Every list is
 * optional; unknown fields are errors, so a misspelt `vipUser` does not
 * silently mean "no VIPs".
 */
export function parseContextDocument(input: unknown): ContextDocument {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new ContextError('(document)', `not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isObj(doc)) throw new ContextError('(document)', 'must be a JSON object');
  only(doc, '', ['version', 'assets', 'vipUsers', 'knownRanges', 'allowLists', 'accountAliases', 'owners', '$schema', 'description']);

  const version = doc.version === undefined ? undefined : typeof doc.version === 'string' || typeof doc.version === 'number' ? String(doc.version) : undefined;
  if (doc.version !== undefined && version === undefined) throw new ContextError('version', 'must be a string or number');

  const assetIds = new Set<string>();
  const assets = list(doc.assets, 'assets', false).map((a, i) => {
    const asset = parseAsset(a, `assets[${i}]`);
    uniqueName(assetIds, asset.id, `assets[${i}].id`);
    return asset;
  });

  const vipUsers = list(doc.vipUsers, 'vipUsers', false).map((v, i) => {
    const path = `vipUsers[${i}]`;
    if (!isObj(v)) throw new ContextError(path, 'must be an object');
    only(v, path, ['user', 'reason']);
    return dropUndefined<VipUser>({ user: text(v, 'user', path, true), reason: text(v, 'reason', path, false) });
  });

  const rangeNames = new Set<string>();
  const knownRanges = list(doc.knownRanges, 'knownRanges', false).map((v, i) => {
    const path = `knownRanges[${i}]`;
    if (!isObj(v)) throw new ContextError(path, 'must be an object');
    only(v, path, ['name', 'cidrs', 'description']);
    const name = text(v, 'name', path, true);
    uniqueName(rangeNames, name, `${path}.name`);
    const cidrs = strings(v.cidrs, `${path}.cidrs`, cidrProblem);
    if (cidrs.length === 0) throw new ContextError(`${path}.cidrs`, 'must name at least one CIDR block');
    return dropUndefined<KnownRange>({ name, cidrs, description: text(v, 'description', path, false) });
  });

  const listNames = new Set<string>();
  const allowLists = list(doc.allowLists, 'allowLists', false).map((v, i) => {
    const path = `allowLists[${i}]`;
    if (!isObj(v)) throw new ContextError(path, 'must be an object');
    only(v, path, ['name', 'type', 'values', 'reason']);
    const name = text(v, 'name', path, true);
    uniqueName(listNames, name, `${path}.name`);
    const type = observableType(v, path);
    const values = strings(v.values, `${path}.values`, type === 'ip' ? cidrProblem : undefined);
    if (values.length === 0) throw new ContextError(`${path}.values`, 'must have at least one value');
    // An allow list hides risk, so it must say why it exists.
    return { name, type, values, reason: text(v, 'reason', path, true) };
  });

  const accountAliases: Record<string, string> = {};
  if (doc.accountAliases !== undefined) {
    if (!isObj(doc.accountAliases)) throw new ContextError('accountAliases', 'must be an object of account id → alias');
    for (const [id, alias] of Object.entries(doc.accountAliases)) {
      const problem = accountProblem(id);
      if (problem) throw new ContextError(`accountAliases.${id}`, `key ${problem}`);
      if (typeof alias !== 'string' || alias.trim() === '') throw new ContextError(`accountAliases.${id}`, 'must be a non-empty string');
      accountAliases[id] = alias.trim();
    }
  }

  const owners = list(doc.owners, 'owners', false).map((v, i) => {
    const path = `owners[${i}]`;
    if (!isObj(v)) throw new ContextError(path, 'must be an object');
    only(v, path, ['owner', 'type', 'values']);
    const type = observableType(v, path);
    const values = strings(v.values, `${path}.values`, type === 'ip' ? cidrProblem : type === 'account' ? accountProblem : undefined);
    if (values.length === 0) throw new ContextError(`${path}.values`, 'must have at least one value');
    return { owner: text(v, 'owner', path, true), type, values };
  });

  return dropUndefined<ContextDocument>({ version, assets, vipUsers, knownRanges, allowLists, accountAliases, owners });
}

// ---- compiled lookups ----

/** `*` wildcard pattern → anchored, case-insensitive test; exact strings stay a Set lookup. */
class PatternSet<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly patterns: { re: RegExp; value: T }[] = [];

  add(pattern: string, value: T): void {
    if (pattern.includes('*')) {
      const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is');
      this.patterns.push({ re, value });
    } else {
      const k = pattern.toLowerCase();
      const l = this.exact.get(k);
      if (l) l.push(value);
      else this.exact.set(k, [value]);
    }
  }

  /** Values whose pattern matches any of `candidates`, each once, exact hits first. */
  match(...candidates: (string | undefined)[]): T[] {
    const out: T[] = [];
    const push = (v: T) => {
      if (!out.includes(v)) out.push(v);
    };
    for (const c of candidates) if (c) for (const v of this.exact.get(c.toLowerCase()) ?? []) push(v);
    for (const p of this.patterns) if (candidates.some((c) => c && p.re.test(c))) push(p.value);
    return out;
  }
}

/** One matcher per observable type: CIDR sets for `ip`, patterns for the rest. */
class TypedMatcher<T> {
  private readonly ranges = new RangeSet<T>();
  private readonly byType = new Map<ObservableType, PatternSet<T>>();

  add(type: ObservableType, value: string, item: T): void {
    if (type === 'ip') {
      this.ranges.add(parseCidr(value), item);
      return;
    }
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new PatternSet<T>()));
    set.add(value, item);
  }

  match(o: Observable, ip: IpAddress | undefined): T[] {
    if (o.type === 'ip') {
      if (!ip) return [];
      return [...new Set(this.ranges.match(ip))];
    }
    return this.byType.get(o.type)?.match(o.value, o.arn) ?? [];
  }
}

/** A context document compiled for lookups; build once per load with compileContext. */
export class ContextIndex {
  private readonly vips = new PatternSet<VipUser>();
  private readonly ranges = new RangeSet<KnownRange>();
  private readonly allow = new TypedMatcher<AllowList>();
  private readonly ownersOf = new TypedMatcher<OwnerEntry>();
  private readonly assetsOf = new TypedMatcher<Asset>();

  constructor(readonly document: ContextDocument) {
    for (const v of document.vipUsers) this.vips.add(v.user, v);
    for (const r of document.knownRanges) for (const c of r.cidrs) this.ranges.add(parseCidr(c), r);
    for (const a of document.allowLists) for (const v of a.values) this.allow.add(a.type, v, a);
    for (const o of document.owners) for (const v of o.values) this.ownersOf.add(o.type, v, o);
    for (const a of document.assets) {
      const m = a.match;
      for (const v of m.instanceIds ?? []) this.assetsOf.add('instance', v, a);
      for (const v of m.hosts ?? []) this.assetsOf.add('host', v, a);
      for (const v of m.ips ?? []) this.assetsOf.add('ip', v, a);
      for (const v of m.accounts ?? []) this.assetsOf.add('account', v, a);
      for (const v of m.buckets ?? []) this.assetsOf.add('bucket', v, a);
    }
  }

  get version(): string | undefined {
    return this.document.version;
  }

  /** VIP entries naming this user (by name or ARN); roles are not people, so only `user` observables. */
  vip(o: Observable): VipUser[] {
    return o.type === 'user' ? this.vips.match(o.value, o.arn) : [];
  }

  knownRanges(o: Observable, ip = o.type === 'ip' ? parseIp(o.value) : undefined): KnownRange[] {
    return ip ? [...new Set(this.ranges.match(ip))] : [];
  }

  allowLists(o: Observable, ip = o.type === 'ip' ? parseIp(o.value) : undefined): AllowList[] {
    return this.allow.match(o, ip);
  }

  /** Assets naming this observable, in document order. */
  assets(o: Observable, ip = o.type === 'ip' ? parseIp(o.value) : undefined): Asset[] {
    const found = this.assetsOf.match(o, ip);
    return this.document.assets.filter((a) => found.includes(a));
  }

  /** The owner: an `owners` entry first (it is explicit), else the owner of the first asset naming it. */
  owner(o: Observable, ip = o.type === 'ip' ? parseIp(o.value) : undefined): string | undefined {
    const entry = this.ownersOf.match(o, ip)[0];
    if (entry) return entry.owner;
    return this.assets(o, ip).find((a) => a.owner)?.owner;
  }

  alias(o: Observable): string | undefined {
    return o.type === 'account' ? this.document.accountAliases[o.value] : undefined;
  }
}

export function compileContext(doc: ContextDocument): ContextIndex {
  return new ContextIndex(doc);
}

/** An empty document: no context is a valid state (nothing configured yet). */
export const EMPTY_CONTEXT: ContextDocument = { assets: [], vipUsers: [], knownRanges: [], allowLists: [], accountAliases: {}, owners: [] };
