import { Match, Template } from 'aws-cdk-lib/assertions';
import { CASE_EVENT_TYPES, EventSources, providerBusName } from '../../shared/catalogue';
import { MAX_CUSTOMERS_PER_BUS, parseProviderConfig } from '../../infra/config/provider-config';
import { nagViolations, providerConfig, refId, resourcesOf, testApp } from './helpers';

let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const { app, stacks } = testApp([], providerConfig());
  assemblyDir = app.synth().directory;
  template = Template.fromStack(stacks.provider!);
});

const accountRoot = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });

describe('provider stack', () => {
  test('cdk-nag AwsSolutions leaves no unacknowledged finding', () => {
    expect(nagViolations(assemblyDir)).toEqual([]);
  });

  test('the provider bus is named from the catalogue and encrypted', () => {
    const keyId = Object.keys(resourcesOf(template, 'AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: providerBusName('mdr-provider'),
      KmsKeyIdentifier: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  test('the bus policy admits only the listed accounts, only mdr.cases case events', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties?.Statement).toEqual({
      Sid: expect.any(String),
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Principal: { AWS: [accountRoot('111111111111'), accountRoot('333333333333')] },
      Resource: expect.anything(),
      Condition: { StringEquals: { 'events:source': EventSources.cases, 'events:detail-type': [...CASE_EVENT_TYPES] } },
    });
  });

  test('an archive keeps case events, encrypted, for the configured days', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      KmsKeyIdentifier: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
      EventPattern: { source: [EventSources.cases], 'detail-type': [...CASE_EVENT_TYPES] },
    });
  });

  test('a rule delivers case events of the listed accounts to an encrypted consumer queue with a DLQ', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties?.EventPattern).toEqual({
      source: [EventSources.cases],
      'detail-type': [...CASE_EVENT_TYPES],
      account: ['111111111111', '333333333333'],
    });
    const target = (rules[0].Properties?.Targets as { Arn: unknown; DeadLetterConfig?: unknown }[])[0];
    expect(target.DeadLetterConfig).toBeDefined();
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const consumer = queues[refId(target.Arn)!];
    expect(consumer.Properties?.RedrivePolicy).toBeDefined();
    for (const q of Object.values(queues)) expect(q.Properties?.KmsMasterKeyId).toBeDefined();
  });
});

describe('provider config', () => {
  test('names the bad field', () => {
    expect(() => parseProviderConfig({ customers: [{ tenantId: 'acme', accountId: '12' }] })).toThrow(/customers\[0\]\.accountId/);
    expect(() => parseProviderConfig({ customers: [{ tenantId: 'Bad Tenant', accountId: '111111111111' }] })).toThrow(/customers\[0\]\.tenantId/);
    expect(() => parseProviderConfig({ resourcePrefix: 'UPPER' })).toThrow(/resourcePrefix/);
    expect(() => parseProviderConfig({ archiveRetentionDays: 0 })).toThrow(/archiveRetentionDays/);
    expect(() =>
      parseProviderConfig({
        customers: [
          { tenantId: 'a', accountId: '111111111111' },
          { tenantId: 'b', accountId: '111111111111' },
        ],
      }),
    ).toThrow(/customers\[1\]\.accountId/);
  });

  test('refuses more customers than one bus policy holds', () => {
    const customers = Array.from({ length: MAX_CUSTOMERS_PER_BUS + 1 }, (_, i) => ({ tenantId: `t${i}`, accountId: String(100000000000 + i) }));
    expect(() => parseProviderConfig({ customers })).toThrow(/customers.*shard/);
  });

  test('the bus policy of the largest allowed customer list stays under 10 KB', () => {
    const customers = Array.from({ length: MAX_CUSTOMERS_PER_BUS }, (_, i) => ({ tenantId: `t${i}`, accountId: String(100000000000 + i) }));
    const { stacks } = testApp([], parseProviderConfig({ customers }));
    const policy = Object.values(resourcesOf(Template.fromStack(stacks.provider!), 'AWS::Events::EventBusPolicy'))[0];
    // Rendered as EventBridge stores it: partition resolved, bus ARN spelled out.
    const rendered = JSON.stringify(policy.Properties?.Statement)
      .replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::(\d{12}):root"\]\]\}/g, '"arn:aws:iam::$1:root"')
      .replace(/\{"Fn::GetAtt":\[[^\]]*\]\}/, '"arn:aws:events:ap-southeast-2:123456789012:event-bus/mdr-provider-bus"');
    expect(rendered.length).toBeLessThan(10 * 1024);
  });
});
