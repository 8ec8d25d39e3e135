import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { resourceNames } from '../../shared/catalogue';
import { addMdrStacksFromContext } from '../../infra/bin/app';
import { RulesArtifactBundle } from '../../infra/constructs/rules-artifact';
import { acknowledge } from '../../infra/nag';
import { customerConfig, nagViolations, providerConfig, resourcesOf, testApp } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mdr-infra-test-'));
function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function appWithContext(context: Record<string, string>): App {
  return new App({ analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

const goodCustomer = {
  tenantId: 'acme',
  channels: { webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' } },
  escalation: { routes: [{ policy: 'p' }], policies: [{ name: 'p', tiers: [{ delaySeconds: 0, channels: ['webhook'], targets: ['x'] }] }] },
};

describe('CDK app configuration', () => {
  test('reads -c config and -c providerConfig and creates both stacks', () => {
    const app = appWithContext({
      config: writeJson('acme.json', goodCustomer),
      providerConfig: writeJson('provider.json', { customers: [{ tenantId: 'acme', accountId: '111111111111' }] }),
    });
    const stacks = addMdrStacksFromContext(app);
    expect(stacks.customers.map((s) => s.stackName)).toEqual(['MdrCustomer-acme']);
    expect(stacks.provider?.stackName).toBe('MdrProvider');
  });

  test('a bad customer config field fails synth with the field name', () => {
    const app = appWithContext({ config: writeJson('bad.json', { ...goodCustomer, maxAlertsPerCase: 0 }) });
    expect(() => addMdrStacksFromContext(app)).toThrow(/bad\.json: config maxAlertsPerCase: must be an integer/);
    const nested = appWithContext({
      config: writeJson('bad-url.json', { ...goodCustomer, channels: { webhook: { kind: 'webhook', url: 'http://example.com' } } }),
    });
    expect(() => addMdrStacksFromContext(nested)).toThrow(/config channels\.webhook\.url: must use https/);
  });

  test('a bad provider config field fails synth with the field name', () => {
    const app = appWithContext({
      config: writeJson('acme2.json', goodCustomer),
      providerConfig: writeJson('bad-provider.json', { customers: [{ tenantId: 'acme', accountId: 'x' }] }),
    });
    expect(() => addMdrStacksFromContext(app)).toThrow(/config customers\[0\]\.accountId/);
  });

  test('a config file that is not JSON fails naming the file', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ nope');
    expect(() => addMdrStacksFromContext(appWithContext({ config: file }))).toThrow(/broken\.json is not JSON/);
  });

  test('two customers synthesize side by side with their own names', () => {
    const app = appWithContext({
      config: [writeJson('a.json', goodCustomer), writeJson('g.json', { ...goodCustomer, tenantId: 'globex' })].join(','),
    });
    const { customers } = addMdrStacksFromContext(app);
    expect(customers.map((s) => s.stackName)).toEqual(['MdrCustomer-acme', 'MdrCustomer-globex']);
    const assembly = app.synth();
    expect(nagViolations(assembly.directory)).toEqual([]);
    for (const [stack, prefix] of [
      [customers[0], 'mdr-acme'],
      [customers[1], 'mdr-globex'],
    ] as const) {
      const t = Template.fromStack(stack);
      const n = resourceNames(prefix);
      t.hasResourceProperties('AWS::Events::EventBus', { Name: n.bus });
      t.hasResourceProperties('AWS::DynamoDB::Table', { TableName: n.table });
      t.hasResourceProperties('AWS::SQS::Queue', { QueueName: n.queue('detect') });
    }
  });

  test('two customers with one tenant id are refused', () => {
    expect(() => testApp([customerConfig(), customerConfig()])).toThrow(/tenantId "acme"/);
  });

  test('without a provider, nothing is forwarded out of the account', () => {
    const { stacks } = testApp([customerConfig({ provider: undefined })]);
    const t = Template.fromStack(stacks.customers[0]);
    expect(stacks.customers[0].routes.forwardingRole).toBeUndefined();
    // Catalogue routes are named rules; the timer sweeper's schedule is not a route.
    const ruleNames = Object.values(resourcesOf(t, 'AWS::Events::Rule'))
      .filter((r) => r.Properties?.ScheduleExpression === undefined)
      .map((r) => r.Properties?.Name);
    expect(ruleNames).not.toContain(resourceNames('mdr-acme').rule('case-events-to-provider'));
    // CloudTrail, GuardDuty, Security Hub and forwarded telemetry in, findings to cases, case events to
    // escalate and enrich, response actions to respond: all inside the account.
    expect(ruleNames).toHaveLength(8);
  });

  test('forwarders have their own encrypted bus, and normalize receives only the vendor record', () => {
    const { stacks } = testApp([customerConfig()]);
    const stack = stacks.customers[0];
    const t = Template.fromStack(stack);
    const busId = stack.getLogicalId(stack.ingestBus.bus.node.defaultChild as never);
    expect(resourcesOf(t, 'AWS::Events::EventBus')[busId].Properties).toMatchObject({ Name: 'mdr-acme-ingest', KmsKeyIdentifier: expect.anything() });
    const rule = Object.values(resourcesOf(t, 'AWS::Events::Rule')).find((r) => r.Properties?.Name === resourceNames('mdr-acme').rule('forwarded-to-normalize'));
    expect(rule?.Properties).toMatchObject({ EventBusName: { Ref: busId }, EventPattern: { 'detail-type': ['Telemetry'] } });
    expect((rule?.Properties?.Targets as { InputPath?: string }[])[0].InputPath).toBe('$.detail');
  });

  test('AWS service events the customer does not take in get no rule', () => {
    const { stacks } = testApp([customerConfig({ eventSources: ['cloudtrail'] })]);
    const names = Object.values(resourcesOf(Template.fromStack(stacks.customers[0]), 'AWS::Events::Rule')).map((r) => r.Properties?.Name);
    const n = resourceNames('mdr-acme');
    expect(names).toContain(n.rule('cloudtrail-to-normalize'));
    expect(names).not.toContain(n.rule('guardduty-to-normalize'));
    expect(names).not.toContain(n.rule('securityhub-to-normalize'));
    expect(() => testApp([customerConfig({ eventSources: ['cloudtrail', 'syslog'] })])).toThrow(/eventSources/);
  });

  test('a bad rule fails synth naming its file', () => {
    const rulesDir = mkdtempSync(join(tmpdir(), 'mdr-bad-rules-'));
    writeFileSync(join(rulesDir, 'broken_rule.yml'), 'title: Broken\nid: 5b8d5b8c-0000-4000-8000-000000000000\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n  sel: { eventName: X }\n  condition: nope and sel\nlevel: high\n');
    expect(() => new RulesArtifactBundle(new Stack(), 'Rules', { ruleDirs: [rulesDir] })).toThrow(/broken_rule\.yml/);
  });
});

describe('cdk-nag', () => {
  test('an unacknowledged finding fails synth', () => {
    const { app, stacks } = testApp([customerConfig()], providerConfig());
    new sqs.Queue(stacks.customers[0], 'UnsafeQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  test('an acknowledgement needs a reason', () => {
    expect(() => acknowledge(new Stack(), 'AwsSolutions-SQS3', 'because')).toThrow(/needs a reason/);
  });
});

describe('choosing sides through context', () => {
  test('-c config= with a provider config synthesizes the provider stack alone', () => {
    const app = appWithContext({ config: '', providerConfig: writeJson('only-provider.json', { customers: [{ tenantId: 'acme', accountId: '111111111111' }] }) });
    const stacks = addMdrStacksFromContext(app);
    expect(stacks.customers).toHaveLength(0);
    expect(stacks.provider?.stackName).toBe('MdrProvider');
  });

  test('-c providerConfig= synthesizes customers only; neither side is an error', () => {
    const app = appWithContext({ config: writeJson('only-customer.json', goodCustomer), providerConfig: '' });
    const stacks = addMdrStacksFromContext(app);
    expect(stacks.customers.map((s) => s.stackName)).toEqual(['MdrCustomer-acme']);
    expect(stacks.provider).toBeUndefined();
    expect(() => addMdrStacksFromContext(appWithContext({ config: '', providerConfig: '' }))).toThrow(/no customer config/);
  });
});
