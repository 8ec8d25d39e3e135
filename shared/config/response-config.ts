import { RESPONSE_ACTION_TYPES, type RequesterRole, type ResponseActionType } from '../contracts/investigation';
import { ConfigError } from './customer-config';

export type ApprovalMode = 'none' | 'customer';
export type IpSetScope = 'REGIONAL' | 'CLOUDFRONT';

/** What the customer allows for one response action. */
export interface ActionPolicy {
  readonly enabled: boolean;
  /** Who may ask for it. */
  readonly requesters: readonly RequesterRole[];
  /** `customer`: a customer person other than the requester approves before it runs. */
  readonly approval: ApprovalMode;
  /** block_ip: the WAFv2 IP set (IPv4) addresses are added to. */
  readonly ipSetArn?: string;
  /** block_ip: the WAFv2 IP set for IPv6 addresses; without it IPv6 requests are refused. */
  readonly ipv6IpSetArn?: string;
  /** block_ip: scope of the IP sets; read from the ARN when absent. */
  readonly ipSetScope?: IpSetScope;
}

/** Response actions of one deployment: everything disabled unless the customer enables it. */
export interface ResponseConfig {
  /** Every request runs as a dry run: the plan is recorded, AWS is not called. */
  readonly dryRun: boolean;
  readonly actions: Readonly<Record<ResponseActionType, ActionPolicy>>;
}

const DISABLED: ActionPolicy = { enabled: false, requesters: ['customer'], approval: 'customer' };
const ROLES: readonly RequesterRole[] = ['customer', 'provider'];
const APPROVALS: readonly ApprovalMode[] = ['none', 'customer'];
const COMMON_FIELDS = ['enabled', 'requesters', 'approval'];
const IP_SET_FIELDS = ['ipSetArn', 'ipv6IpSetArn', 'ipSetScope'];
/** arn:aws:wafv2:<region>:<account>:<regional|global>/ipset/<name>/<id> */
export const IP_SET_ARN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:(regional|global)\/ipset\/[\w-]{1,128}\/[a-f0-9-]{1,36}$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Scope of an IP set from its ARN (`global` sets are CloudFront's). */
export function ipSetScopeOf(arn: string): IpSetScope {
  return IP_SET_ARN.exec(arn)?.[1] === 'global' ? 'CLOUDFRONT' : 'REGIONAL';
}

function parsePolicy(action: ResponseActionType, v: unknown): ActionPolicy {
  const path = `response.actions.${action}`;
  if (!isObj(v)) throw new ConfigError(path, 'must be an object');
  const known = new Set([...COMMON_FIELDS, ...(action === 'block_ip' ? IP_SET_FIELDS : [])]);
  for (const f of Object.keys(v)) {
    if (!known.has(f)) throw new ConfigError(`${path}.${f}`, `is not a setting of ${action}`);
  }
  if (typeof v.enabled !== 'boolean') throw new ConfigError(`${path}.enabled`, 'must be true or false');
  let requesters = DISABLED.requesters;
  if (v.requesters !== undefined) {
    if (!Array.isArray(v.requesters) || v.requesters.length === 0 || !v.requesters.every((r) => ROLES.includes(r as RequesterRole))) {
      throw new ConfigError(`${path}.requesters`, `must be a non-empty list of ${ROLES.join(', ')}`);
    }
    requesters = [...new Set(v.requesters as RequesterRole[])];
  }
  if (v.approval !== undefined && !APPROVALS.includes(v.approval as ApprovalMode)) {
    throw new ConfigError(`${path}.approval`, `must be one of ${APPROVALS.join(', ')}`);
  }
  const policy: ActionPolicy = { enabled: v.enabled, requesters, approval: (v.approval as ApprovalMode | undefined) ?? DISABLED.approval };
  if (action !== 'block_ip') return policy;

  const arn = (field: string): string | undefined => {
    const a = v[field];
    if (a === undefined) return undefined;
    if (typeof a !== 'string' || !IP_SET_ARN.test(a)) throw new ConfigError(`${path}.${field}`, 'must be a WAFv2 IP set ARN (arn:aws:wafv2:<region>:<account>:regional|global/ipset/<name>/<id>)');
    return a;
  };
  const ipSetArn = arn('ipSetArn');
  const ipv6IpSetArn = arn('ipv6IpSetArn');
  if (v.enabled && !ipSetArn && !ipv6IpSetArn) throw new ConfigError(`${path}.ipSetArn`, 'is required when block_ip is enabled: the WAFv2 IP set to add addresses to');
  let scope: IpSetScope | undefined;
  if (v.ipSetScope !== undefined) {
    if (v.ipSetScope !== 'REGIONAL' && v.ipSetScope !== 'CLOUDFRONT') throw new ConfigError(`${path}.ipSetScope`, 'must be REGIONAL or CLOUDFRONT');
    scope = v.ipSetScope;
  }
  for (const [field, a] of [['ipSetArn', ipSetArn], ['ipv6IpSetArn', ipv6IpSetArn]] as const) {
    if (a && scope && ipSetScopeOf(a) !== scope) throw new ConfigError(`${path}.${field}`, `is a ${ipSetScopeOf(a)} IP set but ipSetScope is ${scope}`);
  }
  const effectiveScope = scope ?? (ipSetArn ? ipSetScopeOf(ipSetArn) : ipv6IpSetArn ? ipSetScopeOf(ipv6IpSetArn) : undefined);
  if (ipSetArn && ipv6IpSetArn && ipSetScopeOf(ipSetArn) !== ipSetScopeOf(ipv6IpSetArn)) throw new ConfigError(`${path}.ipv6IpSetArn`, 'must have the same scope as ipSetArn');
  return {
    ...policy,
    ...(ipSetArn ? { ipSetArn } : {}),
    ...(ipv6IpSetArn ? { ipv6IpSetArn } : {}),
    ...(effectiveScope ? { ipSetScope: effectiveScope } : {}),
  };
}

/**
 * Reads the `response` part of the customer configuration. Absent or empty
 * means no response action is allowed; every enabled action says who may ask
 * and whether a customer person approves first.
 */
export function parseResponseConfig(input: unknown): ResponseConfig {
  const v = input ?? {};
  if (!isObj(v)) throw new ConfigError('response', 'must be an object');
  for (const f of Object.keys(v)) {
    if (f !== 'dryRun' && f !== 'actions') throw new ConfigError(`response.${f}`, 'is not a setting of response (dryRun, actions)');
  }
  if (v.dryRun !== undefined && typeof v.dryRun !== 'boolean') throw new ConfigError('response.dryRun', 'must be true or false');
  const given = v.actions ?? {};
  if (!isObj(given)) throw new ConfigError('response.actions', 'must map action names to settings');
  for (const name of Object.keys(given)) {
    if (!RESPONSE_ACTION_TYPES.includes(name as ResponseActionType)) {
      throw new ConfigError(`response.actions.${name}`, `is not a response action (${RESPONSE_ACTION_TYPES.join(', ')})`);
    }
  }
  const actions = Object.fromEntries(
    RESPONSE_ACTION_TYPES.map((a) => [a, given[a] === undefined ? DISABLED : parsePolicy(a, given[a])]),
  ) as Record<ResponseActionType, ActionPolicy>;
  return { dryRun: v.dryRun === true, actions };
}

/** Actions the configuration enables. */
export function enabledActions(config: ResponseConfig): ResponseActionType[] {
  return RESPONSE_ACTION_TYPES.filter((a) => config.actions[a].enabled);
}
