import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import type { ResponseConfig } from '../../shared/config/response-config';
import { responseNames, ResponseTags } from '../../shared/response/plan';
import { acknowledge } from '../nag';

export interface ResponseGrantScope {
  /** Deployment resource prefix (names the deny-all policy and the isolation group). */
  prefix: string;
  partition: string;
  region: string;
  account: string;
}

/** A resource the statements cannot narrow further, and why (for the cdk-nag acknowledgement). */
export interface WildcardGrant {
  action: string;
  resource: string;
  reason: string;
}

/**
 * Grants the respond function what the enabled response actions call, and
 * nothing for disabled ones: named actions only, resources as narrow as
 * each API allows. Returns the grants that need a wildcard resource, with
 * the reason; when the grantee is a construct (a role) they are
 * acknowledged on it for cdk-nag.
 */
export function grantResponseActions(role: iam.IGrantable, config: ResponseConfig, scope: ResponseGrantScope): WildcardGrant[] {
  const { prefix, partition, region, account } = scope;
  const n = responseNames(prefix);
  const iamArn = (resource: string) => `arn:${partition}:iam::${account}:${resource}`;
  const ec2Arn = (resource: string, acct = account) => `arn:${partition}:ec2:${region}:${acct}:${resource}`;
  const add = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    role.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
  const wildcards: WildcardGrant[] = [];
  const a = config.actions;

  if (a.deactivate_access_key.enabled) {
    add('ResponseDeactivateAccessKey', ['iam:UpdateAccessKey'], [iamArn('user/*')]);
    wildcards.push({ action: 'iam:UpdateAccessKey', resource: iamArn('user/*'), reason: 'the user whose key is deactivated is named by the request at run time' });
  }
  if (a.deny_all_policy.enabled) {
    const policyArn = iamArn(`policy${n.policyPath}${n.denyAllPolicy}`);
    add('ResponseCreateDenyAllPolicy', ['iam:CreatePolicy'], [policyArn]);
    add('ResponseFindDenyAllPolicy', ['iam:ListPolicies'], ['*']);
    // Attach and detach only the deployment's deny-all policy, to whichever principal the request names.
    add('ResponseAttachDenyAll', ['iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'], [iamArn('user/*'), iamArn('role/*')], {
      ArnEquals: { 'iam:PolicyARN': policyArn },
    });
    wildcards.push(
      { action: 'iam:ListPolicies', resource: '*', reason: 'iam:ListPolicies has no resource-level permissions; it finds the deny-all policy ARN by path when the policy already exists' },
      { action: 'iam:AttachUserPolicy', resource: iamArn('user/*'), reason: 'the principal is named by the request; the condition iam:PolicyARN limits it to the deny-all policy' },
      { action: 'iam:AttachRolePolicy', resource: iamArn('role/*'), reason: 'the principal is named by the request; the condition iam:PolicyARN limits it to the deny-all policy' },
    );
  }
  if (a.revoke_role_sessions.enabled) {
    add('ResponseRevokeRoleSessions', ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], [iamArn('role/*')]);
    wildcards.push({ action: 'iam:PutRolePolicy', resource: iamArn('role/*'), reason: 'the role is named by the request; IAM has no condition key for the inline policy name' });
  }
  if (a.quarantine_instance.enabled) {
    const isolationTag = { StringEquals: { [`aws:ResourceTag/${ResponseTags.isolation}`]: prefix } };
    add('ResponseDescribeEc2', ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSnapshots'], ['*']);
    add('ResponseCreateIsolationGroup', ['ec2:CreateSecurityGroup'], [ec2Arn('vpc/*'), ec2Arn('security-group/*')]);
    add('ResponseTagOnCreate', ['ec2:CreateTags'], [ec2Arn('security-group/*'), ec2Arn('snapshot/*', '')], {
      StringEquals: { 'ec2:CreateAction': ['CreateSecurityGroup', 'CreateSnapshot'] },
    });
    // Only the isolation group (tagged at creation) loses its rules.
    add('ResponseCloseIsolationGroup', ['ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'], [ec2Arn('security-group/*')], isolationTag);
    add('ResponseSwapSecurityGroups', ['ec2:ModifyInstanceAttribute', 'ec2:ModifyNetworkInterfaceAttribute'], [ec2Arn('instance/*'), ec2Arn('network-interface/*'), ec2Arn('security-group/*')]);
    add('ResponseSnapshotVolumes', ['ec2:CreateSnapshot'], [ec2Arn('volume/*'), ec2Arn('snapshot/*', '')]);
    wildcards.push(
      { action: 'ec2:Describe*', resource: '*', reason: 'EC2 Describe calls have no resource-level permissions' },
      { action: 'ec2:CreateSecurityGroup', resource: ec2Arn('vpc/*'), reason: 'the isolation group is created in the VPC of whichever instance the request names' },
      { action: 'ec2:CreateTags', resource: ec2Arn('security-group/*'), reason: 'tags only at creation (ec2:CreateAction) of the isolation group and the snapshots, whose ids do not exist before' },
      { action: 'ec2:RevokeSecurityGroupEgress', resource: ec2Arn('security-group/*'), reason: 'limited by aws:ResourceTag to the isolation group of this deployment' },
      { action: 'ec2:ModifyInstanceAttribute', resource: ec2Arn('instance/*'), reason: 'the instance (and its interfaces and groups) is named by the request at run time' },
      { action: 'ec2:CreateSnapshot', resource: ec2Arn('volume/*'), reason: 'the volumes are those attached to the instance the request names; snapshot ids do not exist before' },
      { action: 'ec2:CreateSnapshot', resource: ec2Arn('snapshot/*', ''), reason: 'snapshot ids do not exist before they are created (tags only at creation)' },
      { action: 'ec2:ModifyNetworkInterfaceAttribute', resource: ec2Arn('network-interface/*'), reason: "the interfaces are those of the instance the request names, for instances with several interfaces" },
    );
  }
  if (a.block_ip.enabled) {
    const sets = [a.block_ip.ipSetArn, a.block_ip.ipv6IpSetArn].filter((s): s is string => !!s);
    if (sets.length) add('ResponseBlockIp', ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'], sets);
  }

  if (wildcards.length && Construct.isConstruct(role)) {
    // cdk-nag reports each wildcard resource on its own, with the pseudo parameters written <AWS::…>.
    const nagForm = (r: string) => r.split(partition).join('<AWS::Partition>').split(region).join('<AWS::Region>').split(account).join('<AWS::AccountId>');
    const byResource = new Map<string, WildcardGrant[]>();
    for (const w of wildcards) byResource.set(nagForm(w.resource), [...(byResource.get(nagForm(w.resource)) ?? []), w]);
    for (const [resource, grants] of byResource) {
      acknowledge(
        role as IConstruct,
        `AwsSolutions-IAM5[Resource::${resource}]`,
        `Response actions act on what each request names at run time: ${grants.map((w) => `${w.action} (${w.reason})`).join('; ')}.`,
      );
    }
  }
  return wildcards;
}
