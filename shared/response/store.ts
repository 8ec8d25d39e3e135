import type { CaseRecord } from '../cases/model';
import type { TimelineEntry, WriteResult } from '../cases/store';
import type { CaseEvent } from '../contracts/case-event';
import type { ResponseRequest, ResponseStatus } from '../contracts/investigation';

/** A request as stored: the contract plus what execution needs to resume safely. */
export interface ActionRecord extends ResponseRequest {
  /** Who runs it and until when (epoch ms); another worker may take over once it lapses. */
  lease?: { owner: string; until: number };
  /** Executions started so far. */
  attempts?: number;
  /** When the first execution started (ISO 8601): the cut-off `revoke_role_sessions` writes, stable across resumes. */
  startedAt?: string;
  /** What an interrupted execution had already observed or done (checkpointed by the executor). */
  progress?: Record<string, unknown>;
}

/** The action item as read before a change: absent, or in this status (held by this lease). */
export type ActionExpectation = { absent: true } | { status: ResponseStatus; leaseOwner?: string };

/**
 * One state change of a response request, written as one conditional
 * transaction: the step's idempotency item (with the events it emits), the
 * action item, the case version step and a timeline entry.
 */
export interface ResponseChange {
  /** Deterministic id of this step: a redelivered step is found, not repeated. */
  stepId: string;
  record: ActionRecord;
  expected: ActionExpectation;
  /** The case after the change (version + 1); written conditionally on `expectedVersion`. */
  case: CaseRecord;
  expectedVersion: number;
  timeline: TimelineEntry;
  events: CaseEvent[];
}

/** Persistence port of response actions (DynamoDB: shared/aws/dynamo-response-store.ts). */
export interface ResponseStore {
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  getAction(caseId: string, requestId: string): Promise<ActionRecord | undefined>;
  /** The case's requests, oldest first. */
  listActions(caseId: string): Promise<ActionRecord[]>;
  /** Events a step emitted when it was applied, if it was. */
  stepOutcome(stepId: string): Promise<CaseEvent[] | undefined>;
  /** 'duplicate' when the step was applied before, 'conflict' when the case or the action item changed. */
  applyChange(change: ResponseChange): Promise<WriteResult>;
  /** Saves execution progress while this lease holds the request; false when it no longer does. */
  saveProgress(caseId: string, requestId: string, leaseOwner: string, progress: Record<string, unknown>): Promise<boolean>;
}
