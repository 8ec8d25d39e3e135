import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resourceNames } from '../../shared/catalogue';
import { addMdrStacks, addMdrStacksFromContext } from '../../infra/bin/app';
import { loadCustomerConfig, loadProviderConfig } from '../../infra/config/load';
import { REPO_ROOT } from '../../infra/defaults/paths';
import { nagViolations, resourcesOf } from './helpers';

const CONFIG_DIR = join(REPO_ROOT, 'config');
const customerFiles = readdirSync(CONFIG_DIR)
  .filter((f) => f.endsWith('.customer.json'))
  .sort();
const providerFile = join(CONFIG_DIR, 'example.provider.json');

const noBundling = { 'aws:cdk:bundling-stacks': [] };

describe('example configurations', () => {
  test('there is one per scenario', () => {
    expect(customerFiles).toEqual(expect.arrayContaining(['minimal.customer.json', 'pagerduty-slack.customer.json', 'provider-linked.customer.json']));
  });

  test.each(customerFiles)('%s parses and synthesizes alone with no cdk-nag finding', (file) => {
    const config = loadCustomerConfig(join(CONFIG_DIR, file));
    const app = new App({ analyticsReporting: false, context: noBundling });
    const { customers } = addMdrStacks(app, [config]);
    const assembly = app.synth();
    expect(nagViolations(assembly.directory)).toEqual([]);
    const t = Template.fromStack(customers[0]);
    t.hasResourceProperties('AWS::Events::EventBus', { Name: resourceNames(config.resourcePrefix).bus });
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 2); // the IAM-authorised case API and the signature-checked ack API
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.resourceCountIs('AWS::SNS::Subscription', config.alarmEmails.length);
    // Linked or not decides the commands stage, the forwarding rule and the bus policy.
    t.resourceCountIs('AWS::Events::EventBusPolicy', config.provider ? 1 : 0);
    expect(customers[0].stages.commands === undefined).toBe(!config.provider);
    expect(customers[0].analystAccess === undefined).toBe(!config.analystAccess);
  });

  test('every example customer and the example provider synthesize side by side through -c config', () => {
    const app = new App({
      analyticsReporting: false,
      context: { ...noBundling, config: customerFiles.map((f) => join(CONFIG_DIR, f)).join(','), providerConfig: providerFile },
    });
    const { customers, provider } = addMdrStacksFromContext(app);
    expect(customers).toHaveLength(customerFiles.length);
    expect(new Set(customers.map((s) => s.stackName)).size).toBe(customerFiles.length);
    expect(provider).toBeDefined();
    expect(nagViolations(app.synth().directory)).toEqual([]);

    // Each stack names its own resources: no physical name is shared between customers.
    const physicalNames = customers.flatMap((s) => [
      ...new Set(
        Object.values(resourcesOf(Template.fromStack(s))).flatMap((r) =>
          ['QueueName', 'TableName', 'Name', 'DashboardName'].map((k) => r.Properties?.[k]).filter((v): v is string => typeof v === 'string'),
        ),
      ),
    ]);
    expect(physicalNames.length).toBeGreaterThan(0);
    expect(physicalNames.filter((n, i) => physicalNames.indexOf(n) !== i)).toEqual([]);
  });

  test('the example provider lists the provider-linked example customer', () => {
    const provider = loadProviderConfig(providerFile);
    const linked = loadCustomerConfig(join(CONFIG_DIR, 'provider-linked.customer.json'));
    expect(provider.customers.map((c) => c.tenantId)).toContain(linked.tenantId);
    expect(linked.provider?.busName).toBe(`${provider.resourcePrefix}-bus`);
  });
});
