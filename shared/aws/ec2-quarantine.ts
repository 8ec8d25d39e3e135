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
import type { ResponseRequest } from '../contracts/investigation';
import { ExecutionError, type ExecutionContext, type ExecutionOutcome } from '../response/executor';
import { ResponseTags, responseNames } from '../response/plan';
import { callFailed, nameOf, step } from './response-steps';

/**
 * quarantine_instance through EC2: the instance's interfaces moved to the
 * VPC's isolation group (no rules), its previous groups checkpointed before
 * anything changes, and a snapshot of every volume tagged with the request.
 * A module of its own because the EC2 client is most of the respond bundle:
 * the function loads it on the first quarantine only (decision 0009).
 */
export class Ec2Quarantine {
  private readonly names: ReturnType<typeof responseNames>;

  /** `prefix`: the deployment's resource prefix, which names and tags the isolation group. */
  constructor(
    private readonly ec2: EC2Client,
    private readonly prefix: string,
  ) {
    this.names = responseNames(prefix);
  }

  async quarantine(r: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const instanceId = r.target.instanceId;
    const described = await step('DescribeInstances', () => this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
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
      this.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${ResponseTags.requestId}`, Values: [r.requestId] }] })),
    );
    const snapshots: { volumeId: string; snapshotId: string }[] = [];
    for (const volumeId of volumes) {
      const found = existing.Snapshots?.find((s) => s.VolumeId === volumeId)?.SnapshotId;
      const snapshotId =
        found ??
        (
          await step('CreateSnapshot', () =>
            this.ec2.send(
              new CreateSnapshotCommand({
                VolumeId: volumeId,
                Description: `MDR quarantine of ${instanceId}, case ${r.caseId}, request ${r.requestId}`,
                TagSpecifications: [
                  {
                    ResourceType: 'snapshot',
                    Tags: [
                      { Key: ResponseTags.caseId, Value: r.caseId },
                      { Key: ResponseTags.requestId, Value: r.requestId },
                      { Key: 'Name', Value: `${this.prefix}-${instanceId}-${volumeId}` },
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
  async setGroups(instanceId: string, groupsByEni: Record<string, string[]>): Promise<void> {
    const enis = Object.entries(groupsByEni);
    if (enis.length === 1) {
      await step('ModifyInstanceAttribute', () => this.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: enis[0][1] })));
      return;
    }
    for (const [eni, groups] of enis) {
      await step('ModifyNetworkInterfaceAttribute', () => this.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: groups })));
    }
  }

  /** The VPC's isolation group: found by tag, else created (a lost race on the name finds the winner's). */
  private async isolationGroup(vpcId: string): Promise<string> {
    const find = async (filters: { Name: string; Values: string[] }[]) =>
      (await step('DescribeSecurityGroups', () => this.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...filters] })))).SecurityGroups?.[0]?.GroupId;
    const tagged = await find([{ Name: `tag:${ResponseTags.isolation}`, Values: [this.prefix] }]);
    if (tagged) return tagged;
    try {
      const created = await this.ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: this.names.isolationGroup,
          Description: 'MDR quarantine: no inbound, no outbound',
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: ResponseTags.isolation, Value: this.prefix }, { Key: 'Name', Value: this.names.isolationGroup }] }],
        }),
      );
      if (created.GroupId) return created.GroupId;
    } catch (e) {
      if (nameOf(e) !== 'InvalidGroup.Duplicate') throw callFailed('CreateSecurityGroup', e);
    }
    const byName = await find([{ Name: 'group-name', Values: [this.names.isolationGroup] }]);
    if (!byName) throw new ExecutionError(`isolation group ${this.names.isolationGroup} could not be created or found in ${vpcId}`, false);
    return byName;
  }

  /** Removes every rule of the isolation group (a new group allows all egress). */
  private async closeGroup(groupId: string): Promise<void> {
    const res = await step('DescribeSecurityGroups', () => this.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })));
    const g = res.SecurityGroups?.[0];
    if (g?.IpPermissionsEgress?.length) {
      await step('RevokeSecurityGroupEgress', () => this.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: g.IpPermissionsEgress })));
    }
    if (g?.IpPermissions?.length) {
      await step('RevokeSecurityGroupIngress', () => this.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: g.IpPermissions })));
    }
  }
}
