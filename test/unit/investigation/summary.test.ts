import type { EntityContext } from '../../../shared/contracts/investigation';
import type { CaseRecord } from '../../../shared/cases/model';
import { summarizeCase, type SummaryAlert } from '../../../shared/investigation/summary';

const base: CaseRecord = {
  caseId: 'case-1',
  tenantId: 'acme',
  title: 'Access Key Created For Another IAM User by mallory in 111122223333',
  status: 'NEW',
  severity: 'high',
  ruleId: 'rule-ak',
  tags: ['attack.persistence', 'attack.t1098.001'],
  correlationKey: 'k',
  entities: { users: ['mallory'], hosts: [], ips: ['203.0.113.77'], accounts: ['111122223333'], resources: [] },
  alertCount: 3,
  detectedAt: '2026-11-20T09:13:41Z',
  createdAt: '2026-11-20T09:14:02.120Z',
  firstSeen: '2026-11-20T09:13:41Z',
  lastSeen: '2026-11-20T09:20:41Z',
  updatedAt: '2026-11-20T09:21:00Z',
  version: 3,
};

const alert = (eventTime: string, extra: Partial<SummaryAlert> = {}): SummaryAlert => ({
  ruleId: 'rule-ak',
  ruleTitle: 'Access Key Created For Another IAM User',
  description: 'A principal created an access key for a different IAM user.',
  falsepositives: ['Administrators provisioning keys for service users'],
  tags: ['attack.persistence', 'attack.t1098.001'],
  eventTime,
  observables: [
    { type: 'user', value: 'mallory', arn: 'arn:aws:iam::111122223333:user/mallory' },
    { type: 'user', value: 'victim' },
    { type: 'access_key', value: 'AKIAEXAMPLENEWKEY001' },
    { type: 'account', value: '111122223333' },
    { type: 'ip', value: '203.0.113.77' },
  ],
  ...extra,
});

const enrichment: EntityContext[] = [
  { type: 'user', value: 'mallory', labels: ['vip', 'owner'], owner: 'finance-it' },
  { type: 'account', value: '111122223333', labels: ['alias'], alias: 'prod' },
  { type: 'ip', value: '203.0.113.77', labels: ['threat-intel:tor-exit', 'geo'], geo: { country: 'NL' }, intel: [{ list: 'tor', category: 'tor-exit', confidence: 90 }] },
];

describe('summarizeCase', () => {
  const alerts = [alert('2026-11-20T09:20:41Z'), alert('2026-11-20T09:13:41Z'), alert('2026-11-20T09:15:00Z')];
  const s = summarizeCase({ case: base, alerts, enrichment });

  test('headline and what happened: severity, title, flags; rule, count, time span', () => {
    expect(s.headline).toBe('High: Access Key Created For Another IAM User by mallory in 111122223333 [VIP, threat intel match]');
    expect(s.what).toBe('Access Key Created For Another IAM User fired 3 times between 2026-11-20 09:13:41 UTC and 2026-11-20 09:20:41 UTC (7 min).');
  });

  test('who and where, with what the customer data says', () => {
    expect(s.who).toEqual(['user mallory (VIP; owner: finance-it)', 'user victim', 'access key AKIAEXAMPLENEWKEY001']);
    expect(s.where).toEqual(['account 111122223333 (prod)', 'IP 203.0.113.77 (NL; threat intel: tor-exit (tor, confidence 90))']);
    expect(s.when).toBe('First seen 2026-11-20 09:13:41 UTC, last seen 2026-11-20 09:20:41 UTC; case opened 2026-11-20 09:14:02 UTC.');
  });

  test('why it matters: description, named techniques, known false positives once', () => {
    expect(s.why).toEqual({
      description: 'A principal created an access key for a different IAM user.',
      techniques: [{ id: 'T1098.001', name: 'Account Manipulation: Additional Cloud Credentials', tactics: ['Persistence'] }],
      falsePositives: ['Administrators provisioning keys for service users'],
    });
  });

  test('default next steps per observable when no runbook applies', () => {
    expect(s.nextSteps).toEqual([
      'Review activity of access key AKIAEXAMPLENEWKEY001 and deactivate it if unexpected.',
      'Confirm with mallory or finance-it that they did this; if not, reset their credentials and revoke their sessions.',
      'Confirm with victim that they did this; if not, reset their credentials and revoke their sessions.',
      'Check whether IP 203.0.113.77 (NL) is expected for this activity; block it if it is not.',
      'Resolve the case as benign or false positive if the activity is expected, and consider tuning the rule.',
    ]);
  });

  test("the customer's runbook for the rule wins; a tag's runbook applies when the rule has none", () => {
    const byRule = summarizeCase({ case: base, alerts, runbooks: { 'rule-ak': ['Call the IAM on-call.', 'Open a change ticket.'], 'attack.persistence': ['Check for other persistence.'] } });
    expect(byRule.nextSteps).toEqual(['Call the IAM on-call.', 'Open a change ticket.', 'Check for other persistence.']);
    const byTag = summarizeCase({ case: base, alerts, runbooks: { 'attack.t1098.001': ['Deactivate the new key.'] } });
    expect(byTag.nextSteps).toEqual(['Deactivate the new key.']);
  });

  test('several rules, a single alert, and no observables: falls back to the case entities', () => {
    const one = summarizeCase({ case: { ...base, alertCount: 1, lastSeen: base.firstSeen }, alerts: [alert(base.firstSeen, { observables: undefined })] });
    expect(one.what).toBe('Access Key Created For Another IAM User fired once at 2026-11-20 09:13:41 UTC.');
    expect(one.who).toEqual(['user mallory']);
    expect(one.where).toEqual(['account 111122223333', 'IP 203.0.113.77']);
    const two = summarizeCase({ case: { ...base, alertCount: 3 }, alerts: [alert(base.firstSeen), alert(base.lastSeen, { ruleId: 'rule-x', ruleTitle: 'Other Rule', tags: ['attack.t1530'] }), alert(base.lastSeen)] });
    expect(two.what).toMatch(/^2 rules fired 3 alerts: Access Key Created For Another IAM User \(2\), Other Rule \(1\) between/);
    expect(two.why.techniques.map((t) => t.id)).toEqual(['T1098.001', 'T1530']);
  });

  test('long lists are cut with a count', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ type: 'instance' as const, value: `i-${i}` }));
    const s2 = summarizeCase({ case: base, alerts: [alert(base.firstSeen, { observables: many })] });
    expect(s2.where).toEqual(['instance i-0', 'instance i-1', 'instance i-2', 'instance i-3', 'instance i-4', 'and 3 more instances']);
  });

  test('a resolved case says so', () => {
    const r = summarizeCase({ case: { ...base, status: 'RESOLVED', resolvedAt: '2026-11-20T10:00:00Z', resolution: 'true_positive', acknowledgedAt: '2026-11-20T09:30:00Z', acknowledgedBy: 'oncall@example.com' }, alerts });
    expect(r.when).toMatch(/acknowledged 2026-11-20 09:30:00 UTC by oncall@example.com; resolved 2026-11-20 10:00:00 UTC as true_positive\.$/);
  });
});
