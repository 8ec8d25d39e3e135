import type { Evidence } from '../contracts/investigation';
import type { TelemetryEvent } from '../telemetry';

/** One event's raw and normalized form kept inline up to this size; larger ones go to the evidence bucket. */
export const EVIDENCE_INLINE_BYTES = 16 * 1024;
/** Inline evidence per finding, in total: keeps a finding well under EventBridge's 256 KB entry. */
export const EVIDENCE_FINDING_BYTES = 64 * 1024;
/** Events of a correlation finding kept as evidence; `events` still names every one. */
export const EVIDENCE_MAX_EVENTS = 5;

/**
 * The evidence a finding carries: the events that fired it, raw and OCSF,
 * inline while small. An event over budget is marked `truncated` with no
 * body; detect stores its full text in the evidence bucket and sets
 * `pointer` before the finding leaves (only findings pay for this, never
 * ordinary events).
 */
export function evidenceOf(events: readonly TelemetryEvent[]): Evidence[] {
  let budget = EVIDENCE_FINDING_BYTES;
  return events.slice(0, EVIDENCE_MAX_EVENTS).map((e) => {
    const bytes = evidenceBytes(e);
    const base = { uid: e.uid, source: e.source, time: new Date(e.time).toISOString(), bytes };
    if (bytes > EVIDENCE_INLINE_BYTES || bytes > budget) return { ...base, truncated: true };
    budget -= bytes;
    return { ...base, raw: e.raw, ocsf: e.ocsf };
  });
}

/**
 * The last event measured: an event matching several rules gets one finding
 * per rule, built one after another, and serializing it to measure is most
 * of a finding's cost. Keyed on the event and its two bodies, which detect
 * does not change once normalized.
 */
let measured: { event: TelemetryEvent; raw: unknown; ocsf: unknown; bytes: number } | undefined;

/** UTF-8 size of the event's `{raw, ocsf}` JSON. */
function evidenceBytes(e: TelemetryEvent): number {
  const m = measured;
  if (m !== undefined && m.event === e && m.raw === e.raw && m.ocsf === e.ocsf) return m.bytes;
  const bytes = Buffer.byteLength(JSON.stringify({ raw: e.raw, ocsf: e.ocsf }));
  measured = { event: e, raw: e.raw, ocsf: e.ocsf, bytes };
  return bytes;
}

/** The text stored in the evidence bucket for a truncated event: the same shape as inline evidence. */
export function evidenceBody(e: TelemetryEvent): string {
  return JSON.stringify({ uid: e.uid, source: e.source, time: new Date(e.time).toISOString(), raw: e.raw, ocsf: e.ocsf });
}
