import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CaseTableKeys, DLQ_RETENTION_DAYS, Env, resourceNames, ROUTES, STAGES, STAGE_IDS, visibilityTimeoutSeconds } from '../../shared/catalogue';
import { parseRulesArtifact } from '../../shared/detect/rules-artifact';
import { RULES_ARTIFACT_FILE } from '../../infra/constructs/rules-artifact';
import type { CustomerStack } from '../../infra/stacks/customer-stack';
import { customerConfig, nagViolations, refId, resourcesOf, testApp } from './helpers';
import { NODE_OPTIONS_BY_STAGE, TELEMETRY_NODE_OPTIONS } from '../../infra/defaults/lambda';

/** Logical id prefix of CDK's BucketDeployment singleton (copies the rules artifact at deploy time). */
const CDK_COPIER = 'CustomCDKBucketDeployment';

const names = resourceNames('mdr-acme');
let stack: CustomerStack;
let template: Template;
let assemblyDir: string;

beforeAll(() => {
  // The one synth of the suite that runs esbuild: the detect bundle must carry the rules artifact.
  const { app, stacks } = testApp([customerConfig()], undefined, { bundle: true });
  stack = stacks.customers[0];
  assemblyDir = app.synth().directory;
  template = Template.fromStack(stack);
}, 120_000);

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

function logicalIdOfQueue(name: string): string {
  const [id] = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).find(([, q]) => q.Properties?.QueueName === name) ?? [];
  if (!id) throw new Error(`no queue named ${name}`);
  return id;
}

function keyId(): string {
  return Object.keys(resourcesOf(template, 'AWS::KMS::Key'))[0];
}

