/** Finding and case severity: Sigma's levels, ordered. */
export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The higher of two severities: a case's severity is raised by its alerts, never lowered. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** OCSF severity_id for a severity (1 informational … 5 critical). */
export function ocsfSeverityId(s: Severity): number {
  return severityRank(s) + 1;
}
