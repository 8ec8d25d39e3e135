import type { Severity } from '../contracts/severity';
import type { QuietHours } from './quiet-hours';

/** Channel kinds the notify stage can deliver to. */
export type ChannelKind = 'webhook' | 'pagerduty' | 'slack' | 'teams' | 'email' | 'sms';

/** One step of an escalation: after `delaySeconds`, notify these targets on these channels. */
export interface EscalationTier {
  readonly delaySeconds: number;
  /** Channel names from the configuration's `channels` map. */
  readonly channels: readonly string[];
  /** Who is paged (on-call group, address, number); the channel decides what it means. */
  readonly targets: readonly string[];
}

export interface EscalationPolicy {
  readonly name: string;
  readonly tiers: readonly EscalationTier[];
  /** Times the whole ladder runs again when nobody acknowledges (capped at MAX_REPEAT). */
  readonly repeat?: number;
  /** A reminder to the first tier this long after acknowledgement while the case stays unresolved. */
  readonly reminderSeconds?: number;
  readonly quietHours?: QuietHours;
}

export const MAX_REPEAT = 5;

/** First matching route wins; a route with no conditions matches everything. */
export interface EscalationRoute {
  readonly policy: string;
  readonly severities?: readonly Severity[];
  readonly tags?: readonly string[];
}

export interface EscalationConfig {
  readonly routes: readonly EscalationRoute[];
  readonly policies: readonly EscalationPolicy[];
}

export const DEFAULT_ESCALATION: EscalationConfig = {
  routes: [{ policy: 'default' }],
  policies: [{ name: 'default', tiers: [{ delaySeconds: 0, channels: ['webhook'], targets: ['on-call'] }] }],
};

/** Picks the policy for a case: the first route whose severities and tags all match. */
export function selectPolicy(
  config: EscalationConfig,
  caseInfo: { severity: Severity; tags: readonly string[] },
): EscalationPolicy | undefined {
  const route = config.routes.find(
    (r) =>
      (!r.severities || r.severities.includes(caseInfo.severity)) &&
      (!r.tags || r.tags.some((t) => caseInfo.tags.includes(t))),
  );
  return route && config.policies.find((p) => p.name === route.policy);
}
