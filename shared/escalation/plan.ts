import type { CaseEventDetail } from '../contracts/case-event';
import type { NotificationRequest } from '../contracts/notification';
import { stableId } from '../hash';
import { selectPolicy, type EscalationConfig } from './policy';

export function notificationId(caseId: string, run: number, loop: number, tier: number, channel: string, target: string): string {
  return stableId('notification', caseId, String(run), String(loop), String(tier), channel, target);
}

/**
 * The notifications that start an escalation run: the first tier of the
 * policy the case routes to. Later tiers are timed (escalation issue).
 */
export function planOpening(detail: CaseEventDetail, config: EscalationConfig): NotificationRequest[] {
  const policy = selectPolicy(config, { severity: detail.severity, tags: detail.tags ?? [] });
  const tier = policy?.tiers[0];
  if (!tier) return [];
  const run = 1;
  const loop = 0;
  const out: NotificationRequest[] = [];
  for (const channel of tier.channels) {
    for (const target of tier.targets) {
      out.push({
        notificationId: notificationId(detail.caseId, run, loop, 0, channel, target),
        tenantId: detail.tenantId,
        caseId: detail.caseId,
        caseVersion: detail.caseVersion,
        run,
        loop,
        tier: 0,
        channel,
        target,
        severity: detail.severity,
        status: detail.status,
        title: detail.title,
        reason: 'case_opened',
      });
    }
  }
  return out;
}
