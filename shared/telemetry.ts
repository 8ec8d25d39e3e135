import type { OcsfEvent } from './ocsf/types';

/**
 * Sigma logsource of an event: what rules select on. A rule applies to an
 * event when every field the rule's logsource names is equal (case-insensitive)
 * to the event's.
 */
export interface LogSource {
  product?: string;
  service?: string;
  category?: string;
}

/**
 * One normalized telemetry event: the envelope normalize hands to detect.
 * `raw` is the source record exactly as the vendor wrote it; Sigma rules from
 * the public repository are written against those field names, so detection
 * evaluates `raw`, while `ocsf` serves entity extraction, findings and export.
 */
export interface TelemetryEvent {
  /** Stable identity of the event (vendor event id, or a hash of the raw record). */
  uid: string;
  /** Source id of the mapper that recognized it, e.g. `aws.cloudtrail`. */
  source: string;
  logsource: LogSource;
  /** Event time in milliseconds since the epoch. */
  time: number;
  ocsf: OcsfEvent;
  raw: Record<string, unknown>;
}
