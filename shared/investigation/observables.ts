/**
 * Observables of an event that fired a rule: the users, roles, keys,
 * accounts, addresses, hosts, instances, buckets and processes an analyst
 * looks up and a response action targets. Read from the OCSF event (any
 * source) and, for CloudTrail and GuardDuty, from the vendor record, which
 * names targets (the user a key was created for, the instance stopped) that
 * OCSF API Activity has no home for.
 *
 * Runs only for events that fired a rule, yet stays cheap: a fixed walk over
 * known fields, no regexes over whole records, bounded output.
 */
import { OBSERVABLE_TYPES, type Observable, type ObservableType } from '../contracts/investigation';
import type { TelemetryEvent } from '../telemetry';
import { parseIp } from './ip';

/** At most this many observables per event or merged list; a storm of targets must not bloat the alert. */
export const MAX_OBSERVABLES = 50;
/** At most this many of one type, so a RunInstances with 500 instances leaves room for the rest. */
export const MAX_PER_TYPE = 20;
/** Long values (encoded command lines) are cut here, with an ellipsis. */
export const MAX_VALUE_LENGTH = 512;

const TYPE_ORDER = new Map(OBSERVABLE_TYPES.map((t, i) => [t, i]));

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Placeholders sources write where a value is unknown or withheld. */
const PLACEHOLDERS = new Set(['unknown', '-', 'n/a', 'null', 'hidden_due_to_security_reasons']);
const ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{12,124}$/;
const ACCOUNT = /^\d{12}$/;

class Collector {
  readonly out: Observable[] = [];
  private readonly seen = new Set<string>();
  private readonly perType = new Map<ObservableType, number>();

  add(type: ObservableType, value: string | undefined, arn?: string): void {
    if (value === undefined) return;
    let v = value.trim();
    if (v === '' || PLACEHOLDERS.has(v.toLowerCase())) return;
    if (v.length > MAX_VALUE_LENGTH) v = `${v.slice(0, MAX_VALUE_LENGTH - 1)}…`;
    const key = `${type}\0${type === 'host' ? v.toLowerCase() : v}`;
    if (this.seen.has(key)) {
      if (arn) {
        const prev = this.out.find((o) => o.type === type && o.value === v);
        if (prev && !prev.arn) prev.arn = arn;
      }
      return;
    }
    const n = this.perType.get(type) ?? 0;
    if (n >= MAX_PER_TYPE || this.out.length >= MAX_OBSERVABLES) return;
    this.seen.add(key);
    this.perType.set(type, n + 1);
    this.out.push(arn ? { type, value: v, arn } : { type, value: v });
  }

  ip(value: unknown): void {
    const s = str(value);
    // Service principals (`ec2.amazonaws.com`) and "AWS Internal" sit where an address would.
    if (s && parseIp(s)) this.add('ip', s);
  }

  accessKey(value: unknown): void {
    const s = str(value);
    if (s && ACCESS_KEY.test(s)) this.add('access_key', s);
  }

  account(value: unknown): void {
    const s = str(value);
    if (s && ACCOUNT.test(s)) this.add('account', s);
  }

  sorted(): Observable[] {
    return sortObservables(this.out);
  }
}

/** Stable: by type in OBSERVABLE_TYPES order, then in the order found. */
function sortObservables(list: Observable[]): Observable[] {
  return list
    .map((o, i) => ({ o, i }))
    .sort((a, b) => TYPE_ORDER.get(a.o.type)! - TYPE_ORDER.get(b.o.type)! || a.i - b.i)
    .map((x) => x.o);
}

// ---- OCSF (every source) ----

function user(c: Collector, u: unknown): void {
  if (!isObj(u)) return;
  const name = str(u.name);
  const domain = str(u.domain);
  const uidAlt = str(u.uid_alt);
  // A login (e-mail address) names one person where a display name may not;
  // and keep the domain: `CORP\alice` and a local `alice` are different accounts.
  const value = str(u.email_addr) ?? (name && domain && !name.includes('\\') && !name.includes('@') ? `${domain}\\${name}` : name);
  c.add('user', value, uidAlt?.startsWith('arn:') ? uidAlt : undefined);
  if (isObj(u.account)) c.account(u.account.uid);
}

