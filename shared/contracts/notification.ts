import type { CaseStatus } from './case-event';
import type { Severity } from './severity';

/** escalate → notify: one message per (case, run, loop, tier, channel, target). */
export interface NotificationRequest {
  /** Deterministic from (case, run, loop, tier, channel, target): the delivery's idempotency key. */
  notificationId: string;
  tenantId: string;
  caseId: string;
  caseVersion: number;
  run: number;
  loop: number;
  tier: number;
  /** Channel name from the configuration. */
  channel: string;
  target: string;
  severity: Severity;
  status: CaseStatus;
  title: string;
  /**
   * Why: a page (opened, escalated, reminder), or keeping a channel's own
   * incident in step with the case (PagerDuty acknowledge/resolve).
   */
  reason: 'case_opened' | 'escalated' | 'reminder' | 'resend' | 'sync_acknowledge' | 'sync_resolve';
  /** For syncs: the channel kind the change came through (`actor.via`); that kind is not echoed to. */
  origin?: string;
}
