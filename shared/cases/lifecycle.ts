import { DetailTypes } from '../catalogue';
import type { Actor, CaseStatus } from '../contracts/case-event';
import { maxSeverity } from '../contracts/severity';
import { mergeEntities } from '../detect/entities';
import type { CaseRecord } from './model';

export const RESOLUTIONS = ['true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** What a person (API, CLI, ack link) or the provider asks of a case. */
export type CaseAction =
  | { type: 'acknowledge' }
  | { type: 'unacknowledge' }
  | { type: 'start' }
  | { type: 'resolve'; resolution: Resolution; comment?: string }
  | { type: 'close' }
  | { type: 'reopen'; reason?: string }
  | { type: 'assign'; assignee: string }
  | { type: 'note'; text: string }
  | { type: 'merge'; into: string }
  | { type: 'resend' };

export type CaseErrorCode = 'not_found' | 'illegal_transition' | 'invalid_request' | 'conflict' | 'forbidden';

/** A refused request: a stable code for programs and a message for people. */
export class CaseError extends Error {
  constructor(
    readonly code: CaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaseError';
  }
}

export interface LifecycleSettings {
  /** How long after resolution a case may be reopened. */
  reopenWindowMs: number;
}

export interface Transition {
  next: CaseRecord;
  detailType: string;
  /** Timeline action name (also `change` on the case event). */
  change: string;
  details?: Record<string, unknown>;
}

const ACTIVE: readonly CaseStatus[] = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS'];
export const NOTE_MAX = 4000;

function refuse(c: CaseRecord, action: string, allowed: readonly CaseStatus[]): never {
  throw new CaseError('illegal_transition', `cannot ${action} case ${c.caseId} in status ${c.status} (allowed from ${allowed.join(', ')})`);
}

function requireStatus(c: CaseRecord, action: string, allowed: readonly CaseStatus[]): void {
  if (!allowed.includes(c.status)) refuse(c, action, allowed);
}

/**
 * The case state machine: NEW → ACKNOWLEDGED → IN_PROGRESS → RESOLVED →
 * CLOSED, with un-acknowledge, reopen within a window and merge. Pure: returns
 * the next case (version + 1) and the event it emits, or throws CaseError.
 */
export function transition(c: CaseRecord, action: CaseAction, actor: Actor, now: Date, settings: LifecycleSettings): Transition {
  const at = now.toISOString();
  const bump = (patch: Partial<CaseRecord>): CaseRecord => ({ ...c, ...patch, updatedAt: at, version: c.version + 1 });
  switch (action.type) {
    case 'acknowledge':
      requireStatus(c, 'acknowledge', ['NEW']);
      return {
        next: bump({ status: 'ACKNOWLEDGED', acknowledgedAt: c.acknowledgedAt ?? at, acknowledgedBy: actor.id }),
        detailType: DetailTypes.caseAcknowledged,
        change: 'acknowledged',
      };
    case 'unacknowledge':
      requireStatus(c, 'unacknowledge', ['ACKNOWLEDGED']);
      return { next: bump({ status: 'NEW', acknowledgedBy: undefined }), detailType: DetailTypes.caseUpdated, change: 'unacknowledged' };
    case 'start':
      requireStatus(c, 'start work on', ['NEW', 'ACKNOWLEDGED']);
      return {
        next: bump({ status: 'IN_PROGRESS', acknowledgedAt: c.acknowledgedAt ?? at, acknowledgedBy: c.acknowledgedBy ?? actor.id }),
        detailType: c.acknowledgedAt ? DetailTypes.caseUpdated : DetailTypes.caseAcknowledged,
        change: 'in_progress',
      };
    case 'resolve':
      requireStatus(c, 'resolve', ACTIVE);
      if (!(RESOLUTIONS as readonly string[]).includes(action.resolution)) {
        throw new CaseError('invalid_request', `resolution must be one of ${RESOLUTIONS.join(', ')}`);
      }
      return {
        next: bump({ status: 'RESOLVED', resolution: action.resolution, resolvedAt: at, resolvedBy: actor.id, acknowledgedAt: c.acknowledgedAt ?? at }),
        detailType: DetailTypes.caseResolved,
        change: 'resolved',
        details: { resolution: action.resolution, ...(action.comment ? { comment: action.comment } : {}) },
      };
    case 'close':
      requireStatus(c, 'close', ['RESOLVED']);
      return { next: bump({ status: 'CLOSED', closedAt: at }), detailType: DetailTypes.caseClosed, change: 'closed' };
    case 'reopen': {
      requireStatus(c, 'reopen', ['RESOLVED', 'CLOSED']);
      const resolvedAt = Date.parse(c.resolvedAt ?? c.updatedAt);
      if (now.getTime() - resolvedAt > settings.reopenWindowMs) {
        throw new CaseError('illegal_transition', `case ${c.caseId} was resolved more than ${Math.round(settings.reopenWindowMs / 3_600_000)} h ago and can no longer be reopened`);
      }
      return {
        next: bump({ status: 'IN_PROGRESS', resolution: undefined, resolvedAt: undefined, resolvedBy: undefined, closedAt: undefined, reopenCount: (c.reopenCount ?? 0) + 1 }),
        detailType: DetailTypes.caseReopened,
        change: 'reopened',
        details: action.reason ? { reason: action.reason } : undefined,
      };
    }
    case 'assign':
      requireStatus(c, 'assign', ACTIVE);
      if (!action.assignee || action.assignee.length > 256) throw new CaseError('invalid_request', 'assignee must be 1-256 characters');
      return { next: bump({ assignee: action.assignee }), detailType: DetailTypes.caseUpdated, change: 'assigned', details: { assignee: action.assignee } };
    case 'note':
      if (c.status === 'MERGED') refuse(c, 'add a note to', ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']);
      if (!action.text || action.text.length > NOTE_MAX) throw new CaseError('invalid_request', `note text must be 1-${NOTE_MAX} characters`);
      return { next: bump({ noteCount: (c.noteCount ?? 0) + 1 }), detailType: DetailTypes.caseUpdated, change: 'note_added', details: { text: action.text } };
    case 'resend':
      // Page the current tier again on request (a lost page, a changed on-call); it does not change the status.
      requireStatus(c, 'resend notifications for', ACTIVE);
      return { next: bump({}), detailType: DetailTypes.caseUpdated, change: 'resend_requested' };
    case 'merge':
      requireStatus(c, 'merge', ACTIVE);
      if (action.into === c.caseId) throw new CaseError('invalid_request', 'a case cannot be merged into itself');
      return { next: bump({ status: 'MERGED', mergedInto: action.into }), detailType: DetailTypes.caseMerged, change: 'merged', details: { into: action.into } };
    default:
      throw new CaseError('invalid_request', `unknown action ${(action as { type: string }).type}`);
  }
}

/** The surviving case of a merge takes the merged case's alerts, entities and severity. */
export function absorb(target: CaseRecord, merged: CaseRecord, now: Date): Transition {
  if (!ACTIVE.includes(target.status)) refuse(target, 'merge into', ACTIVE);
  return {
    next: {
      ...target,
      severity: maxSeverity(target.severity, merged.severity),
      entities: mergeEntities(target.entities, merged.entities),
      tags: [...new Set([...target.tags, ...merged.tags])],
      alertCount: target.alertCount + merged.alertCount,
      detectedAt: target.detectedAt < merged.detectedAt ? target.detectedAt : merged.detectedAt,
      firstSeen: target.firstSeen < merged.firstSeen ? target.firstSeen : merged.firstSeen,
      lastSeen: target.lastSeen > merged.lastSeen ? target.lastSeen : merged.lastSeen,
      mergedFrom: [...(target.mergedFrom ?? []), merged.caseId],
      updatedAt: now.toISOString(),
      version: target.version + 1,
    },
    detailType: DetailTypes.caseUpdated,
    change: 'absorbed',
    details: { from: merged.caseId },
  };
}

/** Parses an action from untrusted input (API body, provider command), refusing what is malformed. */
export function parseAction(type: string, body: Record<string, unknown>): CaseAction {
  const str = (k: string): string => {
    const v = body[k];
    if (typeof v !== 'string' || v.trim() === '') throw new CaseError('invalid_request', `${k} is required and must be a string`);
    return v;
  };
  const opt = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  switch (type) {
    case 'acknowledge':
    case 'unacknowledge':
    case 'start':
    case 'close':
    case 'resend':
      return { type };
    case 'resolve': {
      const resolution = str('resolution');
      if (!(RESOLUTIONS as readonly string[]).includes(resolution)) {
        throw new CaseError('invalid_request', `resolution must be one of ${RESOLUTIONS.join(', ')}`);
      }
      return { type, resolution: resolution as Resolution, comment: opt('comment') };
    }
    case 'reopen':
      return { type, reason: opt('reason') };
    case 'assign':
      return { type, assignee: str('assignee') };
    case 'note':
      return { type, text: str('text') };
    case 'merge':
      return { type, into: str('into') };
    default:
      throw new CaseError('invalid_request', `unknown action "${type}"`);
  }
}
