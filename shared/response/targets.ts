import { isIP } from 'node:net';
import type { ResponseActionType, ResponseTarget } from '../contracts/investigation';

/** IAM user and role names: 1-64 of letters, digits and `+=,.@_-`. */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
/** Long-term access key ids (AKIA…); temporary (ASIA…) credentials cannot be deactivated, their role's sessions are revoked instead. */
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/;
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** The fields each action's target has; `?` marks optional ones. */
export const TARGET_FIELDS: Record<ResponseActionType, readonly string[]> = {
  deactivate_access_key: ['accessKeyId', 'userName'],
  deny_all_policy: ['userName?', 'roleName?'],
  revoke_role_sessions: ['roleName'],
  quarantine_instance: ['instanceId'],
  block_ip: ['ip'],
};

/** `ip/32` or `ip/128`, IPv6 in its canonical lowercase compressed form (WAF compares strings). */
export function hostCidr(ip: string): string {
  const v = isIP(ip);
  if (v === 4) return `${ip}/32`;
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return `${canonical}/128`;
}

export type TargetCheck = { ok: true; target: ResponseTarget } | { ok: false; reason: string };

/**
 * Checks an action's target before anything is recorded as allowed: the
 * fields the action needs, nothing else, each in the form AWS accepts.
 */
export function checkTarget(action: ResponseActionType, input: unknown): TargetCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'target must be an object' };
  const t = input as Record<string, unknown>;
  const allowed = TARGET_FIELDS[action].map((f) => f.replace('?', ''));
  for (const [k, v] of Object.entries(t)) {
    if (!allowed.includes(k)) return { ok: false, reason: `target.${k} is not a field of a ${action} target (${allowed.join(', ')})` };
    if (typeof v !== 'string') return { ok: false, reason: `target.${k} must be a string` };
  }
  const s = t as Record<string, string>;
  const need = (field: string, pattern: RegExp, what: string): string | undefined => {
    if (s[field] === undefined) return `target.${field} is required`;
    return pattern.test(s[field]) ? undefined : `target.${field} "${s[field].slice(0, 80)}" is not ${what}`;
  };
  let problem: string | undefined;
  switch (action) {
    case 'deactivate_access_key':
      problem = need('accessKeyId', ACCESS_KEY_ID, 'a long-term access key id (AKIA…)') ?? need('userName', IAM_NAME, 'an IAM user name');
      break;
    case 'deny_all_policy':
      if ((s.userName === undefined) === (s.roleName === undefined)) problem = 'target needs exactly one of userName or roleName';
      else problem = s.userName !== undefined ? need('userName', IAM_NAME, 'an IAM user name') : need('roleName', IAM_NAME, 'an IAM role name');
      break;
    case 'revoke_role_sessions':
      problem = need('roleName', IAM_NAME, 'an IAM role name');
      break;
    case 'quarantine_instance':
      problem = need('instanceId', INSTANCE_ID, 'an EC2 instance id (i-…)');
      break;
    case 'block_ip':
      if (s.ip === undefined) problem = 'target.ip is required';
      else if (!isIP(s.ip)) problem = `target.ip "${s.ip.slice(0, 80)}" is not an IPv4 or IPv6 address`;
      break;
  }
  return problem ? { ok: false, reason: problem } : { ok: true, target: { ...s } };
}
