import {
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListPoliciesCommand,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetIPSetCommand, UpdateIPSetCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import type { ResponseConfig } from '../config/response-config';
import type { ResponseRequest } from '../contracts/investigation';
import { ExecutionError, type ExecutionContext, type ExecutionOutcome, type PlannedCall, type ResponseExecutor } from '../response/executor';
import { DENY_ALL_DOCUMENT, ipSetOf, planRequest, ResponseTags, responseNames, revokeSessionsDocument } from '../response/plan';
import { hostCidr } from '../response/targets';

export interface AwsResponseExecutorOptions {
  /** Deployment resource prefix: names the deny-all policy, the revoke policy and the isolation group. */
  prefix: string;
  config: ResponseConfig;
  iam: IAMClient;
  ec2: EC2Client;
  wafv2: WAFV2Client;
}

/** Errors that say the request itself cannot succeed: retrying will not help. */
const PERMANENT = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'ValidationError',
  'InvalidInput',
  'InvalidInputException',
  'MalformedPolicyDocument',
  'LimitExceeded',
  'LimitExceededException',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidParameterValue',
  'WAFNonexistentItemException',
  'WAFInvalidParameterException',
  'WAFLimitsExceededException',
]);

const nameOf = (e: unknown) => (e as { name?: string; Code?: string }).name ?? (e as { Code?: string }).Code ?? '';

/** Runs one AWS call; an error becomes an ExecutionError saying whether a retry can help. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new ExecutionError(`${what}: ${nameOf(e)} ${(e as Error).message}`.trim(), PERMANENT.has(nameOf(e)));
  }
}

/** Runs a call whose "already done" error means success (detach what is detached, delete what is gone). */
async function settled(what: string, fn: () => Promise<unknown>, doneWhen: readonly string[]): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (doneWhen.includes(nameOf(e))) return false;
    throw new ExecutionError(`${what}: ${nameOf(e)} ${(e as Error).message}`.trim(), PERMANENT.has(nameOf(e)));
  }
}

/**
 * Response actions through IAM, EC2 and WAFv2. Each step is safe to repeat:
 * look up (by tag or name) before creating, set states rather than toggle
 * them, and checkpoint what would otherwise be lost (an instance's groups).
 */
export class AwsResponseExecutor implements ResponseExecutor {
  constructor(private readonly o: AwsResponseExecutorOptions) {}

  private get names() {
    return responseNames(this.o.prefix);
  }

  plan(request: ResponseRequest, original?: ResponseRequest): PlannedCall[] {
    return planRequest(request, { prefix: this.o.prefix, config: this.o.config }, original);
  }

