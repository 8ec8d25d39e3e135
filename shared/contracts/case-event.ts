import type { RequesterRole, ResponseActionType, ResponseStatus, ResponseTarget } from './investigation';
import type { Severity } from './severity';

export const CASE_EVENT_SCHEMA_VERSION = '1.2';

export type CaseStatus = 'NEW' | 'ACKNOWLEDGED' | 'IN_PROGRESS' | 'RESOLVED' | 'CLOSED' | 'MERGED';

/** Who caused a change: the pipeline, a person through a channel, or the provider. */
export interface Actor {
  type: 'system' | 'user' | 'provider';
  id: string;
  /** Channel the action came through (api, slack, pagerduty, provider-bus, …). */
  via?: string;
}

/**
 * `detail` of every case event (source `mdr.cases`). Consumers dedupe on
 * `eventId` and order by `caseVersion`. Additive changes bump the minor
 * schemaVersion; a breaking change ships a new detail-type in parallel.
 */
export interface CaseEventDetail {
  schemaVersion: string;
  /** Deterministic from (caseId, caseVersion, detail-type): redelivery re-emits the same id. */
  eventId: string;
  occurredAt: string;
  tenantId: string;
  caseId: string;
  caseVersion: number;
  status: CaseStatus;
  severity: Severity;
  title: string;
  actor: Actor;
  ruleId: string;
  tags: string[];
  alertCount: number;
  /** The finding that caused this event, when one did. */
  findingId?: string;
  /** Every finding of the change, when alerts arriving together were attached in one write (1.1). */
  findingIds?: string[];
  /** What changed (timeline action): acknowledged, note_added, assigned, … */
  change?: string;
  assignee?: string;
  resolution?: string;
  mergedInto?: string;
  /** The response action this event is about (ResponseAction* detail-types, 1.2). */
  responseAction?: {
    requestId: string;
    action: ResponseActionType;
    status: ResponseStatus;
    target: ResponseTarget;
    dryRun: boolean;
    requesterRole: RequesterRole;
    /** Why it was refused, rejected or failed. */
    reason?: string;
    /** Set on an undo: the request it reverses. */
    undoOf?: string;
  };
}

export interface CaseEvent {
  detailType: string;
  detail: CaseEventDetail;
}
