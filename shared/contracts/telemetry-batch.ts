import type { TelemetryEvent } from '../telemetry';

/** Body of a message on the detect queue: many events per message, so SQS costs per batch, not per event. */
export interface TelemetryBatch {
  v: 1;
  events: TelemetryEvent[];
}

export function isTelemetryBatch(v: unknown): v is TelemetryBatch {
  return typeof v === 'object' && v !== null && (v as TelemetryBatch).v === 1 && Array.isArray((v as TelemetryBatch).events);
}
