import type { CaseEvent, CaseStatus } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';
import type { CaseEnrichment, Evidence, Observable } from '../contracts/investigation';
import type { Severity } from '../contracts/severity';
import type { CaseRecord } from './model';

export interface CorrelationRecord {
  key: string;
  caseId: string;
  /** Epoch ms after which the next alert with this key opens a new case. */
  windowEnd: number;
}

export interface TimelineEntry {
  at: string;
  action: string;
  actor: { type: string; id: string; via?: string };
  requestId: string;
  details?: Record<string, unknown>;
}

/** Outcome of a conditional write group. */
export type WriteResult = 'ok' | 'duplicate' | 'conflict';

export interface AlertSummary {
  findingId: string;
  ruleId: string;
  ruleVersion: string;
  severity: Severity;
  eventTime: string;
  events: { uid: string; source: string; time: string }[];
  ruleTitle?: string;
  tags?: string[];
  description?: string;
  falsepositives?: string[];
  observables?: Observable[];
  /** The events that fired the rule (finding 1.1), raw and normalized, bounded. */
  evidence?: Evidence[];
}

export interface CaseDetail {
  case: CaseRecord;
  alerts: AlertSummary[];
  timeline: TimelineEntry[];
  /** What the customer's context data says about the case's observables (the enrich stage). */
  enrichment?: CaseEnrichment;
}

export interface CaseQuery {
  tenantId: string;
  status?: CaseStatus;
  severity?: Severity;
  /** Created at or after (ISO 8601). */
  from?: string;
  /** Created before (ISO 8601). */
  to?: string;
  limit: number;
  /** Opaque token from the previous page. */
  nextToken?: string;
}

export interface CasePage {
  cases: CaseRecord[];
  nextToken?: string;
}

/** One versioned case write inside a change. */
export interface CaseWrite {
  case: CaseRecord;
  expectedVersion: number;
  timeline: TimelineEntry;
}

/**
 * The persistence port of case management. Every write is one atomic,
 * conditional group led by an idempotency item (a finding or a command) that
 * carries the events the change emits, so a redelivery can re-emit them.
 */
export interface CaseStore {
  /** Events emitted when this finding was first taken in, if it was. */
  findingOutcome(findingId: string): Promise<CaseEvent[] | undefined>;
  /** Events emitted when this command was first applied, if it was. */
  commandOutcome(commandId: string): Promise<CaseEvent[] | undefined>;
  getCorrelation(key: string): Promise<CorrelationRecord | undefined>;
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  getCaseDetail(caseId: string): Promise<CaseDetail | undefined>;
  listCases(query: CaseQuery): Promise<CasePage>;
  /**
   * Opens a case with its first alerts; `replaces` is the correlation's
   * previous case id, or undefined if none may exist. 'conflict' when any
   * condition fails (key taken, a finding taken in concurrently).
   */
  openCase(input: {
    case: CaseRecord;
    findings: readonly Finding[];
    correlation: CorrelationRecord;
    replaces: string | undefined;
    events: CaseEvent[];
    timeline: TimelineEntry;
  }): Promise<WriteResult>;
  /** Attaches alerts to a case in one write conditional on the version read. */
  attachAlerts(input: {
    case: CaseRecord;
    expectedVersion: number;
    findings: readonly Finding[];
    correlation: CorrelationRecord;
    events: CaseEvent[];
    timeline: TimelineEntry;
  }): Promise<WriteResult>;
  /** Applies a command's case writes (one, or two for a merge) atomically. */
  applyCommand(input: { commandId: string; writes: CaseWrite[]; events: CaseEvent[] }): Promise<WriteResult>;
}
