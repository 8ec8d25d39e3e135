import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantResponseActions } from '../../infra/constructs/response-actions';
import { parseResponseConfig } from '../../shared/config/response-config';

const IP_SET = 'arn:aws:wafv2:eu-west-1:111111111111:regional/ipset/blocked/0a1b2c3d-0000-4000-8000-000000000001';

/** The statements the respond role gets for a configuration. */
function statementsFor(responseConfig: unknown): { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const stack = new Stack(new App(), 'Respond', { env: { account: '111111111111', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'RespondRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grantResponseActions(role, parseResponseConfig(responseConfig), { prefix: 'mdr-acme', partition: 'aws', region: 'eu-west-1', account: '111111111111' });
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p) => (p.Properties.PolicyDocument as { Statement: never[] }).Statement);
}

const actionsOf = (statements: ReturnType<typeof statementsFor>) => statements.flatMap((s) => ([] as string[]).concat(s.Action)).sort();

describe('response action grants', () => {
  it('grants only iam:UpdateAccessKey, on users, when only deactivate_access_key is enabled', () => {
    const statements = statementsFor({ actions: { deactivate_access_key: { enabled: true } } });
    expect(actionsOf(statements)).toEqual(['iam:UpdateAccessKey']);
    expect(statements[0].Resource).toBe('arn:aws:iam::111111111111:user/*');
    expect(actionsOf(statements).some((a) => a.startsWith('ec2:') || a.startsWith('wafv2:'))).toBe(false);
  });

  it('grants nothing when every action is disabled (the default)', () => {
    expect(statementsFor({})).toEqual([]);
  });

  it('limits WAF to the configured IP set and deny-all attachment to the deployment policy', () => {
    const statements = statementsFor({ actions: { block_ip: { enabled: true, ipSetArn: IP_SET }, deny_all_policy: { enabled: true } } });
    expect(statements.find((s) => s.Sid === 'ResponseBlockIp')).toMatchObject({ Action: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'], Resource: IP_SET });
    expect(statements.find((s) => s.Sid === 'ResponseAttachDenyAll')?.Condition).toEqual({ ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::111111111111:policy/mdr-acme/mdr-acme-deny-all' } });
    expect(actionsOf(statements).every((a) => !a.includes('*'))).toBe(true);
    expect(actionsOf(statements).some((a) => a.startsWith('ec2:'))).toBe(false);
  });

  it('grants quarantine its EC2 calls with no wildcard action', () => {
    const statements = statementsFor({ actions: { quarantine_instance: { enabled: true } } });
    expect(actionsOf(statements)).toEqual(
      [
        'ec2:CreateSecurityGroup',
        'ec2:CreateSnapshot',
        'ec2:CreateTags',
        'ec2:DescribeInstances',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSnapshots',
        'ec2:ModifyInstanceAttribute',
        'ec2:ModifyNetworkInterfaceAttribute',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress',
      ].sort(),
    );
    expect(statements.find((s) => s.Sid === 'ResponseCloseIsolationGroup')?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/mdr:isolation': 'mdr-acme' } });
  });
});
