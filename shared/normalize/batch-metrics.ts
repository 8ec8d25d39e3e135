/**
 * What one normalize invocation did, as one CloudWatch embedded metric format
 * (EMF) log line: records in, events out, S3 continuations, and quarantined
 * records by reason class. One line per batch, never per record, so the
 * telemetry path writes nothing per event; CloudWatch Logs turns the line
 * into metrics (namespace `MDR`, dimensions tenant and stage) without a
 * PutMetricData call.
 */

export const METRICS_NAMESPACE = 'MDR';

/** Reason classes: a bounded set, so each is one metric (the reasons themselves carry positions and values). */
export const QUARANTINE_REASONS = ['malformed', 'truncated', 'oversized', 'unknown-source', 'invalid-field', 'mapper-error', 'unreadable-object', 'empty', 'other'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** Metric names: the totals, then `Quarantined.<reason>` for each class. */
export const NormalizeMetrics = {
  recordsIn: 'RecordsIn',
  eventsOut: 'EventsOut',
  quarantined: 'Quarantined',
  continuations: 'Continuations',
  byReason: (r: QuarantineReason) => `Quarantined.${r}`,
} as const;

/** The class of a quarantine reason, as the envelope functions and mappers word them. */
export function reasonClass(reason: string): QuarantineReason {
  if (/^s3:\/\/.+? unreadable: /.test(reason)) return 'unreadable-object';
  if (/exceeds \d+ characters/.test(reason)) return 'oversized';
  if (/truncated|unexpected end of input/.test(reason)) return 'truncated';
  if (/^no recognizable source/.test(reason)) return 'unknown-source';
  if (/^mapper failed/.test(reason)) return 'mapper-error';
  if (/^empty message/.test(reason)) return 'empty';
  if (/malformed|not JSON|not base64 gzip|not a JSON object|outside a JSON document|does not have \d+ fields|not a known text log format|no string message|unrecognized|not a CloudWatch Logs|is not DATA_MESSAGE|not a string/.test(reason)) return 'malformed';
  if (/expected|missing required|out of range|negative|invalid|must be/.test(reason)) return 'invalid-field';
  return 'other';
}

export interface BatchCounts {
  recordsIn: number;
  eventsOut: number;
  continuations: number;
  quarantined: Record<QuarantineReason, number>;
}

export function newBatchCounts(): BatchCounts {
  return { recordsIn: 0, eventsOut: 0, continuations: 0, quarantined: Object.fromEntries(QUARANTINE_REASONS.map((r) => [r, 0])) as Record<QuarantineReason, number> };
}

export function countQuarantined(counts: BatchCounts, reason: string): void {
  counts.quarantined[reasonClass(reason)]++;
}

/**
 * The EMF line (JSON, no newline) for one batch. Every metric is present,
 * zeros included, so a quiet period reads as 0 rather than missing data.
 */
export function batchMetricsLine(counts: BatchCounts, dims: { tenant: string; stage: string }, timestampMs: number): string {
  const total = QUARANTINE_REASONS.reduce((n, r) => n + counts.quarantined[r], 0);
  const values: Record<string, number> = {
    [NormalizeMetrics.recordsIn]: counts.recordsIn,
    [NormalizeMetrics.eventsOut]: counts.eventsOut,
    [NormalizeMetrics.quarantined]: total,
    [NormalizeMetrics.continuations]: counts.continuations,
  };
  for (const r of QUARANTINE_REASONS) values[NormalizeMetrics.byReason(r)] = counts.quarantined[r];
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['tenant', 'stage']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    tenant: dims.tenant,
    stage: dims.stage,
    ...values,
  });
}
