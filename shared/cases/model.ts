import type { Actor, CaseEvent, CaseEventDetail, CaseStatus } from '../contracts/case-event';
import { CASE_EVENT_SCHEMA_VERSION } from '../contracts/case-event';
import { ENTITY_KINDS, type Entities, type Finding } from '../contracts/finding';
import { maxSeverity, type Severity } from '../contracts/severity';
import { mergeEntities } from '../detect/entities';
import { stableId } from '../hash';

/** The case item: one incident, however many findings feed it. */
export interface CaseRecord {
  caseId: string;
  tenantId: string;
  title: string;
  status: CaseStatus;
  severity: Severity;
  ruleId: string;
  tags: string[];
  correlationKey: string;
  entities: Entities;
  alertCount: number;
  /** Earliest event time of any alert (ISO 8601). */
  detectedAt: string;
  createdAt: string;
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
  /** Optimistic lock: every change is a conditional write on the version read. */
  version: number;
  /** Set when this case opened because `linkedFrom` was full. */
  linkedFrom?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  resolution?: string;
  closedAt?: string;
  assignee?: string;
  noteCount?: number;
  reopenCount?: number;
  mergedInto?: string;
  mergedFrom?: string[];
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: 'mdr-pipeline' };

/** Statuses a new alert may still join; later ones open a new case. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS'];

/**
 * Alerts with the same key belong to one case: tenant, rule and the entities
 * the finding carries. Sorted, so the key does not depend on field order.
 */
export function correlationKey(finding: Finding): string {
  const parts = [finding.tenantId, finding.rule.id];
  for (const kind of ENTITY_KINDS) parts.push(`${kind}=${finding.entities[kind].join(',')}`);
  return stableId(...parts);
}

function caseTitle(finding: Finding): string {
  const who = finding.entities.users[0] ?? finding.entities.hosts[0] ?? finding.entities.ips[0];
  const where = finding.entities.accounts[0];
  return [finding.rule.title, who && `by ${who}`, where && `in ${where}`].filter(Boolean).join(' ');
}

export function openCase(finding: Finding, key: string, now: Date, linkedFrom?: string): CaseRecord {
  const at = now.toISOString();
  return {
    // Deterministic from the finding that opened it, so a retried open cannot fork a second case.
    caseId: `case-${stableId('case', finding.findingId).slice(0, 20)}`,
    tenantId: finding.tenantId,
    title: caseTitle(finding),
    status: 'NEW',
    severity: finding.severity,
    ruleId: finding.rule.id,
    tags: [...finding.rule.tags],
    correlationKey: key,
    entities: finding.entities,
    alertCount: 1,
    detectedAt: finding.eventTime,
    createdAt: at,
    firstSeen: finding.eventTime,
    lastSeen: finding.eventTime,
    updatedAt: at,
    version: 1,
    ...(linkedFrom ? { linkedFrom } : {}),
  };
}

/** The case after one more alert: severity may rise, never fall. */
export function attachAlert(c: CaseRecord, finding: Finding, now: Date): CaseRecord {
  const min = (a: string, b: string) => (a < b ? a : b);
  const max = (a: string, b: string) => (a > b ? a : b);
  return {
    ...c,
    severity: maxSeverity(c.severity, finding.severity),
    tags: [...new Set([...c.tags, ...finding.rule.tags])],
    entities: mergeEntities(c.entities, finding.entities),
    alertCount: c.alertCount + 1,
    detectedAt: min(c.detectedAt, finding.eventTime),
    firstSeen: min(c.firstSeen, finding.eventTime),
    lastSeen: max(c.lastSeen, finding.eventTime),
    updatedAt: now.toISOString(),
    version: c.version + 1,
  };
}

/** A case event for the bus; its id is deterministic so re-emitting after a retry is harmless. */
export function caseEvent(detailType: string, c: CaseRecord, actor: Actor, now: Date, findingIds?: string | readonly string[], change?: string): CaseEvent {
  const ids = findingIds === undefined ? [] : typeof findingIds === 'string' ? [findingIds] : findingIds;
  const detail: CaseEventDetail = {
    schemaVersion: CASE_EVENT_SCHEMA_VERSION,
    eventId: stableId(c.caseId, String(c.version), detailType),
    occurredAt: now.toISOString(),
    tenantId: c.tenantId,
    caseId: c.caseId,
    caseVersion: c.version,
    status: c.status,
    severity: c.severity,
    title: c.title,
    actor,
    ruleId: c.ruleId,
    tags: c.tags,
    alertCount: c.alertCount,
    ...(ids.length ? { findingId: ids[0] } : {}),
    ...(ids.length > 1 ? { findingIds: [...ids] } : {}),
    ...(change ? { change } : {}),
    ...(c.assignee ? { assignee: c.assignee } : {}),
    ...(c.resolution ? { resolution: c.resolution } : {}),
    ...(c.mergedInto ? { mergedInto: c.mergedInto } : {}),
  };
  return { detailType, detail };
}

/** Several alerts joining a case in one write: one version step, however many alerts. */
export function attachAlerts(c: CaseRecord, findings: readonly Finding[], now: Date): CaseRecord {
  const folded = findings.reduce((acc, f) => attachAlert(acc, f, now), c);
  return { ...folded, version: c.version + 1 };
}

/** A case opened by a group of alerts that arrived together: the first opens it, the rest join it. */
export function openCaseWith(findings: readonly Finding[], key: string, now: Date, linkedFrom?: string): CaseRecord {
  const [first, ...rest] = findings;
  const opened = openCase(first, key, now, linkedFrom);
  return rest.length ? { ...attachAlerts(opened, rest, now), version: 1 } : opened;
}
