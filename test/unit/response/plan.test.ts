import { parseResponseConfig } from '../../../shared/config/response-config';
import type { ResponseRequest } from '../../../shared/contracts/investigation';
import { planRequest, revokeSessionsDocument } from '../../../shared/response/plan';

const V4 = 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/blocked-v4/0a1b2c3d-0000-4000-8000-000000000001';
const V6 = 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/blocked-v6/0a1b2c3d-0000-4000-8000-000000000002';
const ctx = { prefix: 'mdr-acme', config: parseResponseConfig({ actions: { block_ip: { enabled: true, ipSetArn: V4, ipv6IpSetArn: V6 } } }) };
const base: ResponseRequest = {
  requestId: 'resp-0123456789abcdef0123',
  caseId: 'case-1',
  tenantId: 'acme',
  action: 'deactivate_access_key',
  target: {},
  dryRun: true,
  requestedBy: { type: 'user', id: 'carol' },
  requesterRole: 'customer',
  requestedAt: '2026-01-01T00:00:00Z',
  status: 'APPROVED',
};
const ops = (r: Partial<ResponseRequest>, original?: ResponseRequest) => planRequest({ ...base, ...r }, ctx, original).map((c) => `${c.service}:${c.operation}`);

describe('response plans (what a dry run records)', () => {
  it('names every call of each action', () => {
    expect(ops({ action: 'deactivate_access_key', target: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob' } })).toEqual(['iam:UpdateAccessKey']);
    expect(ops({ action: 'deny_all_policy', target: { roleName: 'app' } })).toEqual(['iam:CreatePolicy', 'iam:ListPolicies', 'iam:AttachRolePolicy']);
    expect(ops({ action: 'deny_all_policy', target: { userName: 'bob' } })).toContain('iam:AttachUserPolicy');
    expect(ops({ action: 'revoke_role_sessions', target: { roleName: 'app' } })).toEqual(['iam:PutRolePolicy']);
    expect(ops({ action: 'quarantine_instance', target: { instanceId: 'i-01234567' } })).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'ec2:CreateSecurityGroup',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:ModifyInstanceAttribute',
      'ec2:DescribeSnapshots',
      'ec2:CreateSnapshot',
    ]);
    expect(ops({ action: 'block_ip', target: { ip: '198.51.100.7' } })).toEqual(['wafv2:GetIPSet', 'wafv2:UpdateIPSet']);
  });

  it('puts the address as a host CIDR into the IP set of its family', () => {
    const v4 = planRequest({ ...base, action: 'block_ip', target: { ip: '198.51.100.7' } }, ctx);
    expect(v4[1].input).toMatchObject({ Name: 'blocked-v4', Scope: 'REGIONAL', Id: '0a1b2c3d-0000-4000-8000-000000000001', Addresses: expect.arrayContaining(['198.51.100.7/32']) });
    const v6 = planRequest({ ...base, action: 'block_ip', target: { ip: '2001:DB8:0:0::1' } }, ctx);
    expect(v6[1].input).toMatchObject({ Name: 'blocked-v6', Addresses: expect.arrayContaining(['2001:db8::1/128']) });
  });

  it('plans an undo from what the original recorded', () => {
    const original: ResponseRequest = { ...base, action: 'quarantine_instance', target: { instanceId: 'i-01234567' }, status: 'SUCCEEDED', result: { previousGroups: { 'eni-1': ['sg-web', 'sg-ssh'] } } };
    expect(planRequest({ ...base, undoOf: original.requestId, action: 'quarantine_instance', target: original.target }, ctx, original)).toEqual([
      { service: 'ec2', operation: 'ModifyInstanceAttribute', input: { InstanceId: 'i-01234567', Groups: ['sg-web', 'sg-ssh'] } },
    ]);
    const key: ResponseRequest = { ...base, target: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob' }, status: 'SUCCEEDED' };
    expect(planRequest({ ...base, undoOf: key.requestId, target: key.target }, ctx, key)[0].input).toMatchObject({ Status: 'Active' });
  });

  it('revokes sessions issued before the cut-off only', () => {
    expect(JSON.parse(revokeSessionsDocument('2026-01-01T00:00:00.000Z')).Statement[0]).toEqual({
      Sid: 'MdrRevokeOlderSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00.000Z' } },
    });
  });
});
