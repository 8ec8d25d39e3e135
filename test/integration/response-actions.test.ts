import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateIPSetCommand, GetIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import type { SQSEvent } from 'aws-lambda';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { functionBuildOptions } from '../../infra/defaults/bundle';
import { createRespondHandler } from '../../functions/respond/handler';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoResponseStore } from '../../shared/aws/dynamo-response-store';
import { Ec2Quarantine } from '../../shared/aws/ec2-quarantine';
import { AwsResponseExecutor } from '../../shared/aws/response-executor';
import { correlationKey, openCase, SYSTEM_ACTOR } from '../../shared/cases/model';
import { CaseTableKeys, Env, STAGES } from '../../shared/catalogue';
import { parseResponseConfig, type ResponseConfig } from '../../shared/config/response-config';
import type { CaseEvent } from '../../shared/contracts/case-event';
import type { RequesterRole, ResponseActionType } from '../../shared/contracts/investigation';
import { ResponseService } from '../../shared/response/response-service';
import { finding } from '../fixtures/findings';

/**
 * Every response action through the service, the DynamoDB store and the AWS
 * executor against moto: the AWS state changes, undo restores it, a re-run
 * does nothing, refusals and approvals are recorded on the case.
 */
describe('response actions on moto', () => {
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  const table = `${prefix}-cases`;
  const dynamo = new DynamoDBClient({});
  const iam = new IAMClient({});
  const ec2 = new EC2Client({});
  const wafv2 = new WAFV2Client({});
  const caseStore = new DynamoCaseStore(dynamo, table);
  const store = new DynamoResponseStore(dynamo, table);
  const customer = { type: 'user' as const, id: 'arn:aws:iam::123456789012:user/carol', via: 'api' };
  const approver = { type: 'user' as const, id: 'arn:aws:iam::123456789012:user/dave', via: 'api' };
  const provider = { type: 'provider' as const, id: '222222222222:soc-7', via: 'provider-bus' };

  let caseId: string;
  let rawConfig: unknown;
  let config: ResponseConfig;
  let service: ResponseService;
  let ipSetRef: { Name: string; Scope: 'REGIONAL'; Id: string };
  const userName = `${prefix}-bob`;
  const roleName = `${prefix}-app`;
  let accessKeyId: string;
  let instanceId: string;
  let webGroup: string;
  let n = 0;

  const serviceWith = (cfg: ResponseConfig) => new ResponseService({ store, config: cfg, executor: new AwsResponseExecutor({ prefix, config: cfg, iam, wafv2, hosts: () => new Ec2Quarantine(ec2, prefix) }) });

  const request = (action: ResponseActionType, target: Record<string, string>, opts: { role?: RequesterRole; dryRun?: boolean; svc?: ResponseService } = {}) =>
    (opts.svc ?? service).requestAction({
      caseId,
      action,
      target,
      dryRun: opts.dryRun,
      actor: opts.role === 'provider' ? provider : customer,
      requesterRole: opts.role ?? 'customer',
      idempotencyKey: `k-${++n}`,
    });

  /** Requests, runs, and returns the finished request. */
  const run = async (action: ResponseActionType, target: Record<string, string>, opts: { dryRun?: boolean } = {}) => {
    const r = await request(action, target, opts);
    expect(r.request.status).toBe('APPROVED');
    const done = await service.execute(caseId, r.request.requestId);
    expect(done.request.status).toBe('SUCCEEDED');
    return done;
  };

  const undo = async (requestId: string) => {
    const u = await service.requestUndo({ caseId, requestId, actor: customer, role: 'customer', idempotencyKey: `u-${++n}` });
    expect(u.request.status).toBe('APPROVED');
    const done = await service.execute(caseId, u.request.requestId);
    expect(done.request.status).toBe('SUCCEEDED');
    return done;
  };

  const keyStatus = async () => (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)?.Status;
  const eniGroups = async () => {
    const i = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0];
    return [(i?.SecurityGroups ?? []).map((g) => g.GroupId)];
  };
  const ipSet = async () => (await wafv2.send(new GetIPSetCommand(ipSetRef))).IPSet?.Addresses ?? [];

  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: CaseTableKeys.partitionKey, AttributeType: 'S' },
          { AttributeName: CaseTableKeys.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: CaseTableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: CaseTableKeys.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
    const f = finding({ findingId: `${prefix}-f1` });
    const now = new Date();
    const c = openCase(f, correlationKey(f), now);
    caseId = c.caseId;
    const opened = await caseStore.openCase({
      case: c,
      findings: [f],
      correlation: { key: c.correlationKey, caseId, windowEnd: now.getTime() + 3_600_000 },
      replaces: undefined,
      events: [],
      timeline: { at: now.toISOString(), action: 'opened', actor: SYSTEM_ACTOR, requestId: 'open' },
    });
    expect(opened).toBe('ok');

    await iam.send(new CreateUserCommand({ UserName: userName }));
    accessKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey?.AccessKeyId as string;
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));

    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc?.VpcId as string;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.42.1.0/24' }))).Subnet?.SubnetId as string;
    webGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-web`, Description: 'web', VpcId: vpc }))).GroupId as string;
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId as string;
    const ran = await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [webGroup], InstanceType: 't3.micro' }));
    instanceId = ran.Instances?.[0]?.InstanceId as string;

    const set = await wafv2.send(new CreateIPSetCommand({ Name: `${prefix}-blocked`, Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['192.0.2.1/32'] }));
    ipSetRef = { Name: set.Summary?.Name as string, Scope: 'REGIONAL', Id: set.Summary?.Id as string };

    const everyone = { enabled: true, requesters: ['customer', 'provider'], approval: 'none' };
    rawConfig = {
      actions: {
        deactivate_access_key: everyone,
        deny_all_policy: everyone,
        revoke_role_sessions: everyone,
        quarantine_instance: { enabled: true, requesters: ['customer', 'provider'], approval: 'customer' },
        block_ip: { ...everyone, ipSetArn: set.Summary?.ARN },
      },
    };
    config = parseResponseConfig(rawConfig);
    service = serviceWith(config);
  });

  it('deactivates an access key, does nothing on a re-run, and reactivates it on undo', async () => {
    expect(await keyStatus()).toBe('Active');
    const done = await run('deactivate_access_key', { accessKeyId, userName });
    expect(await keyStatus()).toBe('Inactive');
    expect(done.request.undo?.description).toContain(accessKeyId);

    const again = await service.execute(caseId, done.request.requestId);
    expect(again.state).toBe('done');
    expect(again.events).toEqual(done.events);

    await undo(done.request.requestId);
    expect(await keyStatus()).toBe('Active');
  });

  it('attaches one deny-all policy (created once) to a user and a role, and detaches it on undo', async () => {
    const onUser = await run('deny_all_policy', { userName });
    const onRole = await run('deny_all_policy', { roleName });
    const policyName = `${prefix}-deny-all`;
    expect(onUser.request.result?.policyArn).toBe(onRole.request.result?.policyArn);
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: `/${prefix}/` }))).Policies ?? [];
    expect(policies.filter((p) => p.PolicyName === policyName)).toHaveLength(1);
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies?.map((p) => p.PolicyName)).toContain(policyName);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies?.map((p) => p.PolicyName)).toContain(policyName);

    await undo(onUser.request.requestId);
    await undo(onRole.request.requestId);
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies ?? []).toEqual([]);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).toEqual([]);
  });

  it('revokes a role’s older sessions with an aws:TokenIssueTime deny, and deletes that policy on undo', async () => {
    const done = await run('revoke_role_sessions', { roleName });
    const policyName = `${prefix}-revoke-older-sessions`;
    const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }))).PolicyDocument as string;
    const statement = JSON.parse(decodeURIComponent(doc)).Statement[0];
    expect(statement).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': done.request.result?.revokedBefore } } });
    await undo(done.request.requestId);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames).toEqual([]);
  });

  it('quarantines an instance only after a customer approves the provider’s request: isolation group, snapshots, undo restores groups', async () => {
    const asked = await request('quarantine_instance', { instanceId }, { role: 'provider' });
    expect(asked.request.status).toBe('PENDING_APPROVAL');
    expect((await service.execute(caseId, asked.request.requestId)).state).toBe('idle');
    expect(await eniGroups()).toEqual([[webGroup]]);

    const refused = await service.approve({ caseId, requestId: asked.request.requestId, actor: provider, role: 'provider' });
    expect(refused.refused).toContain('only the customer');
    const approved = await service.approve({ caseId, requestId: asked.request.requestId, actor: approver, role: 'customer' });
    expect(approved.events[0].detailType).toBe('ResponseActionApproved');

    // The respond stage takes the Approved event from its queue and runs it.
    const eventBridge = new EventBridgeClient({});
    const sqs = new SQSClient({});
    await eventBridge.send(new CreateEventBusCommand({ Name: `${prefix}-bus` }));
    const quarantineQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-quarantine` }))).QueueUrl as string;
    const handler = createRespondHandler({ service, sqs, eventBridge, busName: `${prefix}-bus`, quarantineQueueUrl, tenantId: 'acme' });
    const sqsEvent = (e: CaseEvent, id: string): SQSEvent =>
      ({ Records: [{ messageId: id, body: JSON.stringify({ version: '0', id: `eb-${id}`, source: 'mdr.cases', 'detail-type': e.detailType, account: '123456789012', detail: e.detail }) }] }) as SQSEvent;
    expect(await handler(sqsEvent(approved.events[0], 'm-1'))).toEqual({ batchItemFailures: [] });

    const done = await service.get(caseId, asked.request.requestId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', approvedBy: approver });
    const result = done?.result as { isolationGroupId: string; previousGroups: Record<string, string[]>; snapshots: { volumeId: string; snapshotId: string }[] };
    expect(await eniGroups()).toEqual([[result.isolationGroupId]]);
    const iso = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [result.isolationGroupId] }))).SecurityGroups?.[0];
    expect(iso?.IpPermissions ?? []).toEqual([]);
    expect(iso?.IpPermissionsEgress ?? []).toEqual([]);
    expect(Object.values(result.previousGroups)).toEqual([[webGroup]]);
    expect(result.snapshots.length).toBeGreaterThan(0);
    const snaps = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: result.snapshots.map((s) => s.snapshotId) }))).Snapshots ?? [];
    for (const s of snaps) {
      expect(s.Tags).toEqual(expect.arrayContaining([{ Key: 'mdr:case-id', Value: caseId }, { Key: 'mdr:request-id', Value: asked.request.requestId }]));
    }

    // A redelivered event runs nothing again; a second quarantine reuses the group and this request's snapshots are not duplicated.
    expect(await handler(sqsEvent(approved.events[0], 'm-2'))).toEqual({ batchItemFailures: [] });
    const again = await request('quarantine_instance', { instanceId });
    await service.approve({ caseId, requestId: again.request.requestId, actor: approver, role: 'customer' });
    const second = await service.execute(caseId, again.request.requestId);
    expect(second.request.result?.isolationGroupId).toBe(result.isolationGroupId);
    const mine = await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:mdr:request-id', Values: [asked.request.requestId] }] }));
    expect(mine.Snapshots).toHaveLength(result.snapshots.length);

    const u = await service.requestUndo({ caseId, requestId: asked.request.requestId, actor: customer, role: 'customer', idempotencyKey: 'undo-q' });
    expect(u.request.status).toBe('PENDING_APPROVAL');
    await service.approve({ caseId, requestId: u.request.requestId, actor: approver, role: 'customer' });
    expect((await service.execute(caseId, u.request.requestId)).request.status).toBe('SUCCEEDED');
    expect(await eniGroups()).toEqual([[webGroup]]);
    expect((await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: result.snapshots.map((s) => s.snapshotId) }))).Snapshots).toHaveLength(result.snapshots.length);
  });

  it('the respond bundle, as deployed, quarantines with the EC2 client it requires from the runtime on its first quarantine', async () => {
    const asked = await request('quarantine_instance', { instanceId });
    const approved = await service.approve({ caseId, requestId: asked.request.requestId, actor: approver, role: 'customer' });
    const eventBridge = new EventBridgeClient({});
    const sqs = new SQSClient({});
    await eventBridge.send(new CreateEventBusCommand({ Name: `${prefix}-bundle-bus` }));
    const quarantineQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-bundle-quarantine` }))).QueueUrl as string;

    const dir = mkdtempSync(join(tmpdir(), 'mdr-respond-'));
    try {
      const file = join(dir, 'index.js');
      await build({ ...functionBuildOptions(STAGES.respond.entry, STAGES.respond.runtimeModules), outfile: file, logLevel: 'silent' });
      const event = {
        Records: [{ messageId: 'b-1', body: JSON.stringify({ version: '0', id: 'eb-b-1', source: 'mdr.cases', 'detail-type': approved.events[0].detailType, account: '123456789012', detail: approved.events[0].detail }) }],
      };
      // The handler's module in a fresh process; the EC2 client is counted in the module cache before and after the invocation.
      const probe = `
        const ec2 = () => Object.keys(require.cache).filter((p) => p.includes('client-ec2')).length;
        const { handler } = require(process.argv[1]);
        const atLoad = ec2();
        const context = { functionName: 'respond', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:respond', memoryLimitInMB: '512', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60000 };
        handler(JSON.parse(process.argv[2]), context).then((result) => process.stdout.write(JSON.stringify({ atLoad, afterQuarantine: ec2(), result })));`;
      const res = spawnSync(process.execPath, ['-e', probe, file, JSON.stringify(event)], {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          // The runtime's SDK stands in as node_modules, as NODE_PATH stands for /var/runtime/node_modules on Lambda.
          NODE_PATH: resolve('node_modules'),
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_'))),
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          [Env.tableName]: table,
          [Env.busName]: `${prefix}-bundle-bus`,
          [Env.tenantId]: 'acme',
          [Env.quarantineQueueUrl]: quarantineQueueUrl,
          [Env.responseConfig]: JSON.stringify(rawConfig),
          [Env.resourcePrefix]: prefix,
        },
      });
      expect(res.stderr).toBe('');
      expect(JSON.parse(res.stdout)).toMatchObject({ atLoad: 0, result: { batchItemFailures: [] } });
      expect(JSON.parse(res.stdout).afterQuarantine).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const done = await service.get(caseId, asked.request.requestId);
    expect(done?.status).toBe('SUCCEEDED');
    const isolation = (done?.result as { isolationGroupId: string }).isolationGroupId;
    expect(await eniGroups()).toEqual([[isolation]]);

    // Restores the instance for the tests after this one.
    const u = await service.requestUndo({ caseId, requestId: asked.request.requestId, actor: customer, role: 'customer', idempotencyKey: 'undo-bundle' });
    await service.approve({ caseId, requestId: u.request.requestId, actor: approver, role: 'customer' });
    expect((await service.execute(caseId, u.request.requestId)).request.status).toBe('SUCCEEDED');
    expect(await eniGroups()).toEqual([[webGroup]]);
  }, 120_000);

  it('adds an address to the WAF IP set under its lock token, once, and removes it on undo (an address that was there stays)', async () => {
    const done = await run('block_ip', { ip: '198.51.100.23' });
    expect(await ipSet()).toEqual(expect.arrayContaining(['192.0.2.1/32', '198.51.100.23/32']));
    await service.execute(caseId, done.request.requestId);
    expect((await ipSet()).filter((a) => a === '198.51.100.23/32')).toHaveLength(1);
    await undo(done.request.requestId);
    expect(await ipSet()).toEqual(['192.0.2.1/32']);

    const there = await run('block_ip', { ip: '192.0.2.1' });
    expect(there.request.result).toMatchObject({ alreadyPresent: true });
    expect(there.request.undo).toBeUndefined();
  });

  it('records a refused (disabled) action on the case timeline and changes nothing in AWS', async () => {
    const svc = serviceWith(parseResponseConfig({ actions: { ...Object.fromEntries(Object.entries(config.actions)), deactivate_access_key: { enabled: false } } }));
    const r = await request('deactivate_access_key', { accessKeyId, userName }, { svc });
    expect(r.request).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not enabled') });
    expect((await svc.execute(caseId, r.request.requestId)).state).toBe('idle');
    expect(await keyStatus()).toBe('Active');
    const detail = await caseStore.getCaseDetail(caseId);
    expect(detail?.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'response_refused', details: expect.objectContaining({ requestId: r.request.requestId, reason: expect.stringContaining('not enabled') }) })]));
    expect((await service.list(caseId)).find((a) => a.requestId === r.request.requestId)?.status).toBe('REFUSED');
  });

  it('records the plan of a dry run and calls nothing', async () => {
    const done = await run('deactivate_access_key', { accessKeyId, userName }, { dryRun: true });
    expect(done.request.result).toMatchObject({ dryRun: true, plan: [{ service: 'iam', operation: 'UpdateAccessKey', input: { AccessKeyId: accessKeyId, Status: 'Inactive' } }] });
    expect(await keyStatus()).toBe('Active');
    // A dry run goes through the same approval as the real action.
    expect((await request('quarantine_instance', { instanceId }, { dryRun: true })).request.status).toBe('PENDING_APPROVAL');
    const ip = await run('block_ip', { ip: '203.0.113.9' }, { dryRun: true });
    expect(ip.request.result?.plan).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'UpdateIPSet' })]));
    expect(await ipSet()).toEqual(['192.0.2.1/32']);
  });
});
