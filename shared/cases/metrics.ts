import type { CaseRecord } from './model';

export interface CaseTimes {
  caseId: string;
  /** Detection (earliest event) to acknowledgement, ms. */
  timeToAcknowledgeMs?: number;
  /** Detection to resolution, ms. */
  timeToResolveMs?: number;
}

export interface Distribution {
  count: number;
  meanMs?: number;
  p50Ms?: number;
  p90Ms?: number;
  maxMs?: number;
}

export function caseTimes(c: CaseRecord): CaseTimes {
  const start = Date.parse(c.detectedAt);
  const since = (t?: string) => (t ? Math.max(0, Date.parse(t) - start) : undefined);
  return { caseId: c.caseId, timeToAcknowledgeMs: since(c.acknowledgedAt), timeToResolveMs: since(c.resolvedAt) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function distribution(values: readonly (number | undefined)[]): Distribution {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (!v.length) return { count: 0 };
  return {
    count: v.length,
    meanMs: Math.round(v.reduce((a, b) => a + b, 0) / v.length),
    p50Ms: percentile(v, 50),
    p90Ms: percentile(v, 90),
    maxMs: v[v.length - 1],
  };
}

/** Time-to-acknowledge and time-to-resolve across cases, for the metrics endpoint and reports. */
export function responseMetrics(cases: readonly CaseRecord[]) {
  const times = cases.map(caseTimes);
  return {
    cases: cases.length,
    byStatus: cases.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {}),
    timeToAcknowledge: distribution(times.map((t) => t.timeToAcknowledgeMs)),
    timeToResolve: distribution(times.map((t) => t.timeToResolveMs)),
  };
}
