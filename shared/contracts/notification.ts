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
  reason: 'case_opened' | 'escalated' | 'reminder';
}
