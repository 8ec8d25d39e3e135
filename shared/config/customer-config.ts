import { SEVERITIES } from '../contracts/severity';
import { DEFAULT_ESCALATION, type EscalationConfig } from '../escalation/policy';
import { SUPPORTED_CHANNEL_KINDS, type ChannelsConfig } from '../notify/channels';

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

function parseChannels(v: unknown): ChannelsConfig {
  if (!isObj(v)) throw new ConfigError('channels', 'must be an object mapping channel names to channels');
  const out: Record<string, ChannelsConfig[string]> = {};
  for (const [name, ch] of Object.entries(v)) {
    const path = `channels.${name}.`;
    if (!isObj(ch)) throw new ConfigError(`channels.${name}`, 'must be an object');
    const kind = str(ch, 'kind', path);
    if (!(SUPPORTED_CHANNEL_KINDS as readonly string[]).includes(kind)) {
      throw new ConfigError(`${path}kind`, `"${kind}" is not one of ${SUPPORTED_CHANNEL_KINDS.join(', ')}`);
    }
    const url = str(ch, 'url', path);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${path}url`, 'must be an absolute URL');
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
      throw new ConfigError(`${path}url`, 'must use https (plain http is allowed for loopback only)');
    }
    const timeoutMs = ch.timeoutMs;
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || timeoutMs < 100 || timeoutMs > 25_000)) {
      throw new ConfigError(`${path}timeoutMs`, 'must be a number from 100 to 25000');
    }
    out[name] = { kind: 'webhook', url, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
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
  };
}
