import { AWS_EVENT_SOURCES, type AwsEventSource } from '../catalogue';
import { SEVERITIES } from '../contracts/severity';
import { DEFAULT_ESCALATION, MAX_REPEAT, type EscalationConfig } from '../escalation/policy';
import { validateQuietHours, type QuietHours } from '../escalation/quiet-hours';
import { SUPPORTED_CHANNEL_KINDS, type ChannelsConfig } from '../notify/channels';
import { parseSuppressions, type SuppressionSpec } from '../detect/suppressions';
import { parseInvestigation, type InvestigationConfig } from './investigation-config';
import { parseLogGroups, type LogGroupSource } from './log-groups-config';
import { parseResponseConfig, type ResponseConfig } from './response-config';

/**
 * What a customer's cloud team configures for their stack. Validated at synth
 * (and by the local runtime) with errors that name the field.
 */
export interface CustomerConfig {
  /** Tenant id the provider knows this customer by; lowercase, used in resource names. */
  readonly tenantId: string;
  /** Prefix of physical resource names; defaults to `mdr-<tenantId>`. */
  readonly resourcePrefix: string;
  /** Provider account and bus that receive curated case events; absent = not linked. */
  readonly provider?: { readonly accountId: string; readonly region: string; readonly busName: string };
  /** Extra rule folders (relative to the repository root) beside the shipped `rules/`. */
  readonly ruleDirs: readonly string[];
  readonly correlationWindowMinutes: number;
  readonly maxAlertsPerCase: number;
  readonly escalation: EscalationConfig;
  readonly channels: ChannelsConfig;
  /** Base URL of the case page linked from notifications. */
  readonly caseLinkBase: string;
  readonly logRetentionDays: number;
  /** Hours after resolution within which a case may be reopened (case API and provider commands). */
  readonly reopenWindowHours: number;
  /** Days alerts and timeline entries are kept before TTL may expire them; case items are kept. */
  readonly childRetentionDays: number;
  /** Addresses subscribed (after confirming) to the stack's alarm topic. */
  readonly alarmEmails: readonly string[];
  /**
   * Read-only access of the provider's analysts to the cases table: a role in
   * this account that `roleArn` (the provider's analyst role) may assume with
   * `externalId`. Absent = no analyst role.
   */
  readonly analystAccess?: { readonly roleArn: string; readonly externalId: string };
  /** Steady-state requests per second and burst of the case API (stage-wide). */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** S3 buckets holding log files to ingest (CloudTrail, VPC Flow Logs, …); they need EventBridge notifications on. */
  readonly ingestBuckets: readonly string[];
  /** AWS service events taken in from the default bus (CloudTrail, GuardDuty, Security Hub); all by default. */
  readonly eventSources: readonly AwsEventSource[];
  /** CloudWatch Logs log groups subscribed to the telemetry path. */
  readonly logGroups: readonly LogGroupSource[];
  /** Allow lists: rule matches that must not raise findings (compiled into the rules artifact). */
  readonly suppressions: readonly SuppressionSpec[];
  /** The customer's context data, threat intel and runbooks for investigations. */
  readonly investigation: InvestigationConfig;
  /** Which response actions are enabled, who may request them, and who approves. */
  readonly response: ResponseConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`config ${field}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, field: string, path: string, pattern?: RegExp, fallback?: string): string {
  const v = o[field] ?? fallback;
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${path}${field}`, 'must be a non-empty string');
  if (pattern && !pattern.test(v)) throw new ConfigError(`${path}${field}`, `must match ${pattern}`);
  return v;
}

