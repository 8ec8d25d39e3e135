import type { TelemetryEvent } from '../telemetry';

/**
 * One telemetry source the pipeline understands: recognizes its records and
 * maps them to OCSF. Mappers are pure (no I/O) so normalize stays stateless
 * and batch-oriented.
 */
export interface SourceMapper {
  /** Stable source id, e.g. `aws.cloudtrail`; recorded on every event. */
  readonly id: string;
  /** Human name for docs and CLI output. */
  readonly name: string;
  /** True when the record is in this source's format. Must be cheap and never throw. */
  recognize(record: Record<string, unknown>): boolean;
  /**
   * Maps one record. May yield several events (a batch record such as a
   * CloudTrail log file). Throws NormalizeError for a record it recognized but
   * cannot map; the caller quarantines it with the error's reason.
   */
  normalize(record: Record<string, unknown>): TelemetryEvent[];
}

/** A record that cannot be normalized; `reason` is kept with the quarantined record. */
export class NormalizeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NormalizeError';
  }
}
