import type { Evidence, Observable } from './investigation';
import type { Severity } from './severity';

/** 1.1 added `observables`, `evidence` and the rule's `falsepositives` and `references`. */
export const FINDING_SCHEMA_VERSION = '1.1';

/** Who and what a finding is about; the case correlation key is built from these. */
export interface Entities {
  users: string[];
  hosts: string[];
  ips: string[];
  accounts: string[];
  resources: string[];
}

export type EntityKind = keyof Entities;
export const ENTITY_KINDS: readonly EntityKind[] = ['users', 'hosts', 'ips', 'accounts', 'resources'];

/** Reference to a telemetry event that fired a rule. */
export interface EventRef {
  uid: string;
  source: string;
  /** Event time, ISO 8601. */
  time: string;
}

/**
 * A rule match on the MDR bus (source `mdr.detect`, detail-type `Finding`),
 * detect → cases. Shaped after OCSF Detection Finding (class 2004): the
 * `ocsf` member carries the class attributes for consumers that speak OCSF.
 */
export interface Finding {
  schemaVersion: string;
  /** Deterministic: hash of tenant, rule id and the identities of the events it covers. */
  findingId: string;
  tenantId: string;
  rule: {
    id: string;
    title: string;
    level: Severity;
    tags: string[];
    version: string;
    description?: string;
    falsepositives?: string[];
    references?: string[];
  };
  severity: Severity;
  /** Earliest event time (ISO 8601): the case's "detected" time. */
  eventTime: string;
  /** When detect produced it (ISO 8601). */
  detectedAt: string;
  events: EventRef[];
  entities: Entities;
  /** Users, roles, keys, addresses, hosts, instances, buckets, processes the events name (1.1). */
  observables?: Observable[];
  /** The events that fired the rule, raw and normalized, bounded (1.1). */
  evidence?: Evidence[];
  ocsf: {
    class_uid: 2004;
    category_uid: 2;
    activity_id: 1;
    type_uid: 200401;
    severity_id: number;
    time: number;
    finding_info: { uid: string; title: string; analytic: { uid: string; name: string; type_id: 1; version: string } };
    metadata: { version: string; product: { name: string; vendor_name: string } };
  };
}
