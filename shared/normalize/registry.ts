/**
 * The built-in sources and the one entry point that turns a vendor record into
 * telemetry events without ever throwing: every failure becomes a reason the
 * caller quarantines the record with.
 */
import { NormalizeError, type SourceMapper } from './source';
import type { TelemetryEvent } from '../telemetry';
import { cloudtrail } from './sources/cloudtrail';
import { guardduty } from './sources/guardduty';
import { securityhub } from './sources/securityhub';
import { vpcflow } from './sources/vpcflow';
import { route53resolver } from './sources/route53resolver';
import { okta } from './sources/okta';
import { windows } from './sources/windows';
import { linux } from './sources/linux';
import { crowdstrike } from './sources/crowdstrike';
import { defender } from './sources/defender';

/**
 * Recognition order: the first mapper whose recognize() accepts a record maps
 * it. Sources with the most specific markers come first.
 */
export const builtInSources: SourceMapper[] = [
  cloudtrail,
  guardduty,
  securityhub,
  vpcflow,
  route53resolver,
  okta,
  windows,
  linux,
  crowdstrike,
  defender,
];

export type NormalizeResult =
  | { ok: true; events: TelemetryEvent[] }
  | { ok: false; reason: string; source?: string };

/** The source whose format a record is in, if any. Never throws. */
export function recognize(record: Record<string, unknown>, sources: readonly SourceMapper[] = builtInSources): SourceMapper | undefined {
  for (const s of sources) {
    try {
      if (s.recognize(record)) return s;
    } catch {
      // recognize() must not throw; a buggy one just does not claim the record.
    }
  }
  return undefined;
}

/** A source by id (for `--format NAME`). */
export function sourceById(id: string, sources: readonly SourceMapper[] = builtInSources): SourceMapper | undefined {
  return sources.find((s) => s.id === id);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Normalizes one record. Never throws; a failure carries the reason (and the source when one recognized it). */
export function normalizeRecord(record: unknown, sources: readonly SourceMapper[] = builtInSources): NormalizeResult {
  return mapRecord(record, sources, false);
}

/**
 * normalizeRecord for callers that may never read an event's OCSF form:
 * sources with a `route` give events whose `ocsf` is mapped when first read;
 * the others are normalized. Same events, same failures and reasons.
 */
export function routeRecord(record: unknown, sources: readonly SourceMapper[] = builtInSources): NormalizeResult {
  return mapRecord(record, sources, true);
}

function mapRecord(record: unknown, sources: readonly SourceMapper[], lazy: boolean): NormalizeResult {
  if (!isRecord(record)) {
    return { ok: false, reason: `record is not a JSON object (got ${record === null ? 'null' : Array.isArray(record) ? 'array' : typeof record})` };
  }
  const source = recognize(record, sources);
  if (!source) return { ok: false, reason: 'no recognizable source' };
  try {
    const events = lazy && source.route ? source.route(record) : source.normalize(record);
    if (events.length === 0) return { ok: false, reason: 'record produced no events', source: source.id };
    for (const e of events) {
      // A safety net for every mapper (declarative ones included): an event without a usable time cannot be stored or correlated.
      if (!Number.isFinite(e.time) || e.time < 0) return { ok: false, reason: `time: out of range (${e.time})`, source: source.id };
    }
    return { ok: true, events };
  } catch (e) {
    return { ok: false, reason: failureReason(e), source: source.id };
  }
}

/** The reason a record is quarantined with when its mapper threw `e`. */
export function failureReason(e: unknown): string {
  if (e instanceof NormalizeError) return e.reason;
  // A TypeError or similar from a mapper is a record the mapper did not expect; quarantine, don't crash the batch.
  return `mapper failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

export interface BatchFailure {
  index: number;
  reason: string;
  source?: string;
  record: unknown;
}

/** Normalizes a batch; bad records are reported with their index and do not stop the rest. */
export function normalizeBatch(
  records: readonly unknown[],
  sources: readonly SourceMapper[] = builtInSources,
): { events: TelemetryEvent[]; failures: BatchFailure[] } {
  const events: TelemetryEvent[] = [];
  const failures: BatchFailure[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = normalizeRecord(records[i], sources);
    if (r.ok) {
      for (const e of r.events) events.push(e);
    } else {
      failures.push({ index: i, reason: r.reason, source: r.source, record: records[i] });
    }
  }
  return { events, failures };
}
