import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CustomerConfig, parseCustomerConfig } from '../../shared/config/customer-config';
import { addMdrStacks, type MdrStacks } from '../../infra/bin/app';
import { type ProviderConfig, parseProviderConfig } from '../../infra/config/provider-config';

// cdk-nag's EVB1 rule reads the deprecated CfnEventBusPolicy#principal; keep that jsii notice out of test output.
process.env.JSII_DEPRECATED ??= 'quiet';

/** A fixed customer configuration (tests do not follow edits of the example files). */
export function customerConfig(overrides: Record<string, unknown> = {}): CustomerConfig {
  return parseCustomerConfig({
    tenantId: 'acme',
    provider: { accountId: '222222222222', region: 'us-east-1', busName: 'mdr-provider-bus' },
    correlationWindowMinutes: 60,
    maxAlertsPerCase: 150,
    channels: { webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' } },
    escalation: {
      routes: [{ policy: 'default' }],
      policies: [{ name: 'default', tiers: [{ delaySeconds: 0, channels: ['webhook'], targets: ['on-call'] }] }],
    },
    caseLinkBase: 'https://mdr.example.com/cases',
    logRetentionDays: 90,
    ...overrides,
  });
}

export function providerConfig(overrides: Record<string, unknown> = {}): ProviderConfig {
  return parseProviderConfig({
    resourcePrefix: 'mdr-provider',
    customers: [
      { tenantId: 'acme', accountId: '111111111111' },
      { tenantId: 'globex', accountId: '333333333333' },
    ],
    archiveRetentionDays: 30,
    ...overrides,
  });
}

export interface TestApp {
  readonly app: App;
  readonly stacks: MdrStacks;
}

/**
 * An app with the MDR stacks and cdk-nag. `bundle: false` skips esbuild
 * (assets get a placeholder), which keeps tests that do not look into the
 * bundles fast.
 */
export function testApp(customers: readonly CustomerConfig[], provider?: ProviderConfig, opts: { bundle?: boolean } = {}): TestApp {
  const app = new App({
    analyticsReporting: false,
    context: opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  return { app, stacks: addMdrStacks(app, customers, provider) };
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

export function resourcesOf(template: Template, type?: string): Resources {
  const all = template.toJSON().Resources as Resources;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => !type || r.Type === type));
}

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` or `{ Ref: id }` points to. */
export function refId(v: unknown): string | undefined {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o['Fn::GetAtt'])) return (o['Fn::GetAtt'] as string[])[0];
    if (typeof o.Ref === 'string') return o.Ref;
  }
  return undefined;
}

/** Template JSON with asset hashes (and the rules digest) replaced, for snapshots. */
export function stableTemplate(template: Template): unknown {
  const json = JSON.stringify(template.toJSON(), null, 1)
    .replace(/[0-9a-f]{64}(\.zip)?/g, '[ASSET_HASH]$1')
    .replace(/"RulesDigest": \{\n\s*"Description": "([^"]*)",\n\s*"Value": "[0-9a-f]+"/, '"RulesDigest": {\n "Description": "$1",\n "Value": "[RULES_DIGEST]"');
  return JSON.parse(json);
}

/** Violations cdk-nag left in the synthesized assembly (acknowledged ones are not listed). */
export function nagViolations(assemblyDir: string): { rule: string; severity: string; paths: string[] }[] {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; violatingConstructs?: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports
    .filter((p) => p.pluginName === 'AwsSolutions')
    .flatMap((p) => p.violations)
    .map((v) => ({ rule: v.ruleName, severity: v.severity, paths: (v.violatingConstructs ?? []).map((c) => c.constructPath) }));
}