function processValue(p: Rec): string | undefined {
  const file = isObj(p.file) ? p.file : undefined;
  // The command line says most (arguments, encoded payloads); the image path, then the name, stand in without it.
  return str(p.cmd_line) ?? str(file?.path) ?? str(p.name) ?? str(file?.name);
}

function processes(c: Collector, p: unknown): void {
  if (!isObj(p)) return;
  c.add('process', processValue(p));
  if (isObj(p.user)) user(c, p.user);
  if (isObj(p.parent_process)) c.add('process', processValue(p.parent_process));
}

function endpoint(c: Collector, e: unknown): void {
  if (!isObj(e)) return;
  c.ip(e.ip);
  c.add('host', str(e.hostname));
  c.add('instance', str(e.instance_uid));
}

function resources(c: Collector, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const r of list) {
    if (!isObj(r)) continue;
    const type = str(r.type);
    const uid = str(r.uid);
    if (type === 'AwsEc2Instance') c.add('instance', uid?.startsWith('arn:') ? uid.slice(uid.lastIndexOf('/') + 1) : uid);
    else if (type === 'AwsIamAccessKey') c.accessKey(uid);
    else if (type === 'AwsS3Bucket') c.add('bucket', str(r.name) ?? (uid?.startsWith('arn:aws:s3:::') ? uid.slice(13) : uid), uid?.startsWith('arn:') ? uid : undefined);
    else if (type === 'Host') c.add('host', str(r.name));
  }
}

function fromOcsf(c: Collector, event: TelemetryEvent): void {
  const o = event.ocsf;
  const actor = o.actor;
  if (actor) {
    user(c, actor.user);
    c.accessKey(actor.user?.credential_uid);
    processes(c, actor.process);
  }
  user(c, o.user);
  c.account(o.cloud?.account?.uid);
  endpoint(c, o.src_endpoint);
  endpoint(c, o.dst_endpoint);
  const device = o.device;
  if (isObj(device)) {
    c.add('host', str(device.hostname));
    c.add('instance', str(device.instance_uid));
    c.ip(device.ip);
  }
  processes(c, o.process);
  resources(c, o.resources);
  // EDR alerts (CrowdStrike, Defender) carry their subjects as evidences.
  const evidences = o.evidences;
  if (Array.isArray(evidences)) {
    for (const e of evidences.slice(0, 20)) {
      if (!isObj(e)) continue;
      processes(c, e.process);
      user(c, e.user);
      if (isObj(e.actor)) user(c, e.actor.user);
      if (isObj(e.device)) c.add('host', str(e.device.hostname));
    }
  }
}

// ---- CloudTrail record ----

/** `Name` from `arn:aws:iam::123456789012:role/path/Name`. */
function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function cloudTrailIdentity(c: Collector, ui: Rec): void {
  const type = str(ui.type);
  const arn = str(ui.arn);
  const sc = isObj(ui.sessionContext) ? ui.sessionContext : undefined;
  const issuer = sc && isObj(sc.sessionIssuer) ? sc.sessionIssuer : undefined;
  if (type === 'IAMUser') {
    c.add('user', str(ui.userName) ?? (arn && lastSegment(arn)), arn);
  } else if (type === 'Root') {
    c.add('user', 'root', arn);
  } else if (type === 'AssumedRole') {
    // arn:aws:sts::123456789012:assumed-role/RoleName/session-name: the session
    // name is often the person (SSO puts their e-mail there), the role what they act as.
    const m = arn ? /:assumed-role\/([^/]+)\/(.+)$/.exec(arn) : null;
    const issuerArn = issuer ? str(issuer.arn) : undefined;
    c.add('role', (issuer && str(issuer.userName)) ?? m?.[1], issuerArn);
    if (m) c.add('user', m[2], arn);
  } else if (type === 'FederatedUser') {
    c.add('user', arn ? lastSegment(arn) : str(ui.principalId), arn);
  } else if (type !== 'AWSService' && type !== 'AWSAccount') {
    c.add('user', str(ui.userName), arn);
  }
  c.accessKey(ui.accessKeyId);
  c.account(ui.accountId);
}

