import type { CaseEvent } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';
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

/**
 * The persistence port of case management. Every write is one atomic,
 * conditional group: the finding's idempotency item (carrying the events the
 * change emits, so a redelivery can re-emit them), the case, its alert, a
 * timeline entry and the correlation item.
 */
export interface CaseStore {
  /** Events emitted when this finding was first taken in, if it was. */
  findingOutcome(findingId: string): Promise<CaseEvent[] | undefined>;
  getCorrelation(key: string): Promise<CorrelationRecord | undefined>;
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  /** Opens a case; `replaces` is the correlation's previous case id, or undefined if none may exist. */
  openCase(input: {
    case: CaseRecord;
    finding: Finding;
    correlation: CorrelationRecord;
    replaces: string | undefined;
    events: CaseEvent[];
    timeline: TimelineEntry;
  }): Promise<WriteResult>;
  attachAlert(input: {
    case: CaseRecord;
    expectedVersion: number;
    finding: Finding;
    correlation: CorrelationRecord;
    events: CaseEvent[];
    timeline: TimelineEntry;
  }): Promise<WriteResult>;
}
