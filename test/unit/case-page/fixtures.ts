import { caseTimes } from '../../../shared/cases/metrics';
import type { CaseRecord } from '../../../shared/cases/model';
import type { ResponseRequest } from '../../../shared/contracts/investigation';
import type { CasePageData } from '../../../functions/case-api/page-routes';

/** Markup an attacker can put in any event field (user agent, bucket name, …). */
export const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
export const TENANT = 'acme';
export const CASE_ID = 'case-7f3a9c21d4e5b6a70812';
export const NOW = new Date('2026-11-20T10:30:00.000Z');

export function caseRecord(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: CASE_ID,
    tenantId: TENANT,
    title: 'Console login without MFA by alice in 111122223333',
    status: 'NEW',
    severity: 'high',
    ruleId: 'aws-console-login-no-mfa',
    tags: ['attack.initial_access', 'attack.t1078.004'],
    correlationKey: 'k-1',
    entities: { users: ['alice'], hosts: [], ips: ['203.0.113.77'], accounts: ['111122223333'], resources: [] },
    alertCount: 2,
    detectedAt: '2026-11-20T10:02:11.000Z',
    createdAt: '2026-11-20T10:03:00.000Z',
    firstSeen: '2026-11-20T10:02:11.000Z',
    lastSeen: '2026-11-20T10:09:45.000Z',
    updatedAt: '2026-11-20T10:09:50.000Z',
    version: 2,
    ...over,
  };
}

const pending: ResponseRequest = {
  requestId: 'rr-pending-0001',
  caseId: CASE_ID,
  tenantId: TENANT,
  action: 'deny_all_policy',
  target: { userName: 'alice' },
  dryRun: false,
  requestedBy: { type: 'provider', id: 'soc-analyst-7', via: 'provider-bus' },
  requesterRole: 'provider',
  requestedAt: '2026-11-20T10:20:00.000Z',
  status: 'PENDING_APPROVAL',
};

const done: ResponseRequest = {
  requestId: 'rr-done-0002',
  caseId: CASE_ID,
  tenantId: TENANT,
  action: 'block_ip',
  target: { ip: '203.0.113.77' },
  dryRun: false,
  requestedBy: { type: 'user', id: 'oncall-primary', via: 'case-page' },
  requesterRole: 'customer',
  requestedAt: '2026-11-20T10:15:00.000Z',
  status: 'SUCCEEDED',
  completedAt: '2026-11-20T10:15:04.000Z',
  result: { webAclRuleId: 'mdr-block-203-0-113-77', ipSet: 'mdr-blocked-ips' },
  undo: { action: 'undo', description: 'remove 203.0.113.77 from the block list' },
};

/** A case with every section filled, as the case API would build it. */
export function fullModel(over: Partial<CaseRecord> = {}): CasePageData {
  const c = caseRecord(over);
  return {
    case: c,
    times: caseTimes(c),
    summary: {
      headline: 'alice signed in to the AWS console without MFA from a Tor exit node',
      what: 'A successful console sign-in by IAM user alice with MFA not used.',
      who: ['alice (IAM user, owner: Platform team)'],
      where: ['account 111122223333 (prod-payments)', 'from 203.0.113.77 (NL)'],
      when: '2026-11-20 10:02 UTC, twice within 8 minutes',
      why: {
        description: 'Console access without MFA from an anonymising network is a common first step after credential theft.',
        techniques: [{ id: 'T1078.004', name: 'Valid Accounts: Cloud Accounts', tactics: ['initial-access', 'persistence'] }],
        falsePositives: ['Break-glass users that are documented as not having MFA'],
      },
      nextSteps: ['Confirm with alice whether she signed in', 'If not, deactivate her access keys and attach the deny-all policy', 'Rotate her password'],
    },
    entities: [
      { type: 'user', value: 'alice', labels: ['vip'], owner: 'Platform team', asset: { id: 'iam-user-alice', name: 'alice (IAM user)', environment: 'prod', criticality: 'high' } },
      {
        type: 'ip',
        value: '203.0.113.77',
        labels: ['threat-intel:tor-exit'],
        geo: { country: 'NL' },
        intel: [{ list: 'tor-exit-nodes', category: 'tor-exit', confidence: 90, description: 'Tor exit relay' }],
      },
      { type: 'account', value: '111122223333', labels: [], alias: 'prod-payments' },
    ],
    alerts: [
      {
        findingId: 'f-0001',
        ruleId: 'aws-console-login-no-mfa',
        ruleTitle: 'Console login without MFA',
        ruleVersion: '3',
        severity: 'high',
        eventTime: '2026-11-20T10:02:11.000Z',
        events: [{ uid: 'ev-0001', source: 'cloudtrail', time: '2026-11-20T10:02:11.000Z' }],
        evidence: [
          {
            uid: 'ev-0001',
            source: 'cloudtrail',
            time: '2026-11-20T10:02:11.000Z',
            bytes: 912,
            raw: {
              eventName: 'ConsoleLogin',
              userIdentity: { type: 'IAMUser', userName: 'alice' },
              sourceIPAddress: '203.0.113.77',
              userAgent: HOSTILE,
              additionalEventData: { MFAUsed: 'No' },
            },
            ocsf: { class_uid: 3002, activity_id: 1, actor: { user: { name: 'alice' } }, src_endpoint: { ip: '203.0.113.77' }, http_request: { user_agent: HOSTILE } },
          },
        ],
      },
      {
        findingId: 'f-0002',
        ruleId: 'aws-console-login-no-mfa',
        ruleVersion: '3',
        severity: 'medium',
        eventTime: '2026-11-20T10:09:45.000Z',
        events: [
          { uid: 'ev-0002', source: 'cloudtrail', time: '2026-11-20T10:09:45.000Z' },
          { uid: 'ev-0003', source: 'cloudtrail', time: '2026-11-20T10:09:46.000Z' },
        ],
        evidence: [
          {
            uid: 'ev-0002',
            source: 'cloudtrail',
            time: '2026-11-20T10:09:45.000Z',
            bytes: 412_000,
            truncated: true,
            pointer: { bucket: 'acme-mdr-evidence', key: 'evidence/2026/11/20/f-0002/ev-0002.json' },
          },
        ],
      },
    ],
    timeline: [
      { at: '2026-11-20T10:03:00.000Z', action: 'opened', actor: { type: 'system', id: 'mdr-pipeline' }, requestId: 'f-0001' },
      { at: '2026-11-20T10:09:50.000Z', action: 'alert_added', actor: { type: 'system', id: 'mdr-pipeline' }, requestId: 'f-0002', details: { findingId: 'f-0002' } },
      { at: '2026-11-20T10:04:00.000Z', action: 'notified', actor: { type: 'system', id: 'mdr-notify' }, requestId: 'n-1', details: { channel: 'sms', note: HOSTILE } },
    ],
    actions: {
      options: [
        { action: 'deactivate_access_key', target: { accessKeyId: 'AKIAEXAMPLEALICE0001', userName: 'alice' }, label: 'Deactivate access key AKIA…0001 of alice', needsApproval: false },
        { action: 'quarantine_instance', target: { instanceId: 'i-0abc123def4567890' }, label: 'Quarantine instance i-0abc123def4567890', needsApproval: true },
      ],
      requests: structuredClone([pending, done]),
    },
    viewer: { id: 'oncall-primary', role: 'customer' },
  };
}
