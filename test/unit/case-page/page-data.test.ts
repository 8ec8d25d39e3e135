import { actionOptions, loadCasePageData, pageEntities } from '../../../functions/case-api/page-data';
import type { CasePageViewer } from '../../../functions/case-api/page-model';
import type { AlertSummary, CaseDetail } from '../../../shared/cases/store';
import { parseResponseConfig } from '../../../shared/config/response-config';
import type { ResponseRequest } from '../../../shared/contracts/investigation';
import { caseRecord, CASE_ID, TENANT } from './fixtures';

const viewer: CasePageViewer = { id: 'oncall-primary', role: 'customer' };

const config = parseResponseConfig({
  actions: {
    deactivate_access_key: { enabled: true, requesters: ['customer'], approval: 'none' },
    deny_all_policy: { enabled: true, requesters: ['customer', 'provider'], approval: 'customer' },
    revoke_role_sessions: { enabled: true, requesters: ['provider'] },
    quarantine_instance: { enabled: true, approval: 'customer' },
    block_ip: { enabled: true, approval: 'none', ipSetArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/ipset/mdr-blocked/1a2b3c4d-0000-0000-0000-000000000000' },
  },
});

function alert(over: Partial<AlertSummary>): AlertSummary {
  return {
    findingId: 'f-1',
    ruleId: 'aws-cloudtrail-stop-logging',
    ruleVersion: '1',
    severity: 'high',
    eventTime: '2026-11-20T10:02:11.000Z',
    events: [{ uid: 'ev-1', source: 'cloudtrail', time: '2026-11-20T10:02:11.000Z' }],
    ...over,
  };
}

/** An admin creating a key for bob: two users in the alert, and CloudTrail says whose each key is. */
const createKey = alert({
  findingId: 'f-create-key',
  ruleId: 'aws-iam-create-access-key',
  ruleTitle: 'Access key created for another user',
  description: 'An IAM user created an access key for another user.',
  tags: ['attack.persistence', 'attack.t1098.001'],
  observables: [
    { type: 'user', value: 'admin' },
    { type: 'user', value: 'bob' },
    { type: 'access_key', value: 'AKIAADMINKEY00000001' },
    { type: 'access_key', value: 'AKIABOBNEWKEY0000002' },
    { type: 'ip', value: '203.0.113.77' },
    { type: 'ip', value: '10.1.2.3' },
  ],
  evidence: [
    {
      uid: 'ev-1',
      source: 'cloudtrail',
      time: '2026-11-20T10:02:11.000Z',
      bytes: 300,
      raw: {
        eventName: 'CreateAccessKey',
        userIdentity: { type: 'IAMUser', userName: 'admin', accessKeyId: 'AKIAADMINKEY00000001' },
        requestParameters: { userName: 'bob' },
        responseElements: { accessKey: { userName: 'bob', accessKeyId: 'AKIABOBNEWKEY0000002', status: 'Active' } },
      },
    },
  ],
});

const roleAndInstance = alert({
  findingId: 'f-role',
  observables: [
    { type: 'role', value: 'BuildRole' },
    { type: 'access_key', value: 'ASIATEMPORARY0000001' },
    { type: 'instance', value: 'i-0123456789abcdef0' },
    { type: 'account', value: '111122223333' },
  ],
});

function detail(alerts: AlertSummary[], over: Partial<CaseDetail> = {}): CaseDetail {
  return { case: caseRecord(), alerts, timeline: [], ...over };
}

const options = (alerts: AlertSummary[], requests: ResponseRequest[] = []) =>
  actionOptions(alerts, config, viewer, requests).map((o) => ({ action: o.action, target: o.target, needsApproval: o.needsApproval }));

describe('case page data: action options', () => {
  it('pairs each access key with the user CloudTrail names for it, not whoever else is in the alert', () => {
    const keys = options([createKey]).filter((o) => o.action === 'deactivate_access_key');
    expect(keys).toEqual([
      { action: 'deactivate_access_key', target: { accessKeyId: 'AKIAADMINKEY00000001', userName: 'admin' }, needsApproval: false },
      { action: 'deactivate_access_key', target: { accessKeyId: 'AKIABOBNEWKEY0000002', userName: 'bob' }, needsApproval: false },
    ]);
  });

  it('falls back to the only user of the alert, and offers nothing when the owner is unknown', () => {
    const single = alert({ observables: [{ type: 'user', value: 'carol' }, { type: 'access_key', value: 'AKIACAROL00000000001' }] });
    expect(options([single]).find((o) => o.action === 'deactivate_access_key')?.target).toEqual({ accessKeyId: 'AKIACAROL00000000001', userName: 'carol' });
    const two = alert({ observables: [{ type: 'user', value: 'carol' }, { type: 'user', value: 'dave' }, { type: 'access_key', value: 'AKIACAROL00000000001' }] });
    expect(options([two]).some((o) => o.action === 'deactivate_access_key')).toBe(false);
  });

  it('offers what the policy allows the customer, with the approval it needs', () => {
    const all = options([createKey, roleAndInstance]);
    expect(all).toEqual(
      expect.arrayContaining([
        { action: 'deny_all_policy', target: { userName: 'admin' }, needsApproval: true },
        { action: 'deny_all_policy', target: { userName: 'bob' }, needsApproval: true },
        { action: 'deny_all_policy', target: { roleName: 'BuildRole' }, needsApproval: true },
        { action: 'quarantine_instance', target: { instanceId: 'i-0123456789abcdef0' }, needsApproval: true },
        { action: 'block_ip', target: { ip: '203.0.113.77' }, needsApproval: false },
      ]),
    );
    // Provider-only action, temporary (ASIA) key, private address: not offered.
    expect(all.some((o) => o.action === 'revoke_role_sessions')).toBe(false);
    expect(all.some((o) => o.target.accessKeyId === 'ASIATEMPORARY0000001')).toBe(false);
    expect(all.some((o) => o.target.ip === '10.1.2.3')).toBe(false);
    expect(all).toHaveLength(7);
  });

  it('offers nothing the configuration leaves disabled, and nothing without a configuration', () => {
    const keysOnly = parseResponseConfig({ actions: { deactivate_access_key: { enabled: true, approval: 'none' } } });
    expect(actionOptions([createKey, roleAndInstance], keysOnly, viewer).map((o) => o.action)).toEqual(['deactivate_access_key', 'deactivate_access_key']);
    expect(actionOptions([createKey], undefined, viewer)).toEqual([]);
  });

  it('does not offer an action again while the same request waits or runs', () => {
    const pending: ResponseRequest = {
      requestId: 'resp-00000000000000000001',
      caseId: CASE_ID,
      tenantId: TENANT,
      action: 'deny_all_policy',
      target: { userName: 'bob' },
      dryRun: false,
      requestedBy: { type: 'provider', id: 'p:analyst' },
      requesterRole: 'provider',
      requestedAt: '2026-11-20T10:05:00.000Z',
      status: 'PENDING_APPROVAL',
    };
    expect(options([createKey], [pending]).some((o) => o.action === 'deny_all_policy' && o.target.userName === 'bob')).toBe(false);
    expect(options([createKey], [{ ...pending, status: 'REJECTED' }]).some((o) => o.action === 'deny_all_policy' && o.target.userName === 'bob')).toBe(true);
  });

  it('labels each option with its action and target', () => {
    const labels = actionOptions([createKey], config, viewer).map((o) => o.label);
    expect(labels).toContain('Deactivate access key AKIABOBNEWKEY0000002 of bob');
    expect(labels).toContain('Block IP 203.0.113.77');
  });
});

describe('case page data: entities', () => {
  it('lists every observable, with its enrichment where there is one', () => {
    const d = detail([createKey], {
      enrichment: {
        caseId: CASE_ID,
        computedAt: '2026-11-20T10:03:00.000Z',
        contextVersion: 'v1',
        entities: [
          { type: 'ip', value: '203.0.113.77', labels: ['threat-intel:known-attacker'], intel: [{ list: 'feed', category: 'known-attacker' }] },
          { type: 'host', value: 'gone-host', labels: ['asset'], asset: { id: 'a-1' } },
        ],
      },
    });
    const entities = pageEntities(d);
    expect(entities.map((e) => `${e.type}:${e.value}`)).toEqual([
      'user:admin',
      'user:bob',
      'access_key:AKIAADMINKEY00000001',
      'access_key:AKIABOBNEWKEY0000002',
      'ip:203.0.113.77',
      'ip:10.1.2.3',
      'host:gone-host',
    ]);
    expect(entities.find((e) => e.value === '203.0.113.77')?.labels).toEqual(['threat-intel:known-attacker']);
    expect(entities.find((e) => e.value === 'bob')).toEqual({ type: 'user', value: 'bob', labels: [] });
  });

  it("uses the case's correlation entities for alerts kept before observables were", () => {
    const entities = pageEntities(detail([alert({})]));
    expect(entities.map((e) => `${e.type}:${e.value}`)).toEqual(['user:alice', 'account:111122223333', 'ip:203.0.113.77']);
  });
});

describe('case page data: loading', () => {
  const requests: ResponseRequest[] = [];
  const deps = (d: CaseDetail | undefined) => ({
    store: { getCaseDetail: async () => d },
    responses: { list: async () => requests },
    responseConfig: config,
    tenantId: TENANT,
    runbooks: { 'aws-iam-create-access-key': ['Call the IAM owner on +1 555 0100', 'Check the new key in the key inventory'] },
  });

  it('builds the whole page from the stores: summary with the runbook, evidence, timeline, options', async () => {
    const d = detail([createKey, alert({ findingId: 'f-old', evidence: undefined })], {
      timeline: [{ at: '2026-11-20T10:03:00.000Z', action: 'opened', actor: { type: 'system', id: 'mdr-cases' }, requestId: 'f-1' }],
    });
    const page = await loadCasePageData(deps(d), CASE_ID, viewer);
    expect(page?.summary?.nextSteps.slice(0, 2)).toEqual(['Call the IAM owner on +1 555 0100', 'Check the new key in the key inventory']);
    expect(page?.summary?.why.description).toBe('An IAM user created an access key for another user.');
    expect(page?.alerts.map((a) => a.evidence.length)).toEqual([1, 0]);
    expect(page?.alerts[0].ruleTitle).toBe('Access key created for another user');
    expect(page?.timeline).toHaveLength(1);
    expect(page?.times).toBeDefined();
    expect(page?.viewer).toEqual(viewer);
    expect(page?.actions.options.length).toBeGreaterThan(0);
    expect(page?.actions.requests).toBe(requests);
  });

  it("gives nothing for another tenant's case or no case", async () => {
    expect(await loadCasePageData(deps(detail([createKey], { case: caseRecord({ tenantId: 'other' }) })), CASE_ID, viewer)).toBeUndefined();
    expect(await loadCasePageData(deps(undefined), CASE_ID, viewer)).toBeUndefined();
  });

  it('offers no actions without the response service', async () => {
    const { responses: _r, ...rest } = deps(detail([createKey]));
    const page = await loadCasePageData(rest, CASE_ID, viewer);
    expect(page?.actions).toEqual({ options: [], requests: [] });
  });
});
