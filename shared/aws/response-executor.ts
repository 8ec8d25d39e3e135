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
import { DENY_ALL_DOCUMENT, ipSetOf, planRequest, responseNames, revokeSessionsDocument } from '../response/plan';
import type { Ec2Quarantine } from './ec2-quarantine';
import { callFailed, nameOf, settled, step } from './response-steps';
import { hostCidr } from '../response/targets';

export interface AwsResponseExecutorOptions {
  /** Deployment resource prefix: names the deny-all policy and the revoke policy (and, in Ec2Quarantine, the isolation group). */
  prefix: string;
  config: ResponseConfig;
  iam: IAMClient;
  wafv2: WAFV2Client;
  /**
   * Instance quarantine, asked for on the first quarantine_instance: the
   * respond function loads the EC2 client only then (decision 0009).
   */
  hosts: () => Ec2Quarantine;
}

/**
 * Response actions through IAM, WAFv2 and (ec2-quarantine.ts) EC2. Each step is safe to repeat:
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
        return this.o.hosts().quarantine(r, ctx);
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
        await this.o.hosts().setGroups(t.instanceId, previous);
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
      if (!['EntityAlreadyExists', 'EntityAlreadyExistsException'].includes(nameOf(e))) throw callFailed('CreatePolicy', e);
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
        if (nameOf(e) !== 'WAFOptimisticLockException') throw callFailed('UpdateIPSet', e);
      }
    }
    throw new ExecutionError(`IP set ${set.Name} kept changing under its lock token`, false);
  }
}

const sameCidr = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
