import { isIP } from 'node:net';
import type { ResponseConfig } from '../config/response-config';
import type { ResponseRequest } from '../contracts/investigation';
import type { PlannedCall } from './executor';
import { hostCidr } from './targets';

/** Names and settings the actions use in one deployment. */
export interface PlanContext {
  /** Resource prefix of the deployment: names the deny-all policy, the isolation group and the revoke policy. */
  prefix: string;
  config: ResponseConfig;
}

/** Tag keys put on what the actions create, so a repeat finds it instead of creating it again. */
export const ResponseTags = {
  /** On the isolation group: the deployment prefix. */
  isolation: 'mdr:isolation',
  caseId: 'mdr:case-id',
  requestId: 'mdr:request-id',
} as const;

export const responseNames = (prefix: string) => ({
  denyAllPolicy: `${prefix}-deny-all`,
  /** IAM path of the deny-all policy, so it can be listed without reading every policy of the account. */
  policyPath: `/${prefix}/`,
  revokeSessionsPolicy: `${prefix}-revoke-older-sessions`,
  isolationGroup: `${prefix}-isolation`,
});

export const DENY_ALL_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'MdrResponseDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
});

/**
 * The documented way to revoke a role's sessions: deny everything to
 * credentials issued before a cut-off. New sessions (after the cut-off) work.
 */
export function revokeSessionsDocument(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'MdrRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': before } } }],
  });
}

/** IP set of an address: `{ Name, Scope, Id }` from the configured ARN. */
export function ipSetOf(config: ResponseConfig, ip: string): { arn: string; Name: string; Scope: 'REGIONAL' | 'CLOUDFRONT'; Id: string } | undefined {
  const policy = config.actions.block_ip;
  const arn = isIP(ip) === 6 ? policy.ipv6IpSetArn : policy.ipSetArn;
  if (!arn) return undefined;
  const parts = arn.split('/');
  return { arn, Name: parts[parts.length - 2], Id: parts[parts.length - 1], Scope: policy.ipSetScope ?? (arn.includes(':global/') ? 'CLOUDFRONT' : 'REGIONAL') };
}

const call = (service: PlannedCall['service'], operation: string, input: Record<string, unknown>, note?: string): PlannedCall => ({ service, operation, input, ...(note ? { note } : {}) });

function principal(t: Record<string, string>): { kind: 'User' | 'Role'; key: 'UserName' | 'RoleName'; name: string } {
  return t.userName !== undefined ? { kind: 'User', key: 'UserName', name: t.userName } : { kind: 'Role', key: 'RoleName', name: t.roleName };
}

