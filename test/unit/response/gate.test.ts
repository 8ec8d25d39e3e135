import { parseResponseConfig } from '../../../shared/config/response-config';
import type { ResponseActionType, ResponseRequest } from '../../../shared/contracts/investigation';
import { approvalProblem, decideRequest } from '../../../shared/response/gate';

const IP_SET = 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/blocked/0a1b2c3d-0000-4000-8000-000000000001';
const all = { enabled: true, requesters: ['customer', 'provider'], approval: 'none' };
const config = parseResponseConfig({
  actions: {
    deactivate_access_key: all,
    deny_all_policy: all,
    revoke_role_sessions: { enabled: true, requesters: ['customer'], approval: 'none' },
    quarantine_instance: { enabled: true, requesters: ['customer', 'provider'], approval: 'customer' },
    block_ip: { ...all, ipSetArn: IP_SET },
  },
});

const decide = (action: ResponseActionType, target: unknown, requesterRole: 'customer' | 'provider' = 'customer') => decideRequest(config, { action, target, requesterRole });

describe('response gate', () => {
  it('refuses an action the customer has not enabled, saying so', () => {
    const d = decideRequest(parseResponseConfig({}), { action: 'deactivate_access_key', target: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob' }, requesterRole: 'customer' });
    expect(d).toMatchObject({ decision: 'refused', reason: expect.stringContaining('not enabled') });
  });

  it('refuses a requester the customer did not allow', () => {
    expect(decide('revoke_role_sessions', { roleName: 'app' }, 'provider')).toMatchObject({ decision: 'refused', reason: expect.stringContaining('not by the provider') });
  });

  it.each([
    ['deactivate_access_key', { accessKeyId: 'ASIAABCDEFGHIJKLMNOP', userName: 'bob' }, 'accessKeyId'],
    ['deactivate_access_key', { accessKeyId: 'AKIAABCDEFGHIJKLMNOP' }, 'userName is required'],
    ['deactivate_access_key', { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob smith' }, 'userName'],
    ['deny_all_policy', { userName: 'bob', roleName: 'app' }, 'exactly one'],
    ['deny_all_policy', {}, 'exactly one'],
    ['deny_all_policy', { roleName: 'x'.repeat(65) }, 'roleName'],
    ['revoke_role_sessions', { roleName: 'app', extra: 'x' }, 'target.extra'],
    ['quarantine_instance', { instanceId: 'i-123' }, 'instanceId'],
    ['quarantine_instance', { instanceId: 12 }, 'must be a string'],
    ['block_ip', { ip: '10.0.0.300' }, 'not an IPv4 or IPv6'],
    ['block_ip', { ip: '203.0.113.0/24' }, 'not an IPv4 or IPv6'],
    ['block_ip', 'not-an-object', 'must be an object'],
    ['block_ip', { ip: '2001:db8::1' }, 'no IPv6 IP set'],
  ] as [ResponseActionType, unknown, string][])('refuses a malformed %s target %j', (action, target, reason) => {
    expect(decide(action, target)).toMatchObject({ decision: 'refused', reason: expect.stringContaining(reason) });
  });

  it('approves well-formed targets when no approval is needed, and holds them when the customer approves', () => {
    expect(decide('deactivate_access_key', { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob' })).toMatchObject({ decision: 'approved' });
    expect(decide('deny_all_policy', { roleName: 'app-role' }, 'provider')).toMatchObject({ decision: 'approved', target: { roleName: 'app-role' } });
    expect(decide('block_ip', { ip: '198.51.100.7' }, 'provider')).toMatchObject({ decision: 'approved' });
    expect(decide('quarantine_instance', { instanceId: 'i-0123456789abcdef0' }, 'provider')).toMatchObject({ decision: 'pending_approval' });
    expect(decide('quarantine_instance', { instanceId: 'i-01234567' }, 'customer')).toMatchObject({ decision: 'pending_approval' });
  });

  describe('approval', () => {
    const pending: ResponseRequest = {
      requestId: 'resp-00000000000000000000',
      caseId: 'case-1',
      tenantId: 't',
      action: 'quarantine_instance',
      target: { instanceId: 'i-01234567' },
      dryRun: false,
      requestedBy: { type: 'user', id: 'carol', via: 'api' },
      requesterRole: 'customer',
      requestedAt: '2026-01-01T00:00:00Z',
      status: 'PENDING_APPROVAL',
    };

    it('lets only the customer approve', () => {
      expect(approvalProblem(config, pending, { actor: { type: 'provider', id: 'p:ann' }, role: 'provider' }, 'approve')).toContain('only the customer');
      expect(approvalProblem(config, pending, { actor: { type: 'provider', id: 'p:ann' }, role: 'provider' }, 'reject')).toContain('only the customer');
    });

    it('does not let the requester approve their own request', () => {
      expect(approvalProblem(config, pending, { actor: pending.requestedBy, role: 'customer' }, 'approve')).toContain('own request');
      expect(approvalProblem(config, pending, { actor: pending.requestedBy, role: 'customer' }, 'reject')).toBeUndefined();
    });

    it('lets another customer person approve, unless the action was disabled since', () => {
      const dave = { actor: { type: 'user' as const, id: 'dave' }, role: 'customer' as const };
      expect(approvalProblem(config, pending, dave, 'approve')).toBeUndefined();
      expect(approvalProblem(parseResponseConfig({}), pending, dave, 'approve')).toContain('no longer enabled');
    });
  });
});
