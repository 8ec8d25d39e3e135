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
  /**
   * Optional: what `normalize` gives, except that each event's `ocsf` is
   * mapped when first read (lazyEvent). For callers that may never read it:
   * `mdr detect` runs vendor rules on `raw` and needs OCSF only for a match or
   * for OCSF rules, and the mapping costs more than the rules. Must reject
   * exactly the records `normalize` rejects, with the same reason, so its
   * checks run here, not in the getter (test/unit/fuzz/route.test.ts holds
   * the two together).
   */
  route?(record: Record<string, unknown>): TelemetryEvent[];
}

/** A record that cannot be normalized; `reason` is kept with the quarantined record. */
export class NormalizeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NormalizeError';
  }
}

/**
 * An event whose `ocsf` is computed by `map` when first read, then kept.
 * A class rather than an object literal with a getter: with those literals
 * each scavenge kept megabytes alive, and collecting them cost more than the
 * mapping they saved. `ocsf` and `uid` are on the prototype, so
 * JSON.stringify includes them (toJSON) but a spread copy of the event does
 * not.
 */
class LazyEvent implements TelemetryEvent {
  #ocsf: TelemetryEvent['ocsf'] | undefined = undefined;
  #uid: string | UidOf;
  readonly #map: OcsfMapping;
  readonly #arg: string | undefined;

  constructor(
    uid: string | UidOf,
    readonly source: string,
    readonly logsource: TelemetryEvent['logsource'],
    readonly time: number,
    readonly raw: Record<string, unknown>,
    map: OcsfMapping,
    arg: string | undefined,
  ) {
    this.#uid = uid;
    this.#map = map;
    this.#arg = arg;
  }

  get uid(): string {
    const u = this.#uid;
    if (typeof u === 'string') return u;
    return (this.#uid = u(this.raw));
  }

  get ocsf(): TelemetryEvent['ocsf'] {
    if (this.#ocsf === undefined) {
      try {
        this.#ocsf = this.#map(this.raw, this.#arg);
      } catch (e) {
        throw new DeferredMappingError(e);
      }
    }
    return this.#ocsf;
  }

  set ocsf(v: TelemetryEvent['ocsf']) {
    this.#ocsf = v;
  }

  toJSON(): TelemetryEvent {
    return { uid: this.uid, source: this.source, logsource: this.logsource, time: this.time, ocsf: this.ocsf, raw: this.raw };
  }
}

/**
 * A record's uid worked out when first read: only an event that fires a rule
 * needs one. Windows builds it from the record number, and V8 keeps the text
 * of every number it turns into text in an old-generation cache, so each
 * record's text outlived the record into the next scavenge: 1.7 times the
 * pause, and promoted bytes, over a Sysmon file (docs/benchmarks.md).
 */
export type UidOf = (raw: Record<string, unknown>) => string;

/** A source's OCSF mapping of a raw record; `arg` is what else the route knew of it (CloudTrail: the EventBridge id). */
export type OcsfMapping = (raw: Record<string, unknown>, arg: string | undefined) => TelemetryEvent['ocsf'];

/**
 * An event whose OCSF form `map(raw, arg)` computes when first read (for
 * SourceMapper.route). A module-level function and its argument rather than
 * a closure: no function allocated per record.
 */
export function lazyEvent(
  uid: string | UidOf,
  source: string,
  logsource: TelemetryEvent['logsource'],
  time: number,
  raw: Record<string, unknown>,
  map: OcsfMapping,
  arg?: string,
): TelemetryEvent {
  return new LazyEvent(uid, source, logsource, time, raw, map, arg);
}

/**
 * A lazy event's mapping failed when its `ocsf` was read: the record is one
 * normalize would have rejected (a route check out of step with its mapper).
 * `cause` is what the mapper threw.
 */
export class DeferredMappingError extends Error {
  constructor(readonly cause: unknown) {
    super(`deferred OCSF mapping failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DeferredMappingError';
  }
}
