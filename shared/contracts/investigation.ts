import type { Actor } from './case-event';

/**
 * Contracts of investigation and response (issue 9), shared by detect (which
 * extracts observables and keeps evidence), cases (which stores them with the
 * alert), the enrich and respond stages, the case API and the case page.
 */

/** What a finding is about, finer than the correlation `Entities` (OCSF calls these observables). */
export type ObservableType = 'user' | 'role' | 'access_key' | 'account' | 'ip' | 'host' | 'instance' | 'bucket' | 'process';
export const OBSERVABLE_TYPES: readonly ObservableType[] = ['user', 'role', 'access_key', 'account', 'ip', 'host', 'instance', 'bucket', 'process'];

export interface Observable {
  type: ObservableType;
  value: string;
  /**
   * The ARN of the principal or resource when the source gave one (users,
   * roles, buckets); `value` stays the short name people and response
   * actions use, and context patterns may match either.
   */
  arn?: string;
}

/**
 * One event that fired a rule, kept with the alert. Inline when small
 * (`raw` and `ocsf`); otherwise the whole event is in the encrypted evidence
 * bucket under `pointer` and `raw`/`ocsf` are absent (`truncated` set).
 */
export interface Evidence {
  uid: string;
  source: string;
  /** Event time, ISO 8601. */
  time: string;
  /** Serialized size of `{raw, ocsf}` in bytes. */
  bytes: number;
  raw?: unknown;
  ocsf?: unknown;
  truncated?: true;
  pointer?: { bucket: string; key: string };
}

/** What the customer's own data says about one observable. */
export interface EntityContext {
  type: ObservableType;
  value: string;
  /** Short facts for people: `vip`, `known-range:office-vpn`, `allow-listed:scanner`, `threat-intel:tor-exit`, … */
  labels: string[];
  owner?: string;
  /** Asset inventory entry that names this observable. */
  asset?: { id: string; name?: string; environment?: string; criticality?: string };
  /** Account alias (for `account`). */
  alias?: string;
  /** Offline geolocation (for public `ip`). */
  geo?: { country: string };
  /** Threat-intel hits (for `ip`). */
  intel?: { list: string; category: string; confidence?: number; description?: string }[];
  /** Allow-list entries that cover this observable. */
  allowListed?: string[];
}

export interface CaseEnrichment {
  caseId: string;
  /** ISO 8601. */
  computedAt: string;
  /** Version of the context data used (ETag or content hash). */
  contextVersion: string;
  entities: EntityContext[];
}

/** A case told for a person: what happened, who, where, when, why it matters, what to do. */
export interface CaseSummary {
  headline: string;
  what: string;
  who: string[];
  where: string[];
  when: string;
  why: {
    description?: string;
    techniques: { id: string; name: string; tactics: string[] }[];
    falsePositives: string[];
  };
  nextSteps: string[];
}

// ---- response actions ----------------------------------------------------

export type ResponseActionType = 'deactivate_access_key' | 'deny_all_policy' | 'revoke_role_sessions' | 'quarantine_instance' | 'block_ip';
export const RESPONSE_ACTION_TYPES: readonly ResponseActionType[] = [
  'deactivate_access_key',
  'deny_all_policy',
  'revoke_role_sessions',
  'quarantine_instance',
  'block_ip',
];

/** Who asks: the customer's own people (API, case page, CLI) or the provider (command on the bus). */
export type RequesterRole = 'customer' | 'provider';

export type ResponseStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'REFUSED' | 'REJECTED';

/** The target of an action, by action: accessKeyId (+userName), userName or roleName, instanceId, ip. */
export type ResponseTarget = Record<string, string>;

export interface ResponseRequest {
  /** Deterministic from the request's idempotency key: a redelivered request is the same request. */
  requestId: string;
  caseId: string;
  tenantId: string;
  action: ResponseActionType;
  target: ResponseTarget;
  dryRun: boolean;
  requestedBy: Actor;
  requesterRole: RequesterRole;
  requestedAt: string;
  status: ResponseStatus;
  /** Why it was refused or rejected, or why it failed. */
  reason?: string;
  approvedBy?: Actor;
  approvedAt?: string;
  completedAt?: string;
  /** What the action did (resource ids, previous state), for the record and for undo. */
  result?: Record<string, unknown>;
  /** How to undo it, when it can be undone: the request that reverses it. */
  undo?: { action: ResponseActionType | 'undo'; description: string };
  /** Set on an undo request: the request it reverses. */
  undoOf?: string;
}