  async execute(r: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const t = r.target;
    switch (r.action) {
      case 'deactivate_access_key':
        await step('UpdateAccessKey', () => this.o.iam.send(new UpdateAccessKeyCommand({ UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Inactive' })));
        return { result: { userName: t.userName, accessKeyId: t.accessKeyId, status: 'Inactive' }, undo: `reactivate access key ${t.accessKeyId} of ${t.userName}` };
      case 'deny_all_policy': {
        const policyArn = await this.denyAllPolicy(ctx);
        if (t.userName !== undefined) await step('AttachUserPolicy', () => this.o.iam.send(new AttachUserPolicyCommand({ UserName: t.userName, PolicyArn: policyArn })));
        else await step('AttachRolePolicy', () => this.o.iam.send(new AttachRolePolicyCommand({ RoleName: t.roleName, PolicyArn: policyArn })));
        const who = t.userName !== undefined ? `user ${t.userName}` : `role ${t.roleName}`;
        return { result: { policyArn, ...(t.userName !== undefined ? { userName: t.userName } : { roleName: t.roleName }) }, undo: `detach ${this.names.denyAllPolicy} from ${who}` };
      }
      case 'revoke_role_sessions': {
        // The cut-off is when execution first started, so a resumed run writes the same policy.
        await step('PutRolePolicy', () =>
          this.o.iam.send(new PutRolePolicyCommand({ RoleName: t.roleName, PolicyName: this.names.revokeSessionsPolicy, PolicyDocument: revokeSessionsDocument(ctx.startedAt) })),
        );
        return {
          result: { roleName: t.roleName, policyName: this.names.revokeSessionsPolicy, revokedBefore: ctx.startedAt },
          undo: `delete inline policy ${this.names.revokeSessionsPolicy} of role ${t.roleName} (sessions issued before ${ctx.startedAt} work again if still unexpired)`,
        };
      }
      case 'quarantine_instance':
        return this.quarantine(r, ctx);
      case 'block_ip':
        return this.blockIp(r, ctx);
    }
  }

  async undo(original: ResponseRequest, _request: ResponseRequest, _ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const t = original.target;
    const res = original.result ?? {};
    switch (original.action) {
      case 'deactivate_access_key':
        await step('UpdateAccessKey', () => this.o.iam.send(new UpdateAccessKeyCommand({ UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Active' })));
        return { result: { undid: original.requestId, userName: t.userName, accessKeyId: t.accessKeyId, status: 'Active' } };
      case 'deny_all_policy': {
        const policyArn = res.policyArn as string;
        if (!policyArn) throw new ExecutionError(`request ${original.requestId} recorded no policy ARN`, true);
        const detached =
          t.userName !== undefined
            ? await settled('DetachUserPolicy', () => this.o.iam.send(new DetachUserPolicyCommand({ UserName: t.userName, PolicyArn: policyArn })), ['NoSuchEntity', 'NoSuchEntityException'])
            : await settled('DetachRolePolicy', () => this.o.iam.send(new DetachRolePolicyCommand({ RoleName: t.roleName, PolicyArn: policyArn })), ['NoSuchEntity', 'NoSuchEntityException']);
        return { result: { undid: original.requestId, policyArn, detached } };
      }
      case 'revoke_role_sessions': {
        const deleted = await settled(
          'DeleteRolePolicy',
          () => this.o.iam.send(new DeleteRolePolicyCommand({ RoleName: t.roleName, PolicyName: this.names.revokeSessionsPolicy })),
          ['NoSuchEntity', 'NoSuchEntityException'],
        );
        return { result: { undid: original.requestId, roleName: t.roleName, deleted } };
      }
      case 'quarantine_instance': {
        const previous = res.previousGroups as Record<string, string[]> | undefined;
        if (!previous || !Object.keys(previous).length) throw new ExecutionError(`request ${original.requestId} recorded no previous security groups`, true);
        await this.setGroups(t.instanceId, previous);
        // Snapshots are evidence: kept.
        return { result: { undid: original.requestId, instanceId: t.instanceId, restoredGroups: previous, snapshotsKept: res.snapshots ?? [] } };
      }
      case 'block_ip': {
        const cidr = hostCidr(t.ip);
        if (res.alreadyPresent === true) return { result: { undid: original.requestId, address: cidr, removed: false, why: 'the address was in the set before the block' } };
        const removed = await this.editIpSet(t.ip, (addresses) => (addresses.some((a) => sameCidr(a, cidr)) ? addresses.filter((a) => !sameCidr(a, cidr)) : undefined));
        return { result: { undid: original.requestId, ipSetArn: res.ipSetArn, address: cidr, removed } };
      }
    }
  }

  /** The deny-all managed policy, created once per deployment; found by path and name when it exists. */
  private async denyAllPolicy(ctx: ExecutionContext): Promise<string> {
    if (typeof ctx.progress.policyArn === 'string') return ctx.progress.policyArn;
    const n = this.names;
    let arn: string | undefined;
    try {
      const res = await this.o.iam.send(
        new CreatePolicyCommand({ PolicyName: n.denyAllPolicy, Path: n.policyPath, PolicyDocument: DENY_ALL_DOCUMENT, Description: 'MDR response: denies every action (attached to contain a principal)' }),
      );
      arn = res.Policy?.Arn;
    } catch (e) {
      if (!['EntityAlreadyExists', 'EntityAlreadyExistsException'].includes(nameOf(e))) throw new ExecutionError(`CreatePolicy: ${nameOf(e)} ${(e as Error).message}`, PERMANENT.has(nameOf(e)));
      let marker: string | undefined;
      do {
        const page = await step('ListPolicies', () => this.o.iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: n.policyPath, Marker: marker })));
        arn = page.Policies?.find((p) => p.PolicyName === n.denyAllPolicy)?.Arn;
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (!arn && marker);
    }
    if (!arn) throw new ExecutionError(`policy ${n.denyAllPolicy} exists but was not found under ${n.policyPath}`, false);
    await ctx.checkpoint({ ...ctx.progress, policyArn: arn });
    return arn;
  }

  private async quarantine(r: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const instanceId = r.target.instanceId;
    const described = await step('DescribeInstances', () => this.o.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    const instance = described.Reservations?.flatMap((x) => x.Instances ?? [])[0];
    if (!instance?.VpcId) throw new ExecutionError(`instance ${instanceId} not found or not in a VPC`, true);
    const vpcId = instance.VpcId;
    const enis = (instance.NetworkInterfaces ?? []).filter((n) => n.NetworkInterfaceId);
    if (!enis.length) throw new ExecutionError(`instance ${instanceId} has no network interface`, true);

    const isolationGroupId = (ctx.progress.isolationGroupId as string | undefined) ?? (await this.isolationGroup(vpcId));
    let previousGroups = ctx.progress.previousGroups as Record<string, string[]> | undefined;
    if (!previousGroups) {
      // Recorded before anything is replaced: a resumed run must restore these, not the isolation group.
      previousGroups =
        enis.length === 1
          ? { [enis[0].NetworkInterfaceId as string]: (instance.SecurityGroups ?? []).map((g) => g.GroupId as string) }
          : Object.fromEntries(enis.map((n) => [n.NetworkInterfaceId as string, (n.Groups ?? []).map((g) => g.GroupId as string)]));
      await ctx.checkpoint({ ...ctx.progress, isolationGroupId, previousGroups });
    }
    await this.closeGroup(isolationGroupId);
    await this.setGroups(instanceId, Object.fromEntries(enis.map((n) => [n.NetworkInterfaceId as string, [isolationGroupId]])));

    const volumes = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId).filter((v): v is string => !!v);
    const existing = await step('DescribeSnapshots', () =>
      this.o.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${ResponseTags.requestId}`, Values: [r.requestId] }] })),
    );
    const snapshots: { volumeId: string; snapshotId: string }[] = [];
    for (const volumeId of volumes) {
      const found = existing.Snapshots?.find((s) => s.VolumeId === volumeId)?.SnapshotId;
      const snapshotId =
        found ??
        (
          await step('CreateSnapshot', () =>
            this.o.ec2.send(
              new CreateSnapshotCommand({
                VolumeId: volumeId,
                Description: `MDR quarantine of ${instanceId}, case ${r.caseId}, request ${r.requestId}`,
                TagSpecifications: [
                  {
                    ResourceType: 'snapshot',
                    Tags: [
                      { Key: ResponseTags.caseId, Value: r.caseId },
                      { Key: ResponseTags.requestId, Value: r.requestId },
                      { Key: 'Name', Value: `${this.o.prefix}-${instanceId}-${volumeId}` },
                    ],
                  },
                ],
              }),
            ),
          )
        ).SnapshotId;
      if (snapshotId) snapshots.push({ volumeId, snapshotId });
    }
    return {
      result: { instanceId, vpcId, isolationGroupId, previousGroups, snapshots },
      undo: `restore the previous security groups of ${instanceId} (snapshots are kept)`,
    };
  }

  /**
   * Sets the security groups of an instance: through the instance when it
   * has one network interface (EC2 refuses that call for several), else
   * interface by interface.
   */
  private async setGroups(instanceId: string, groupsByEni: Record<string, string[]>): Promise<void> {
    const enis = Object.entries(groupsByEni);
    if (enis.length === 1) {
      await step('ModifyInstanceAttribute', () => this.o.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: enis[0][1] })));
      return;
    }
    for (const [eni, groups] of enis) {
      await step('ModifyNetworkInterfaceAttribute', () => this.o.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: groups })));
    }
  }

  /** The VPC's isolation group: found by tag, else created (a lost race on the name finds the winner's). */
  private async isolationGroup(vpcId: string): Promise<string> {
    const find = async (filters: { Name: string; Values: string[] }[]) =>
      (await step('DescribeSecurityGroups', () => this.o.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...filters] })))).SecurityGroups?.[0]?.GroupId;
    const tagged = await find([{ Name: `tag:${ResponseTags.isolation}`, Values: [this.o.prefix] }]);
    if (tagged) return tagged;
    try {
      const created = await this.o.ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: this.names.isolationGroup,
          Description: 'MDR quarantine: no inbound, no outbound',
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: ResponseTags.isolation, Value: this.o.prefix }, { Key: 'Name', Value: this.names.isolationGroup }] }],
        }),
      );
      if (created.GroupId) return created.GroupId;
    } catch (e) {
      if (nameOf(e) !== 'InvalidGroup.Duplicate') throw new ExecutionError(`CreateSecurityGroup: ${nameOf(e)} ${(e as Error).message}`, PERMANENT.has(nameOf(e)));
    }
    const byName = await find([{ Name: 'group-name', Values: [this.names.isolationGroup] }]);
    if (!byName) throw new ExecutionError(`isolation group ${this.names.isolationGroup} could not be created or found in ${vpcId}`, false);
    return byName;
  }

  /** Removes every rule of the isolation group (a new group allows all egress). */
  private async closeGroup(groupId: string): Promise<void> {
    const res = await step('DescribeSecurityGroups', () => this.o.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })));
    const g = res.SecurityGroups?.[0];
    if (g?.IpPermissionsEgress?.length) {
      await step('RevokeSecurityGroupEgress', () => this.o.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: g.IpPermissionsEgress })));
    }
    if (g?.IpPermissions?.length) {
      await step('RevokeSecurityGroupIngress', () => this.o.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: g.IpPermissions })));
    }
  }

  private async blockIp(r: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const cidr = hostCidr(r.target.ip);
    const set = ipSetOf(this.o.config, r.target.ip);
    if (!set) throw new ExecutionError(`no IP set is configured for ${r.target.ip}`, true);
    let alreadyPresent = ctx.progress.alreadyPresent as boolean | undefined;
    await this.editIpSet(r.target.ip, (addresses) => {
      if (alreadyPresent === undefined) alreadyPresent = addresses.some((a) => sameCidr(a, cidr));
      return addresses.some((a) => sameCidr(a, cidr)) ? undefined : [...addresses, cidr];
    }, async () => {
      // Known before the set changes, so undo never removes an address someone else had added.
      if (ctx.progress.alreadyPresent === undefined) await ctx.checkpoint({ ...ctx.progress, alreadyPresent });
    });
    return { result: { ipSetArn: set.arn, address: cidr, alreadyPresent: alreadyPresent === true }, ...(alreadyPresent ? {} : { undo: `remove ${cidr} from IP set ${set.Name}` }) };
  }

  /**
   * Read-modify-write of an IP set under its lock token, retried when
   * another writer got in between. `edit` returns the new address list, or
   * undefined when nothing needs to change. True when the set was updated.
   */
  private async editIpSet(ip: string, edit: (addresses: string[]) => string[] | undefined, beforeWrite?: () => Promise<void>): Promise<boolean> {
    const set = ipSetOf(this.o.config, ip);
    if (!set) throw new ExecutionError(`no IP set is configured for ${ip}`, true);
    const ref = { Name: set.Name, Scope: set.Scope, Id: set.Id };
    for (let attempt = 0; attempt < 5; attempt++) {
      const got = await step('GetIPSet', () => this.o.wafv2.send(new GetIPSetCommand(ref)));
      const next = edit(got.IPSet?.Addresses ?? []);
      await beforeWrite?.();
      if (!next) return false;
      try {
        await this.o.wafv2.send(new UpdateIPSetCommand({ ...ref, Addresses: next, LockToken: got.LockToken, ...(got.IPSet?.Description ? { Description: got.IPSet.Description } : {}) }));
        return true;
      } catch (e) {
        if (nameOf(e) !== 'WAFOptimisticLockException') throw new ExecutionError(`UpdateIPSet: ${nameOf(e)} ${(e as Error).message}`, PERMANENT.has(nameOf(e)));
      }
    }
    throw new ExecutionError(`IP set ${set.Name} kept changing under its lock token`, false);
  }
}

const sameCidr = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
