import { planOpening } from '../../../shared/escalation/plan';
import { selectPolicy, type EscalationConfig } from '../../../shared/escalation/policy';
import type { CaseEventDetail } from '../../../shared/contracts/case-event';

const config: EscalationConfig = {
  routes: [{ policy: 'sev1', severities: ['critical'] }, { policy: 'cloud', tags: ['attack.t1562.008'] }, { policy: 'default' }],
  policies: [
    { name: 'sev1', tiers: [{ delaySeconds: 0, channels: ['pager', 'chat'], targets: ['primary', 'secondary'] }] },
    { name: 'cloud', tiers: [{ delaySeconds: 0, channels: ['chat'], targets: ['cloud-team'] }] },
    { name: 'default', tiers: [{ delaySeconds: 0, channels: ['chat'], targets: ['soc'] }] },
  ],
};

const detail = (over: Partial<CaseEventDetail>): CaseEventDetail => ({
  schemaVersion: '1.0',
  eventId: 'e',
  occurredAt: '2026-11-20T10:00:00.000Z',
  tenantId: 'acme',
  caseId: 'case-1',
  caseVersion: 1,
  status: 'NEW',
  severity: 'high',
  title: 't',
  actor: { type: 'system', id: 'x' },
  ruleId: 'r',
  tags: [],
  alertCount: 1,
  ...over,
});

describe('escalation routing', () => {
  it('takes the first matching route', () => {
    expect(selectPolicy(config, { severity: 'critical', tags: ['attack.t1562.008'] })?.name).toBe('sev1');
    expect(selectPolicy(config, { severity: 'high', tags: ['attack.t1562.008'] })?.name).toBe('cloud');
    expect(selectPolicy(config, { severity: 'low', tags: [] })?.name).toBe('default');
  });

  it('pages every target on every channel of the first tier, with distinct deterministic ids', () => {
    const plan = planOpening(detail({ severity: 'critical' }), config);
    expect(plan.map((n) => `${n.channel}/${n.target}`).sort()).toEqual(['chat/primary', 'chat/secondary', 'pager/primary', 'pager/secondary']);
    expect(new Set(plan.map((n) => n.notificationId)).size).toBe(4);
    expect(planOpening(detail({ severity: 'critical', caseVersion: 2 }), config).map((n) => n.notificationId)).toEqual(plan.map((n) => n.notificationId));
  });

  it('plans nothing when no route matches', () => {
    expect(planOpening(detail({}), { routes: [{ policy: 'p', severities: ['critical'] }], policies: [{ name: 'p', tiers: [] }] })).toEqual([]);
  });
});