function instanceItems(c: Collector, set: unknown): void {
  if (!isObj(set) || !Array.isArray(set.items)) return;
  for (const it of set.items) if (isObj(it)) c.add('instance', str(it.instanceId));
}

function cloudTrailTargets(c: Collector, rp: Rec | undefined, re: Rec | undefined): void {
  if (rp) {
    c.add('bucket', str(rp.bucketName));
    const id = rp.instanceId;
    if (Array.isArray(id)) for (const i of id) c.add('instance', str(i));
    else c.add('instance', str(id));
    if (Array.isArray(rp.instanceIds)) for (const i of rp.instanceIds) c.add('instance', str(i));
    instanceItems(c, rp.instancesSet);
    c.add('role', str(rp.roleName));
    const roleArn = str(rp.roleArn);
    if (roleArn?.includes(':role/')) c.add('role', lastSegment(roleArn), roleArn);
    c.add('user', str(rp.userName));
    c.accessKey(rp.accessKeyId);
  }
  if (re) {
    // RunInstances and CreateAccessKey name what they made only in the response.
    instanceItems(c, re.instancesSet);
    if (isObj(re.accessKey)) c.accessKey(re.accessKey.accessKeyId);
  }
}

function fromCloudTrail(c: Collector, raw: Rec): void {
  if (isObj(raw.userIdentity)) cloudTrailIdentity(c, raw.userIdentity);
  c.account(raw.recipientAccountId);
  c.ip(raw.sourceIPAddress);
  cloudTrailTargets(c, isObj(raw.requestParameters) ? raw.requestParameters : undefined, isObj(raw.responseElements) ? raw.responseElements : undefined);
}

// ---- GuardDuty finding ----

function fromGuardDuty(c: Collector, raw: Rec): void {
  const res = isObj(raw.resource) ? raw.resource : undefined;
  if (!res) return;
  const key = isObj(res.accessKeyDetails) ? res.accessKeyDetails : undefined;
  if (key) {
    const name = str(key.userName);
    // For a role session GuardDuty puts the role's name in userName.
    c.add(key.userType === 'AssumedRole' || key.userType === 'Role' ? 'role' : 'user', name);
    c.accessKey(key.accessKeyId);
  }
  const inst = isObj(res.instanceDetails) ? res.instanceDetails : undefined;
  if (inst) c.add('instance', str(inst.instanceId));
  if (Array.isArray(res.s3BucketDetails)) {
    for (const b of res.s3BucketDetails) if (isObj(b)) c.add('bucket', str(b.name), str(b.arn));
  }
  c.account(raw.accountId);
}

/**
 * Observables of one event: deduplicated, in a stable order (by type as in
 * OBSERVABLE_TYPES, then in the order found), at most MAX_OBSERVABLES.
 */
export function observablesOf(event: TelemetryEvent): Observable[] {
  const c = new Collector();
  const raw = event.raw;
  // Vendor records first: they tell a role from a user and skip service principals, which OCSF flattens.
  if (event.source === 'aws.cloudtrail' && isObj(raw)) fromCloudTrail(c, raw);
  else if (event.source === 'aws.guardduty' && isObj(raw)) fromGuardDuty(c, raw);
  if (event.source === 'aws.cloudtrail') {
    // The OCSF actor of a CloudTrail event is the identity just read (better) from the record; the rest still counts.
    const o = event.ocsf;
    c.account(o.cloud?.account?.uid);
    endpoint(c, o.src_endpoint);
    resources(c, o.resources);
  } else {
    fromOcsf(c, event);
  }
  return c.sorted();
}

/** Union of two lists (an alert's and a case's), first occurrence wins, same order and bounds as observablesOf. */
export function mergeObservables(a: readonly Observable[], b: readonly Observable[]): Observable[] {
  const c = new Collector();
  for (const o of [...sortObservables([...a]), ...sortObservables([...b])]) c.add(o.type, o.value, o.arn);
  return c.sorted();
}
