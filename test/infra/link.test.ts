import { Match, Template } from 'aws-cdk-lib/assertions';
import { CASE_API_ROUTES, CaseTableKeys, Env, EventSources, PROVIDER_COMMAND_TYPES, resourceNames, STAGE_IDS, SWEEP_SCHEDULE } from '../../shared/catalogue';
import { ConfigError, parseCustomerConfig } from '../../shared/config/customer-config';
import { ANALYST_TABLE_ACTIONS } from '../../infra/constructs/analyst-access';
import { QUARANTINE_RATE_ALARM_PER_5_MIN, QUEUE_AGE_ALARM_SECONDS } from '../../infra/constructs/operations';
import { channelGrants, secretArnsFor } from '../../infra/defaults/iam';
import type { CustomerStack } from '../../infra/stacks/customer-stack';
import { customerConfig, nagViolations, providerConfig, refId, resourcesOf, testApp } from './helpers';

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown };

const names = resourceNames('mdr-acme');
const PROVIDER_ACCOUNT = '222222222222';
const ANALYST_ROLE = 'arn:aws:iam::222222222222:role/mdr-analyst';
const EXTERNAL_ID = 'acme-7f3a9c';

/** A linked customer with every channel kind, alarm subscribers and analyst access. */
const linked = customerConfig({
  alarmEmails: ['ops@acme.example', 'soc@acme.example'],
  analystAccess: { roleArn: ANALYST_ROLE, externalId: EXTERNAL_ID },
  channels: {
    webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' },
    pd: { kind: 'pagerduty', secretId: 'mdr/acme/pagerduty' },
    slack: { kind: 'slack', secretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:mdr/acme/slack-AbCdEf' },
    mail: { kind: 'email', from: 'MDR <mdr@alerts.acme.example>', to: ['soc@acme.example'], configurationSetName: 'mdr' },
    sms: { kind: 'sms', to: ['+15555550100'] },
  },
});

let stack: CustomerStack;
let template: Template;
let assemblyDir: string;
let unlinked: Template;
let unlinkedStack: CustomerStack;

beforeAll(() => {
  const { app, stacks } = testApp([linked, customerConfig({ tenantId: 'solo', provider: undefined })], providerConfig());
  assemblyDir = app.synth().directory;
  stack = stacks.customers[0];
  unlinkedStack = stacks.customers[1];
  template = Template.fromStack(stack);
  unlinked = Template.fromStack(unlinkedStack);
});

function statementsOfRole(t: Template, s: CustomerStack, role: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = s.getLogicalId(role.node.defaultChild as never);
  return Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties?.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}
const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => ([] as string[]).concat(s.Action)));
const tableArn = () => ({ 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0], 'Arn'] });
const indexArn = () => ({ 'Fn::Join': ['', [tableArn(), `/index/${CaseTableKeys.casesByTimeIndex}`]] });

test('cdk-nag leaves no unacknowledged finding with every new resource and channel kind', () => {
  expect(nagViolations(assemblyDir)).toEqual([]);
});

describe('case API', () => {
  test('every case route requires IAM authorisation; only the page routes (signed view tokens) do not', () => {
    // The case API's routes; the ack API (test/infra/ack-api.test.ts) authenticates by request signatures instead,
    // and the case page routes by view tokens (test/infra/case-page.test.ts).
    const apiId = stack.getLogicalId(stack.caseApi.api.node.defaultChild as never);
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))
      .filter((r) => JSON.stringify(r.Properties?.ApiId).includes(apiId))
      .filter((r) => !String(r.Properties?.RouteKey).includes(' /view/'));
    expect(routes.map((r) => r.Properties?.RouteKey).sort()).toEqual(CASE_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of routes) expect({ route: r.Properties?.RouteKey, auth: r.Properties?.AuthorizationType }).toEqual({ route: r.Properties?.RouteKey, auth: 'AWS_IAM' });
  });

  test('is an HTTP API with access logs in an encrypted log group and stage throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', Name: `${names.prefix}-case-api` });
    const stageId = stack.getLogicalId(stack.caseApi.stage.node.defaultChild as never);
    const stage = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[stageId];
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    const settings = stage.Properties?.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(JSON.parse(settings.Format)).toMatchObject({ requestId: '$context.requestId', caller: '$context.identity.userArn' });
    const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[refId(settings.DestinationArn)!];
    expect(logGroup.Properties?.KmsKeyId).toBeDefined();
    expect(logGroup.Properties?.RetentionInDays).toBe(90);
  });

  test('throttling follows the config', () => {
    const { stacks } = testApp([customerConfig({ apiThrottle: { rateLimit: 5, burstLimit: 10 } })]);
    Template.fromStack(stacks.customers[0]).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  test('the function: item reads/writes, the casesByTime index, PutEvents on the MDR bus, nothing more', () => {
    const statements = statementsOfRole(template, stack, stack.caseApi.role);
    const actions = actionsOf(statements);
    for (const a of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'events:PutEvents']) expect(actions.has(a)).toBe(true);
    // (It reads the ack link secret, to check view tokens: test/infra/case-page.test.ts.)
    for (const a of ['dynamodb:Scan', 'sqs:SendMessage', 'dynamodb:DeleteTable', 'iam:UpdateAccessKey', 'ec2:ModifyInstanceAttribute']) expect(actions.has(a)).toBe(false);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'dynamodb:Query', Resource: indexArn() }));
    const busId = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0];
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } }));
    for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
  });

  test('the function has the case API environment', () => {
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[stack.getLogicalId(stack.caseApi.function.node.defaultChild as never)];
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const vars = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({ [Env.tenantId]: 'acme', [Env.reopenWindowHours]: '72', [Env.childRetentionDays]: '365' });
    expect(Object.keys(vars)).toEqual(expect.arrayContaining([Env.tableName, Env.busName]));
  });

  test('its URL is a stack output', () => {
    expect(Object.keys(template.toJSON().Outputs as object)).toEqual(expect.arrayContaining(['CaseApiUrl', 'AlarmTopicArn', 'AnalystRoleArn', 'CommandsQueueUrl']));
  });
});