function int(o: Obj, field: string, fallback: number, min: number, max: number): number {
  const v = o[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

function parseProvider(v: unknown): CustomerConfig['provider'] {
  if (v === undefined) return undefined;
  if (!isObj(v)) throw new ConfigError('provider', 'must be an object');
  return {
    accountId: str(v, 'accountId', 'provider.', /^\d{12}$/),
    region: str(v, 'region', 'provider.', /^[a-z]{2}(-[a-z]+)+-\d$/),
    busName: str(v, 'busName', 'provider.', /^[A-Za-z0-9._-]{1,256}$/),
  };
}

const SECRET_ID = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/;
const CHANNEL_EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const CHANNEL_E164 = /^\+[1-9]\d{6,14}$/;
/** Fields that would put a secret into configuration (and so into the template and the function environment). */
const INLINE_SECRET_FIELDS = ['routingKey', 'routing_key', 'integrationKey', 'token', 'botToken', 'webhookUrl', 'workflowUrl', 'secret', 'signingSecret', 'secrets', 'password'];
const CHANNEL_FIELDS: Record<string, readonly string[]> = {
  webhook: ['url', 'secretId'],
  pagerduty: ['secretId', 'region', 'url', 'source'],
  slack: ['mode', 'secretId', 'channelId', 'apiBaseUrl', 'teamId'],
  teams: ['secretId'],
  email: ['from', 'to', 'recipients', 'configurationSetName'],
  sms: ['to', 'recipients', 'senderId', 'originationNumber', 'smsType'],
};

function endpoint(o: Obj, field: string, path: string, required: boolean): string | undefined {
  if (o[field] === undefined && !required) return undefined;
  const url = str(o, field, path);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${path}${field}`, 'must be an absolute URL');
  }
  const loopback = ['localhost', '[::1]'].includes(parsed.hostname) || /^127(\.\d{1,3}){3}$/.test(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError(`${path}${field}`, 'must use https (plain http is allowed for loopback only)');
  }
  return url;
}

function optStr(o: Obj, field: string, path: string, pattern: RegExp, hint?: string): string | undefined {
  if (o[field] === undefined) return undefined;
  const v = o[field];
  if (typeof v !== 'string' || !pattern.test(v)) throw new ConfigError(`${path}${field}`, hint ?? `must match ${pattern}`);
  return v;
}

function oneOf<T extends string>(o: Obj, field: string, path: string, values: readonly T[]): T | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new ConfigError(`${path}${field}`, `must be one of ${values.join(', ')}`);
  return v as T;
}

function addressList(v: unknown, field: string, pattern: RegExp, hint: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(field, `must be a non-empty list of ${hint}`);
  v.forEach((x, i) => {
    if (typeof x !== 'string' || !pattern.test(x)) throw new ConfigError(`${field}[${i}]`, `must be ${hint.replace(/s$/, '')}`);
  });
  return v as string[];
}

function recipientOptions(ch: Obj, path: string, pattern: RegExp, hint: string): { to?: string[]; recipients?: Record<string, string[]> } {
  const out: { to?: string[]; recipients?: Record<string, string[]> } = {};
  if (ch.to !== undefined) out.to = addressList(ch.to, `${path}to`, pattern, hint);
  if (ch.recipients !== undefined) {
    if (!isObj(ch.recipients)) throw new ConfigError(`${path}recipients`, 'must map target names to lists');
    out.recipients = {};
    for (const [target, list] of Object.entries(ch.recipients)) {
      out.recipients[target] = addressList(list, `${path}recipients.${target}`, pattern, hint);
    }
  }
  return out;
}

function parseChannel(name: string, ch: Obj): ChannelsConfig[string] {
  const path = `channels.${name}.`;
  const kind = str(ch, 'kind', path);
  if (!(SUPPORTED_CHANNEL_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError(`${path}kind`, `"${kind}" is not one of ${SUPPORTED_CHANNEL_KINDS.join(', ')}`);
  }
  for (const f of INLINE_SECRET_FIELDS) {
    if (ch[f] !== undefined) throw new ConfigError(`${path}${f}`, 'secrets are not configured inline: store it in Secrets Manager and set secretId');
  }
  const known = new Set(['kind', 'timeoutMs', 'includeObservables', ...CHANNEL_FIELDS[kind]]);
  for (const f of Object.keys(ch)) {
    if (!known.has(f)) throw new ConfigError(`${path}${f}`, `is not a field of a ${kind} channel`);
  }
  const timeoutMs = ch.timeoutMs;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || timeoutMs < 100 || timeoutMs > 25_000)) {
    throw new ConfigError(`${path}timeoutMs`, 'must be a number from 100 to 25000');
  }
  if (ch.includeObservables !== undefined && typeof ch.includeObservables !== 'boolean') {
    throw new ConfigError(`${path}includeObservables`, 'must be true or false');
  }
  const common = {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(ch.includeObservables !== undefined ? { includeObservables: ch.includeObservables as boolean } : {}),
  };
  const secretHint = 'must be a Secrets Manager secret name or ARN';
  const secretId = () => {
    if (ch.secretId === undefined) throw new ConfigError(`${path}secretId`, `is required: ${secretHint}`);
    return optStr(ch, 'secretId', path, SECRET_ID, secretHint) as string;
  };
  switch (kind) {
    case 'webhook': {
      const url = endpoint(ch, 'url', path, true) as string;
      const sid = optStr(ch, 'secretId', path, SECRET_ID, secretHint);
      return { kind: 'webhook', url, ...common, ...(sid ? { secretId: sid } : {}) };
    }
    case 'pagerduty': {
      const sid = secretId();
      const region = oneOf(ch, 'region', path, ['us', 'eu'] as const);
      const url = endpoint(ch, 'url', path, false);
      const source = optStr(ch, 'source', path, /^.{1,255}$/, 'must be 1 to 255 characters');
      return { kind: 'pagerduty', secretId: sid, ...common, ...(region ? { region } : {}), ...(url ? { url } : {}), ...(source ? { source } : {}) };
    }
    case 'slack': {
      const mode = oneOf(ch, 'mode', path, ['webhook', 'bot'] as const) ?? (ch.channelId !== undefined ? 'bot' : 'webhook');
      const sid = secretId();
      const teamId = optStr(ch, 'teamId', path, /^T[A-Z0-9]{2,20}$/, 'must be a Slack workspace id (T…)');
      const team = teamId ? { teamId } : {};
      if (mode === 'webhook') {
        if (ch.channelId !== undefined || ch.apiBaseUrl !== undefined) {
          throw new ConfigError(`${path}${ch.channelId !== undefined ? 'channelId' : 'apiBaseUrl'}`, 'applies to mode "bot" only (a webhook posts to its own channel)');
        }
        return { kind: 'slack', mode, secretId: sid, ...common, ...team };
      }
      if (ch.channelId === undefined) throw new ConfigError(`${path}channelId`, 'is required for mode "bot"');
      const channelId = optStr(ch, 'channelId', path, /^[CGD][A-Z0-9]{6,}$/, 'must be a Slack conversation id (C…, G… or D…)') as string;
      const apiBaseUrl = endpoint(ch, 'apiBaseUrl', path, false);
      return { kind: 'slack', mode, secretId: sid, channelId, ...common, ...team, ...(apiBaseUrl ? { apiBaseUrl } : {}) };
    }
    case 'teams':
      return { kind: 'teams', secretId: secretId(), ...common };
    case 'email': {
      const from = str(ch, 'from', path);
      const address = from.match(/<([^>]+)>\s*$/)?.[1] ?? from;
      if (!CHANNEL_EMAIL.test(address)) throw new ConfigError(`${path}from`, 'must be an email address (optionally "Name <address>")');
      const configurationSetName = optStr(ch, 'configurationSetName', path, /^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -');
      return {
        kind: 'email',
        from,
        ...recipientOptions(ch, path, CHANNEL_EMAIL, 'email addresses'),
        ...common,
        ...(configurationSetName ? { configurationSetName } : {}),
      };
    }
    default: {
      const senderId = optStr(ch, 'senderId', path, /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, 'must be 1 to 11 letters or digits, with at least one letter');
      const originationNumber = optStr(ch, 'originationNumber', path, CHANNEL_E164, 'must be an E.164 number (+ and 7 to 15 digits)');
      const smsType = oneOf(ch, 'smsType', path, ['Transactional', 'Promotional'] as const);
      return {
        kind: 'sms',
        ...recipientOptions(ch, path, CHANNEL_E164, 'E.164 phone numbers'),
        ...common,
        ...(senderId ? { senderId } : {}),
        ...(originationNumber ? { originationNumber } : {}),
        ...(smsType ? { smsType } : {}),
      };
    }
  }
}

function parseChannels(v: unknown): ChannelsConfig {
  if (!isObj(v)) throw new ConfigError('channels', 'must be an object mapping channel names to channels');
  const out: Record<string, ChannelsConfig[string]> = {};
  for (const [name, ch] of Object.entries(v)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new ConfigError(`channels.${name}`, 'channel names are 1 to 64 letters, digits, _ or -');
    if (!isObj(ch)) throw new ConfigError(`channels.${name}`, 'must be an object');
    out[name] = parseChannel(name, ch);
  }
  return out;
}

function parseEscalation(v: unknown, channels: ChannelsConfig): EscalationConfig {
  const esc = v === undefined ? DEFAULT_ESCALATION : v;
  if (!isObj(esc) || !Array.isArray(esc.routes) || !Array.isArray(esc.policies)) {
    throw new ConfigError('escalation', 'must have routes and policies lists');
  }
  const names = new Set<string>();
  esc.policies.forEach((p: unknown, i) => {
    if (!isObj(p) || typeof p.name !== 'string') throw new ConfigError(`escalation.policies[${i}].name`, 'must be a string');
    if (!Array.isArray(p.tiers) || p.tiers.length === 0) {
      throw new ConfigError(`escalation.policies[${i}].tiers`, 'must be a non-empty list');
    }
    p.tiers.forEach((t: unknown, j) => {
      const path = `escalation.policies[${i}].tiers[${j}]`;
      if (!isObj(t)) throw new ConfigError(path, 'must be an object');
      if (typeof t.delaySeconds !== 'number' || t.delaySeconds < 0) {
        throw new ConfigError(`${path}.delaySeconds`, 'must be a number >= 0');
      }
      if (!Array.isArray(t.channels) || t.channels.length === 0) throw new ConfigError(`${path}.channels`, 'must be a non-empty list');
      for (const c of t.channels) {
        if (typeof c !== 'string' || !(c in channels)) throw new ConfigError(`${path}.channels`, `names unknown channel "${String(c)}"`);
      }
      if (!Array.isArray(t.targets) || t.targets.some((x) => typeof x !== 'string')) {
        throw new ConfigError(`${path}.targets`, 'must be a list of strings');
      }
    });
    if (p.repeat !== undefined && (typeof p.repeat !== 'number' || !Number.isInteger(p.repeat) || p.repeat < 0 || p.repeat > MAX_REPEAT)) {
      throw new ConfigError(`escalation.policies[${i}].repeat`, `must be an integer from 0 to ${MAX_REPEAT}`);
    }
    if (p.reminderSeconds !== undefined && (typeof p.reminderSeconds !== 'number' || p.reminderSeconds < 60)) {
      throw new ConfigError(`escalation.policies[${i}].reminderSeconds`, 'must be a number of seconds >= 60');
    }
    if (p.quietHours !== undefined) {
      const q = p.quietHours as QuietHours;
      try {
        validateQuietHours(q);
        if (!Array.isArray(q.overrideSeverities)) throw new Error('overrideSeverities must be a list');
      } catch (e) {
        throw new ConfigError(`escalation.policies[${i}].quietHours`, (e as Error).message);
      }
    }
    names.add(p.name);
  });
  esc.routes.forEach((r: unknown, i) => {
    if (!isObj(r) || typeof r.policy !== 'string' || !names.has(r.policy)) {
      throw new ConfigError(`escalation.routes[${i}].policy`, 'must name a declared policy');
    }
    if (r.severities !== undefined) {
      if (!Array.isArray(r.severities) || r.severities.some((s) => !(SEVERITIES as readonly unknown[]).includes(s))) {
        throw new ConfigError(`escalation.routes[${i}].severities`, `must list values from ${SEVERITIES.join(', ')}`);
      }
    }
  });
  return esc as unknown as EscalationConfig;
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
/** sts:ExternalId: 2 to 1224 characters of [\w+=,.@:/-]. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function parseAnalystAccess(v: unknown): CustomerConfig['analystAccess'] {
  if (v === undefined) return undefined;
  if (!isObj(v)) throw new ConfigError('analystAccess', 'must be an object with roleArn and externalId');
  for (const f of Object.keys(v)) {
    if (f !== 'roleArn' && f !== 'externalId') throw new ConfigError(`analystAccess.${f}`, 'is not a field of analystAccess (roleArn, externalId)');
  }
  const roleArn = str(v, 'roleArn', 'analystAccess.');
  if (!IAM_ROLE_ARN.test(roleArn)) throw new ConfigError('analystAccess.roleArn', "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>) of the provider's analyst role");
  const externalId = str(v, 'externalId', 'analystAccess.');
  if (!EXTERNAL_ID.test(externalId)) throw new ConfigError('analystAccess.externalId', 'must be 2 to 1224 characters of letters, digits and +=,.@:/-_');
  return { roleArn, externalId };
}

function parseAlarmEmails(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError('alarmEmails', 'must be a list of email addresses');
  v.forEach((x, i) => {
    if (typeof x !== 'string' || !CHANNEL_EMAIL.test(x)) throw new ConfigError(`alarmEmails[${i}]`, 'must be an email address');
  });
  return v as string[];
}

function parseIngestBuckets(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError('ingestBuckets', 'must be a list of S3 bucket names');
  v.forEach((b, i) => {
    if (typeof b !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b)) throw new ConfigError(`ingestBuckets[${i}]`, 'must be an S3 bucket name');
  });
  return v as string[];
}

function parseApiThrottle(v: unknown): CustomerConfig['apiThrottle'] {
  const o = v ?? {};
  if (!isObj(o)) throw new ConfigError('apiThrottle', 'must be an object with rateLimit and burstLimit');
  const num = (field: string, fallback: number, max: number) => {
    const n = o[field] ?? fallback;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`apiThrottle.${field}`, `must be an integer from 1 to ${max}`);
    return n;
  };
  const rateLimit = num('rateLimit', 50, 10_000);
  const burstLimit = num('burstLimit', 100, 5_000);
  return { rateLimit, burstLimit };
}

function parseEventSources(v: unknown): AwsEventSource[] {
  if (v === undefined) return [...AWS_EVENT_SOURCES];
  if (!Array.isArray(v) || v.some((x) => !AWS_EVENT_SOURCES.includes(x as AwsEventSource)) || new Set(v).size !== v.length) {
    throw new ConfigError('eventSources', `must be a list of distinct sources among ${AWS_EVENT_SOURCES.join(', ')}`);
  }
  return v as AwsEventSource[];
}

/** Validates raw configuration (parsed JSON) into a CustomerConfig, naming the first bad field. */
export function parseCustomerConfig(input: unknown): CustomerConfig {
  if (!isObj(input)) throw new ConfigError('(root)', 'must be an object');
  const tenantId = str(input, 'tenantId', '', /^[a-z0-9][a-z0-9-]{0,22}$/);
  const channels = parseChannels(input.channels ?? {});
  const ruleDirs = input.ruleDirs ?? [];
  if (!Array.isArray(ruleDirs) || ruleDirs.some((d) => typeof d !== 'string')) {
    throw new ConfigError('ruleDirs', 'must be a list of folder paths');
  }
  return {
    tenantId,
    resourcePrefix: str(input, 'resourcePrefix', '', /^[a-z0-9][a-z0-9-]{0,30}$/, `mdr-${tenantId}`),
    provider: parseProvider(input.provider),
    ruleDirs,
    correlationWindowMinutes: int(input, 'correlationWindowMinutes', 60, 5, 24 * 60),
    maxAlertsPerCase: int(input, 'maxAlertsPerCase', 150, 1, 1000),
    escalation: parseEscalation(input.escalation, channels),
    channels,
    caseLinkBase: str(input, 'caseLinkBase', '', /^https?:\/\//, 'https://mdr.invalid/cases'),
    logRetentionDays: int(input, 'logRetentionDays', 90, 1, 3653),
    ingestBuckets: parseIngestBuckets(input.ingestBuckets),
    reopenWindowHours: int(input, 'reopenWindowHours', 72, 1, 24 * 365),
    childRetentionDays: int(input, 'childRetentionDays', 365, 1, 3650),
    alarmEmails: parseAlarmEmails(input.alarmEmails),
    ...(input.analystAccess !== undefined ? { analystAccess: parseAnalystAccess(input.analystAccess) } : {}),
    apiThrottle: parseApiThrottle(input.apiThrottle),
    eventSources: parseEventSources(input.eventSources),
    logGroups: parseLogGroups(input.logGroups),
    suppressions: parseSuppressions(input.suppressions),
    investigation: parseInvestigation(input.investigation),
    response: parseResponseConfig(input.response),
  };
}
