import { ConfigError } from '../../shared/config/customer-config';

/** One customer account linked to the provider. */
export interface ProviderCustomer {
  /** The tenant id the customer stack is configured with. */
  readonly tenantId: string;
  /** The customer's AWS account, allowed to put case events on the provider bus. */
  readonly accountId: string;
}

/** What the MDR provider configures for its stack. Validated at synth with errors naming the field. */
export interface ProviderConfig {
  /** Prefix of physical names; the bus is `providerBusName(prefix)`. */
  readonly resourcePrefix: string;
  readonly customers: readonly ProviderCustomer[];
  /** Days the bus archive keeps case events for replay. */
  readonly archiveRetentionDays: number;
}

/**
 * The provider bus policy is limited to 10 KB. The policy names every
 * customer account in one statement (about 45 bytes each once rendered);
 * beyond this many customers, shard buses (one provider stack per shard)
 * or deliver to per-customer queues.
 */
export const MAX_CUSTOMERS_PER_BUS = 150;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, field: string, path: string, pattern: RegExp, fallback?: string): string {
  const v = o[field] ?? fallback;
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${path}${field}`, 'must be a non-empty string');
  if (!pattern.test(v)) throw new ConfigError(`${path}${field}`, `must match ${pattern}`);
  return v;
}

/** Validates raw provider configuration (parsed JSON), naming the first bad field. */
export function parseProviderConfig(input: unknown): ProviderConfig {
  if (!isObj(input)) throw new ConfigError('(root)', 'must be an object');
  const resourcePrefix = str(input, 'resourcePrefix', '', /^[a-z0-9][a-z0-9-]{0,30}$/, 'mdr-provider');
  const raw = input.customers ?? [];
  if (!Array.isArray(raw)) throw new ConfigError('customers', 'must be a list of { tenantId, accountId }');
  if (raw.length > MAX_CUSTOMERS_PER_BUS) {
    throw new ConfigError('customers', `lists ${raw.length} customers; one bus policy (10 KB) serves at most ${MAX_CUSTOMERS_PER_BUS}: shard the provider stack`);
  }
  const tenants = new Set<string>();
  const accounts = new Set<string>();
  const customers = raw.map((c: unknown, i): ProviderCustomer => {
    const path = `customers[${i}].`;
    if (!isObj(c)) throw new ConfigError(`customers[${i}]`, 'must be an object with tenantId and accountId');
    const tenantId = str(c, 'tenantId', path, /^[a-z0-9][a-z0-9-]{0,22}$/);
    const accountId = str(c, 'accountId', path, /^\d{12}$/);
    if (tenants.has(tenantId)) throw new ConfigError(`${path}tenantId`, `"${tenantId}" is listed twice`);
    if (accounts.has(accountId)) throw new ConfigError(`${path}accountId`, `${accountId} is listed twice`);
    tenants.add(tenantId);
    accounts.add(accountId);
    return { tenantId, accountId };
  });
  const days = input.archiveRetentionDays ?? 30;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
    throw new ConfigError('archiveRetentionDays', 'must be an integer from 1 to 3650');
  }
  return { resourcePrefix, customers, archiveRetentionDays: days };
}