describe('provider commands', () => {
  test('the MDR bus policy admits only the provider account, only mdr.provider, only the command detail-types', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties?.Statement).toEqual({
      Sid: expect.any(String),
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${PROVIDER_ACCOUNT}:root`]] } },
      Resource: { 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0], 'Arn'] },
      Condition: { StringEquals: { 'events:source': EventSources.provider, 'events:detail-type': [...PROVIDER_COMMAND_TYPES] } },
    });
    expect(PROVIDER_COMMAND_TYPES).toEqual(['AcknowledgeCase', 'ResolveCase', 'AddNote', 'AssignCase', 'RequestResponseAction']);
  });

  test('the command rule matches source, detail-types AND the provider account, and delivers to the commands queue', () => {
    const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule')).find((r) => r.Properties?.Name === names.rule('provider-commands'))!;
    expect(rule.Properties?.EventPattern).toEqual({
      source: [EventSources.provider],
      'detail-type': [...PROVIDER_COMMAND_TYPES],
      account: [PROVIDER_ACCOUNT],
    });
    expect(rule.Properties?.EventBusName).toEqual({ Ref: Object.keys(resourcesOf(template, 'AWS::Events::EventBus'))[0] });
    const target = (rule.Properties?.Targets as { Arn: unknown; DeadLetterConfig?: unknown }[])[0];
    expect(refId(target.Arn)).toBe(stack.getLogicalId(stack.stages.commands!.queue.node.defaultChild as never));
    expect(target.DeadLetterConfig).toBeDefined();
  });

  test('the commands stage: environment and grants', () => {
    const cmd = stack.stages.commands!;
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[stack.getLogicalId(cmd.function.node.defaultChild as never)];
    const vars = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({ [Env.tenantId]: 'acme', [Env.providerAccountId]: PROVIDER_ACCOUNT, [Env.reopenWindowHours]: '72' });
    expect(Object.keys(vars)).toEqual(expect.arrayContaining([Env.tableName, Env.busName, Env.quarantineQueueUrl]));
    const statements = statementsOfRole(template, stack, cmd.role);
    const actions = actionsOf(statements);
    for (const a of ['dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents', 'sqs:SendMessage']) expect(actions.has(a)).toBe(true);
    expect(actions.has('dynamodb:Scan')).toBe(false);
    const quarantineId = stack.getLogicalId(stack.quarantine.queue.node.defaultChild as never);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [quarantineId, 'Arn'] } }));
  });

  test('without a provider: no commands stage, no command rule, no bus policy', () => {
    expect(unlinkedStack.stages.commands).toBeUndefined();
    expect(Object.keys(resourcesOf(unlinked, 'AWS::Events::EventBusPolicy'))).toHaveLength(0);
    const ruleNames = Object.values(resourcesOf(unlinked, 'AWS::Events::Rule')).map((r) => r.Properties?.Name);
    expect(ruleNames).not.toContain(resourceNames('mdr-solo').rule('provider-commands'));
    expect(Object.values(resourcesOf(unlinked, 'AWS::SQS::Queue')).map((q) => q.Properties?.QueueName)).not.toContain(resourceNames('mdr-solo').queue('commands'));
  });
});

describe('analyst access', () => {
  test('the role trusts only the provider analyst role, only with the external id', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[stack.getLogicalId(stack.analystAccess!.role.node.defaultChild as never)];
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: ANALYST_ROLE }, Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } }],
    });
    expect(role.Properties?.MaxSessionDuration).toBe(3600);
    // A fixed name the provider can grant AssumeRole on before the customer deploys.
    expect(role.Properties?.RoleName).toBe(`${names.prefix}-analyst`);
  });

  test('the role is read-only: item reads and queries on the table and its index, decrypt through DynamoDB', () => {
    const statements = statementsOfRole(template, stack, stack.analystAccess!.role);
    expect(statements).toEqual([
      { Sid: 'ReadCases', Effect: 'Allow', Action: [...ANALYST_TABLE_ACTIONS], Resource: [tableArn(), indexArn()] },
      {
        Sid: 'DecryptCases',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'AWS::KMS::Key'))[0], 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
    ]);
    const writes = [...actionsOf(statements)].filter((a) => /Put|Update|Delete|Write|Scan|Create/.test(a));
    expect(writes).toEqual([]);
  });

  test('no analyst role without analystAccess', () => {
    expect(unlinkedStack.analystAccess).toBeUndefined();
    for (const r of Object.values(resourcesOf(unlinked, 'AWS::IAM::Role'))) expect(JSON.stringify(r.Properties?.AssumeRolePolicyDocument)).not.toContain('sts:ExternalId');
  });
});

describe('notify channel grants', () => {
  test('channel secrets by exact ARN pattern, SES identities, SMS publish', () => {
    const statements = statementsOfRole(template, stack, stack.stages.notify.role);
    const secrets = statements.find((s) => s.Sid === 'ReadChannelSecrets')!;
    expect(secrets.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(JSON.stringify(secrets.Resource)).toContain(':secret:mdr/acme/pagerduty-??????');
    expect(JSON.stringify(secrets.Resource)).toContain('arn:aws:secretsmanager:us-east-1:111111111111:secret:mdr/acme/slack-AbCdEf');
    const ses = statements.find((s) => s.Sid === 'SendEmail')!;
    expect(ses.Action).toBe('ses:SendEmail');
    const sesResources = JSON.stringify(ses.Resource);
    for (const r of [':identity/mdr@alerts.acme.example', ':identity/alerts.acme.example', ':configuration-set/mdr']) expect(sesResources).toContain(r);
    expect(statements.find((s) => s.Sid === 'PublishSms')).toEqual({ Sid: 'PublishSms', Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
    // The only wildcard resource in the stack is that SMS statement.
    const wildcard = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) => JSON.stringify(s.Resource) === '"*"'),
    );
    expect(wildcard).toEqual([{ Sid: 'PublishSms', Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]);
  });

  test('a webhook-only customer gets no SES, SNS or channel secret grant', () => {
    const actions = actionsOf(statementsOfRole(unlinked, unlinkedStack, unlinkedStack.stages.notify.role));
    expect(actions.has('ses:SendEmail')).toBe(false);
    expect(actions.has('sns:Publish')).toBe(false);
  });

  test('secret ARNs: a name gets the six-character suffix, an ARN is kept', () => {
    const ctx = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
    expect(secretArnsFor('mdr/x', ctx)).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:mdr/x-??????']);
    expect(secretArnsFor('arn:aws:secretsmanager:eu-west-1:1:secret:y-AbCdEf', ctx)[0]).toBe('arn:aws:secretsmanager:eu-west-1:1:secret:y-AbCdEf');
    expect(channelGrants({ w: { kind: 'webhook', url: 'https://x.example' } }, ctx)).toEqual({ secretArns: [], sesResourceArns: [], smsPublish: false });
  });
});

describe('escalation timer sweeper', () => {
  test('runs every minute, may send to the escalate queue only', () => {
    const rule = resourcesOf(template, 'AWS::Events::Rule')[stack.getLogicalId(stack.sweeper.rule.node.defaultChild as never)];
    expect(rule.Properties?.ScheduleExpression).toBe(SWEEP_SCHEDULE);
    const fnId = stack.getLogicalId(stack.sweeper.function.node.defaultChild as never);
    expect(refId((rule.Properties?.Targets as { Arn: unknown }[])[0].Arn)).toBe(fnId);
    const vars = (resourcesOf(template, 'AWS::Lambda::Function')[fnId].Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(vars)).toEqual(expect.arrayContaining([Env.tableName, Env.escalateQueueUrl]));
    const statements = statementsOfRole(template, stack, stack.sweeper.role);
    const sends = statements.filter((s) => s.Action === 'sqs:SendMessage');
    expect(sends.map((s) => refId(s.Resource))).toEqual([stack.getLogicalId(stack.stages.escalate.queue.node.defaultChild as never)]);
    expect(actionsOf(statements).has('events:PutEvents')).toBe(false);
  });

  test('may only query and delete items of the TIMERS partition', () => {
    const statements = statementsOfRole(template, stack, stack.sweeper.role).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Action: ['dynamodb:Query', 'dynamodb:DeleteItem'],
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['TIMERS'] } },
    });
  });
});

describe('operations', () => {
  const alarms = () => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
  const topicId = () => Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0];

  test('alarms on function errors (every function), queue age (every stage), DLQ depth, quarantine depth and rate', () => {
    const byMetric = (ns: string, metric: string) => alarms().filter((a) => a.Properties?.Namespace === ns && a.Properties?.MetricName === metric);
    // Every function but CDK's deploy-time copier of the rules artifact (it runs once per deploy, under CloudFormation).
    const functionCount = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) => !id.startsWith('CustomCDKBucketDeployment')).length;
    expect(byMetric('AWS/Lambda', 'Errors')).toHaveLength(functionCount);
    const ages = byMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage');
    expect(ages).toHaveLength(STAGE_IDS.length);
    for (const a of ages) expect(a.Properties?.Threshold).toBe(QUEUE_AGE_ALARM_SECONDS);
    // Depth: a DLQ per stage, the target DLQ, the quarantine queue.
    expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toHaveLength(STAGE_IDS.length + 2);
    const rate = byMetric('AWS/SQS', 'NumberOfMessagesSent');
    expect(rate).toHaveLength(1);
    expect(rate[0].Properties?.Threshold).toBe(QUARANTINE_RATE_ALARM_PER_5_MIN);
    expect(byMetric('AWS/ApiGateway', '5xx')).toHaveLength(1);
  });

  test('every alarm notifies the alarm topic, on alarm and on recovery', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const a of alarms()) {
      expect(a.Properties?.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(a.Properties?.OKActions).toEqual([{ Ref: topicId() }]);
    }
  });

  test('the alarm topic is KMS-encrypted, TLS-only, publishable by CloudWatch of this account, with the configured subscribers', () => {
    const keyId = Object.keys(resourcesOf(template, 'AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    const subs = Object.values(resourcesOf(template, 'AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subs.map((s) => s?.Endpoint).sort()).toEqual(['ops@acme.example', 'soc@acme.example']);
    for (const s of subs) expect(s).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topicId() } });
    expect(Object.keys(resourcesOf(unlinked, 'AWS::SNS::Subscription'))).toHaveLength(0);
  });

  test('a dashboard per customer stack with per-stage, queue, quarantine and API panels', () => {
    const [dash] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dash.Properties?.DashboardName).toBe(names.prefix);
    const body = JSON.stringify(dash.Properties?.DashboardBody);
    for (const s of STAGE_IDS) expect(body).toContain(`${s.charAt(0).toUpperCase()}${s.slice(1)}: queue depth and age`);
    for (const m of ['Invocations', 'Errors', 'Duration', 'ApproximateAgeOfOldestMessage', 'MatchedEvents', 'quarantine depth', 'case API']) expect(body).toContain(m);
    expect(Object.keys(resourcesOf(unlinked, 'AWS::CloudWatch::Dashboard'))).toHaveLength(1);
  });
});

describe('customer config fields of the deployment', () => {
  const fieldOf = (input: Record<string, unknown>) => {
    try {
      customerConfig(input);
    } catch (e) {
      return (e as ConfigError).field;
    }
    return undefined;
  };

  test.each([
    [{ alarmEmails: 'ops@acme.example' }, 'alarmEmails'],
    [{ alarmEmails: ['not-an-address'] }, 'alarmEmails[0]'],
    [{ analystAccess: { roleArn: 'arn:aws:iam::222222222222:user/bob', externalId: EXTERNAL_ID } }, 'analystAccess.roleArn'],
    [{ analystAccess: { roleArn: ANALYST_ROLE } }, 'analystAccess.externalId'],
    [{ analystAccess: { roleArn: ANALYST_ROLE, externalId: 'x' } }, 'analystAccess.externalId'],
    [{ analystAccess: { roleArn: ANALYST_ROLE, externalId: EXTERNAL_ID, extra: 1 } }, 'analystAccess.extra'],
    [{ reopenWindowHours: 0 }, 'reopenWindowHours'],
    [{ childRetentionDays: 1.5 }, 'childRetentionDays'],
    [{ apiThrottle: { rateLimit: 0 } }, 'apiThrottle.rateLimit'],
    [{ apiThrottle: { burstLimit: 'lots' } }, 'apiThrottle.burstLimit'],
  ])('names the bad field (%#)', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  test('defaults', () => {
    const c = parseCustomerConfig({ tenantId: 'acme', channels: { webhook: { kind: 'webhook', url: 'https://x.example' } } });
    expect(c).toMatchObject({ reopenWindowHours: 72, childRetentionDays: 365, alarmEmails: [], apiThrottle: { rateLimit: 50, burstLimit: 100 } });
    expect(c.analystAccess).toBeUndefined();
  });
});