describe('customer stack', () => {
  test('cdk-nag AwsSolutions leaves no unacknowledged finding', () => {
    expect(nagViolations(assemblyDir)).toEqual([]);
  });

  test('every queue is encrypted with the customer-managed key and refuses plain HTTP', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues).length).toBeGreaterThanOrEqual(12);
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    for (const [id, q] of Object.entries(queues)) {
      expect(refId(q.Properties?.KmsMasterKeyId)).toBe(keyId());
      const tls = policies.some(
        (p) =>
          (p.Properties?.Queues as unknown[]).some((r) => refId(r) === id) &&
          JSON.stringify(p.Properties?.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      );
      expect({ id, tls }).toEqual({ id, tls: true });
    }
  });

  test('every queue has a dead-letter queue, or is a terminal queue kept 14 days', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    const deadLetterTargets = new Set<string | undefined>([
      ...Object.values(queues).map((q) => refId((q.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn)),
      ...rules.flatMap((r) => (r.Properties?.Targets as { DeadLetterConfig?: { Arn: unknown } }[]).map((t) => refId(t.DeadLetterConfig?.Arn))),
    ]);
    const quarantine = logicalIdOfQueue(names.quarantineQueue);
    for (const [id, q] of Object.entries(queues)) {
      if (q.Properties?.RedrivePolicy) continue;
      expect({ id, terminal: deadLetterTargets.has(id) || id === quarantine }).toEqual({ id, terminal: true });
      expect(q.Properties?.MessageRetentionPeriod).toBe(DLQ_RETENTION_DAYS * 86_400);
    }
  });

  test.each(STAGE_IDS)('stage %s: queue, redrive, function and event source mapping follow the catalogue', (id) => {
    const spec = STAGES[id];
    const queueId = logicalIdOfQueue(names.queue(id));
    const dlqId = logicalIdOfQueue(names.deadLetterQueue(id));
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: names.queue(id),
      VisibilityTimeout: visibilityTimeoutSeconds(spec),
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: spec.maxReceiveCount },
    });
    expect(visibilityTimeoutSeconds(spec)).toBe(6 * spec.timeoutSeconds);

    const [mappingId, mapping] = Object.entries(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
      ([, m]) => refId(m.Properties?.EventSourceArn) === queueId,
    )!;
    expect(mappingId).toBeDefined();
    expect(mapping.Properties).toMatchObject({
      BatchSize: spec.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ...(spec.maxBatchingWindowSeconds > 0 ? { MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds } : {}),
    });

    const fn = resourcesOf(template, 'AWS::Lambda::Function')[refId(mapping.Properties?.FunctionName)!];
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMb,
      Handler: 'index.handler',
      Environment: { Variables: { [Env.tenantId]: 'acme' } },
    });
    // Telemetry stages get a larger young generation (their batches are many short-lived objects), as the
    // cold-start benchmark starts them; no function has --enable-source-maps (functions/stack-traces.ts).
    const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.NODE_OPTIONS).toBe(NODE_OPTIONS_BY_STAGE[id]);
    expect(['normalize', 'detect'].includes(id) ? TELEMETRY_NODE_OPTIONS : undefined).toBe(NODE_OPTIONS_BY_STAGE[id]);
    // Explicit, encrypted log group with the configured retention.
    const logGroupId = refId((fn.Properties?.LoggingConfig as { LogGroup: unknown }).LogGroup)!;
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId].Properties).toMatchObject({
      RetentionInDays: 90,
      KmsKeyId: arnOf(keyId()),
    });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  test('every function is nodejs22.x on arm64 with a role that has no managed policy', () => {
    const fns = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    // Every stage (the customer is linked to a provider, so `commands` too), the case and ack APIs, the timer sweeper,
    // and CDK's deploy-time copier of the rules artifact into the data bucket.
    expect(fns).toHaveLength(STAGE_IDS.length + 4);
    for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
      if (!id.startsWith(CDK_COPIER)) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
    for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
      // CDK's own deploy-time copier (BucketDeployment) is the one exception, acknowledged in infra/constructs/rules-artifact.ts.
      if (id.startsWith(CDK_COPIER)) continue;
      expect({ id, managed: role.Properties?.ManagedPolicyArns }).toEqual({ id, managed: undefined });
    }
  });

  test('no IAM policy grants a wildcard action or a wildcard resource', () => {
    for (const [id, p] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
      if (id.startsWith(CDK_COPIER)) continue;
      for (const s of (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement) {
        const actions = ([] as string[]).concat(s.Action);
        expect({ id, actions: actions.filter((a) => a.includes('*')) }).toEqual({ id, actions: [] });
        expect({ id, resource: JSON.stringify(s.Resource) }).not.toEqual({ id, resource: '"*"' });
      }
    }
  });

  test('stage environment uses the catalogue names', () => {
    const env = (id: keyof typeof STAGES) => stack.stages[id]!.function;
    const vars = (id: keyof typeof STAGES) =>
      (resourcesOf(template, 'AWS::Lambda::Function')[stack.getLogicalId(env(id).node.defaultChild as never)].Properties?.Environment as {
        Variables: Record<string, unknown>;
      }).Variables;
    expect(Object.keys(vars('normalize'))).toEqual(expect.arrayContaining([Env.detectQueueUrl, Env.quarantineQueueUrl]));
    expect(vars('detect')).toMatchObject({ [Env.rulesArtifact]: RULES_ARTIFACT_FILE, [Env.busName]: expect.anything() });
    expect(vars('cases')).toMatchObject({ [Env.correlationWindowMinutes]: '60', [Env.maxAlertsPerCase]: '150', [Env.tableName]: expect.anything() });
    expect(JSON.parse(vars('escalate')[Env.escalationPolicy] as string)).toEqual(customerConfig().escalation);
    expect(Object.keys(vars('escalate'))).toEqual(expect.arrayContaining([Env.notifyQueueUrl, Env.tableName]));
    expect(JSON.parse(vars('notify')[Env.channels] as string)).toEqual(customerConfig().channels);
    expect(vars('notify')).toMatchObject({ [Env.caseLinkBase]: 'https://mdr.example.com/cases', [Env.webhookSecretId]: expect.anything() });
  });

  test('the detect bundle carries the rules artifact as rules.json', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[stack.getLogicalId(stack.stages.detect.function.node.defaultChild as never)];
    const key = String((fn.Properties?.Code as { S3Key: unknown }).S3Key);
    const file = join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`, RULES_ARTIFACT_FILE);
    expect(existsSync(file)).toBe(true);
    const artifact = parseRulesArtifact(readFileSync(file, 'utf8'));
    expect(artifact.digest).toBe(stack.rules.digest);
    expect(artifact.files.length).toBeGreaterThan(0);
    expect(artifact.files.every((f) => f.path.startsWith('rules/'))).toBe(true);
  });

  test('cases table: catalogue keys, on-demand, PITR, CMK, TTL, deletion protection, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: names.table,
        KeySchema: [
          { AttributeName: CaseTableKeys.partitionKey, KeyType: 'HASH' },
          { AttributeName: CaseTableKeys.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyId()) },
        TimeToLiveSpecification: { AttributeName: CaseTableKeys.ttlAttribute, Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  test('key rotates, and its policy lets CloudWatch Logs and EventBridge of this account use it', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
          Match.objectLike({
            Sid: 'AllowEventBridgeToEncryptedQueueTargets',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    // No statement lets a service principal use the key without a condition.
    const statements = (Object.values(resourcesOf(template, 'AWS::KMS::Key'))[0].Properties?.KeyPolicy as { Statement: { Principal: { Service?: unknown }; Condition?: unknown }[] })
      .Statement;
    for (const s of statements.filter((x) => x.Principal.Service)) expect(s.Condition).toBeDefined();
  });

  test('the MDR bus is encrypted with the key', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: names.bus, KmsKeyIdentifier: arnOf(keyId()) });
  });

  test('routes come from the catalogue, each target with a dead-letter queue', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    // S3 log ingest exists only with configured buckets (test/infra/ingest.test.ts).
    for (const route of ROUTES.filter((r) => r.scope !== 'ingest-buckets')) {
      const rule = Object.values(rules).find((r) => r.Properties?.Name === names.rule(route.id));
      expect(rule).toBeDefined();
      // Routes from the provider also match the envelope account, which EventBridge sets and a sender cannot.
      expect(rule!.Properties?.EventPattern).toEqual(route.sender === 'provider' ? { ...route.pattern, account: ['222222222222'] } : route.pattern);
      expect(rule!.Properties?.EventBusName === undefined).toBe(route.bus === 'default');
      for (const t of rule!.Properties?.Targets as Record<string, unknown>[]) expect(t.DeadLetterConfig).toBeDefined();
      if (route.target.kind === 'stage') {
        expect(refId((rule!.Properties?.Targets as { Arn: unknown }[])[0].Arn)).toBe(logicalIdOfQueue(names.queue(route.target.stage)));
      }
    }
  });

  test('a stage queue admits EventBridge only from its own rule', () => {
    const ruleId = Object.entries(resourcesOf(template, 'AWS::Events::Rule')).find(([, r]) => r.Properties?.Name === names.rule('findings-to-cases'))![0];
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalIdOfQueue(names.queue('cases')) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': arnOf(ruleId) } },
          }),
        ]),
      },
    });
  });

  test('the forwarding role may only put events on the provider bus', () => {
    const roleId = stack.getLogicalId(stack.routes.forwardingRole!.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties?.Roles as unknown[]).some((r) => refId(r) === roleId),
    );
    const statements = policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: unknown[] }).Statement);
    expect(statements).toEqual([
      {
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:222222222222:event-bus/mdr-provider-bus']] },
      },
    ]);
    const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule')).find((r) => r.Properties?.Name === names.rule('case-events-to-provider'));
    expect((rule!.Properties?.Targets as { RoleArn: unknown }[])[0].RoleArn).toEqual(arnOf(roleId));
  });

  test('least privilege per stage', () => {
    const statementsOf = (id: keyof typeof STAGES) => {
      const roleId = stack.getLogicalId(stack.stages[id]!.role.node.defaultChild as never);
      return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => (p.Properties?.Roles as unknown[]).some((r) => refId(r) === roleId))
        .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    };
    const actions = (id: keyof typeof STAGES) => new Set(statementsOf(id).flatMap((s) => ([] as string[]).concat(s.Action)));
    expect(actions('normalize').has('dynamodb:PutItem')).toBe(false);
    expect(actions('normalize').has('events:PutEvents')).toBe(false);
    expect(actions('detect').has('events:PutEvents')).toBe(true);
    // detect writes correlation windows only: every table write it may make is confined to CORRSTATE# keys.
    const detectWrites = statementsOf('detect').filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(detectWrites.length).toBeGreaterThan(0);
    for (const w of detectWrites) {
      expect((w as { Condition?: unknown }).Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CORRSTATE#*'] } });
      expect(([] as string[]).concat(w.Action).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    }
    expect(actions('cases').has('dynamodb:PutItem')).toBe(true);
    expect(actions('cases').has('dynamodb:Scan')).toBe(false);
    // escalate emits CaseEscalated and EscalationExhausted.
    expect(actions('escalate').has('events:PutEvents')).toBe(true);
    expect(actions('notify').has('secretsmanager:GetSecretValue')).toBe(true);
    expect(actions('cases').has('secretsmanager:GetSecretValue')).toBe(false);
    const sendTargets = (id: keyof typeof STAGES) =>
      statementsOf(id)
        .filter((s) => ([] as string[]).concat(s.Action).includes('sqs:SendMessage'))
        .map((s) => refId(s.Resource))
        .sort();
    const q = (name: string) => logicalIdOfQueue(name);
    // normalize also continues large S3 objects on its own queue.
    expect(sendTargets('normalize')).toEqual([q(names.queue('detect')), q(names.queue('normalize')), q(names.quarantineQueue)].sort());
    expect(sendTargets('escalate')).toEqual([q(names.queue('notify')), q(names.quarantineQueue)].sort());
    expect(sendTargets('notify')).toEqual([q(names.quarantineQueue)]);
  });

  test('webhook signing secret is generated and encrypted with the key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: names.webhookSecret,
      KmsKeyId: arnOf(keyId()),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'current' }),
    });
  });

  test('outputs name the bus, queues and table', () => {
    const outputs = Object.keys(template.toJSON().Outputs as object);
    expect(outputs).toEqual(expect.arrayContaining(['BusName', 'BusArn', 'TableName', 'QuarantineQueueUrl', 'NormalizeQueueUrl', 'NotifyQueueUrl', 'RulesDigest', 'CaseApiUrl', 'AlarmTopicArn', 'CommandsQueueUrl']));
  });
});