function actionPlan(r: ResponseRequest, ctx: PlanContext): PlannedCall[] {
  const n = responseNames(ctx.prefix);
  const t = r.target;
  switch (r.action) {
    case 'deactivate_access_key':
      return [call('iam', 'UpdateAccessKey', { UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Inactive' })];
    case 'deny_all_policy': {
      const p = principal(t);
      return [
        call('iam', 'CreatePolicy', { PolicyName: n.denyAllPolicy, Path: n.policyPath, PolicyDocument: DENY_ALL_DOCUMENT }, 'only if the policy does not exist yet'),
        call('iam', 'ListPolicies', { Scope: 'Local', PathPrefix: n.policyPath }, 'to find its ARN when it exists'),
        call('iam', `Attach${p.kind}Policy`, { [p.key]: p.name, PolicyArn: `<ARN of ${n.denyAllPolicy}>` }),
      ];
    }
    case 'revoke_role_sessions':
      return [call('iam', 'PutRolePolicy', { RoleName: t.roleName, PolicyName: n.revokeSessionsPolicy, PolicyDocument: revokeSessionsDocument('<time execution starts>') })];
    case 'quarantine_instance':
      return [
        call('ec2', 'DescribeInstances', { InstanceIds: [t.instanceId] }, 'its VPC, network interfaces (with their security groups) and EBS volumes'),
        call('ec2', 'DescribeSecurityGroups', { Filters: [{ Name: 'vpc-id', Values: ['<instance VPC>'] }, { Name: `tag:${ResponseTags.isolation}`, Values: [ctx.prefix] }] }),
        call(
          'ec2',
          'CreateSecurityGroup',
          { GroupName: n.isolationGroup, Description: 'MDR quarantine: no inbound, no outbound', VpcId: '<instance VPC>', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: ResponseTags.isolation, Value: ctx.prefix }] }] },
          'only if the VPC has no isolation group yet',
        ),
        call('ec2', 'RevokeSecurityGroupEgress', { GroupId: '<isolation group>', IpPermissions: '<every egress rule>' }, 'while the group has egress rules (a new group allows all egress)'),
        call('ec2', 'ModifyInstanceAttribute', { InstanceId: t.instanceId, Groups: ['<isolation group>'] }, 'previous groups are recorded first; with several network interfaces, ModifyNetworkInterfaceAttribute once per interface instead'),
        call('ec2', 'DescribeSnapshots', { Filters: [{ Name: `tag:${ResponseTags.requestId}`, Values: [r.requestId] }] }),
        call(
          'ec2',
          'CreateSnapshot',
          { VolumeId: '<each attached EBS volume>', TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: ResponseTags.caseId, Value: r.caseId }, { Key: ResponseTags.requestId, Value: r.requestId }] }] },
          'once per volume without a snapshot of this request',
        ),
      ];
    case 'block_ip': {
      const set = ipSetOf(ctx.config, t.ip);
      const ref = set ? { Name: set.Name, Scope: set.Scope, Id: set.Id } : { IPSet: '<not configured>' };
      return [call('wafv2', 'GetIPSet', ref), call('wafv2', 'UpdateIPSet', { ...ref, Addresses: [`<current addresses>`, hostCidr(t.ip)], LockToken: '<from GetIPSet>' }, 'only if the address is not in the set yet')];
    }
  }
}

function undoPlan(original: ResponseRequest, ctx: PlanContext): PlannedCall[] {
  const n = responseNames(ctx.prefix);
  const t = original.target;
  const res = original.result ?? {};
  switch (original.action) {
    case 'deactivate_access_key':
      return [call('iam', 'UpdateAccessKey', { UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Active' })];
    case 'deny_all_policy': {
      const p = principal(t);
      return [call('iam', `Detach${p.kind}Policy`, { [p.key]: p.name, PolicyArn: res.policyArn ?? `<ARN of ${n.denyAllPolicy}>` })];
    }
    case 'revoke_role_sessions':
      return [call('iam', 'DeleteRolePolicy', { RoleName: t.roleName, PolicyName: n.revokeSessionsPolicy })];
    case 'quarantine_instance': {
      const previous = (res.previousGroups ?? {}) as Record<string, string[]>;
      const enis = Object.entries(previous);
      if (enis.length === 1) return [call('ec2', 'ModifyInstanceAttribute', { InstanceId: t.instanceId, Groups: enis[0][1] })];
      const calls = enis.map(([eni, groups]) => call('ec2', 'ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: eni, Groups: groups }));
      return calls.length ? calls : [call('ec2', 'ModifyInstanceAttribute', { InstanceId: t.instanceId, Groups: '<groups recorded before quarantine>' })];
    }
    case 'block_ip': {
      const set = ipSetOf(ctx.config, t.ip);
      const ref = set ? { Name: set.Name, Scope: set.Scope, Id: set.Id } : { IPSet: '<not configured>' };
      return [call('wafv2', 'GetIPSet', ref), call('wafv2', 'UpdateIPSet', { ...ref, Addresses: `<current addresses without ${hostCidr(t.ip)}>`, LockToken: '<from GetIPSet>' }, 'only if the address was not in the set before')];
    }
  }
}

/** The API calls a request makes (an undo request: the calls reversing `original`). Pure: dry runs record it. */
export function planRequest(request: ResponseRequest, ctx: PlanContext, original?: ResponseRequest): PlannedCall[] {
  return request.undoOf && original ? undoPlan(original, ctx) : actionPlan(request, ctx);
}
