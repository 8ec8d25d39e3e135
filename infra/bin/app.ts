import { App } from 'aws-cdk-lib';
import type { CustomerConfig } from '../../shared/config/customer-config';
import { loadCustomerConfig, loadProviderConfig } from '../config/load';
import type { ProviderConfig } from '../config/provider-config';
import { applyNagChecks } from '../nag';
import { CustomerStack } from '../stacks/customer-stack';
import { ProviderStack } from '../stacks/provider-stack';

/**
 * Context keys: `-c config=PATH[,PATH...]` and `-c providerConfig=PATH` (defaults in cdk.json).
 * An empty value leaves that side out: `-c providerConfig=` synthesizes customers only,
 * `-c config=` the provider stack only.
 */
export const CONTEXT_CONFIG = 'config';
export const CONTEXT_PROVIDER_CONFIG = 'providerConfig';

export interface MdrStacks {
  readonly customers: readonly CustomerStack[];
  readonly provider?: ProviderStack;
}

/** Stack id of a customer's stack. */
export function customerStackId(config: CustomerConfig): string {
  return `MdrCustomer-${config.tenantId}`;
}

/**
 * Adds the MDR stacks to an app: one customer stack per customer config
 * and, if given, the provider stack; cdk-nag AwsSolutions checks the lot.
 */
export function addMdrStacks(app: App, customers: readonly CustomerConfig[], provider?: ProviderConfig): MdrStacks {
  const seen = new Set<string>();
  const stacks = customers.map((config) => {
    const id = customerStackId(config);
    if (seen.has(id)) throw new Error(`two customer configs have tenantId "${config.tenantId}"`);
    seen.add(id);
    return new CustomerStack(app, id, { config });
  });
  const providerStack = provider ? new ProviderStack(app, 'MdrProvider', { config: provider }) : undefined;
  applyNagChecks(app);
  return { customers: stacks, ...(providerStack ? { provider: providerStack } : {}) };
}

/** Reads the config paths from context (a comma-separated list synthesizes customers side by side). */
export function addMdrStacksFromContext(app: App): MdrStacks {
  const configPaths = String(app.node.tryGetContext(CONTEXT_CONFIG) ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const providerPath = String(app.node.tryGetContext(CONTEXT_PROVIDER_CONFIG) ?? '').trim() || undefined;
  // A provider deploys its stack alone with `-c config= -c providerConfig=...`.
  if (configPaths.length === 0 && !providerPath) {
    throw new Error(`no customer config: pass -c ${CONTEXT_CONFIG}=path/to/customer.json (or -c ${CONTEXT_PROVIDER_CONFIG}=path for the provider stack alone)`);
  }
  return addMdrStacks(
    app,
    configPaths.map((p) => loadCustomerConfig(p)),
    providerPath ? loadProviderConfig(providerPath) : undefined,
  );
}

if (require.main === module) {
  const app = new App();
  addMdrStacksFromContext(app);
  app.synth();
}
