import type { Actor, CaseEvent } from '../contracts/case-event';
import { absorb, CaseError, transition, type CaseAction, type LifecycleSettings } from './lifecycle';
import { caseEvent, type CaseRecord } from './model';
import type { CaseStore, CaseWrite, TimelineEntry } from './store';

const MAX_ATTEMPTS = 5;

export interface CommandRequest {
  caseId: string;
  action: CaseAction;
  actor: Actor;
  /** Idempotency key: the same command id applies once (API Idempotency-Key, provider event id, ack token id). */
  commandId: string;
  now: Date;
}

export interface CommandResult {
  case: CaseRecord;
  events: CaseEvent[];
  /** True when this command had been applied before and its events are re-emitted. */
  replayed: boolean;
}

function entry(t: { change: string; details?: Record<string, unknown> }, req: CommandRequest): TimelineEntry {
  return { at: req.now.toISOString(), action: t.change, actor: req.actor, requestId: req.commandId, ...(t.details ? { details: t.details } : {}) };
}

/**
 * Applies a person's or the provider's action to a case: one conditional
 * write on the version read (two for a merge), retried on a concurrent change,
 * refused with a CaseError when the state machine does not allow it. Every
 * path into case changes (API, CLI, ack links, provider commands) comes here.
 */
export async function applyCaseAction(store: CaseStore, req: CommandRequest, settings: LifecycleSettings): Promise<CommandResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const earlier = await store.commandOutcome(req.commandId);
    if (earlier) {
      const current = await store.getCase(req.caseId);
      if (!current) throw new CaseError('not_found', `case ${req.caseId} not found`);
      return { case: current, events: earlier, replayed: true };
    }
    const current = await store.getCase(req.caseId);
    if (!current) throw new CaseError('not_found', `case ${req.caseId} not found`);
    const t = transition(current, req.action, req.actor, req.now, settings);
    const writes: CaseWrite[] = [{ case: t.next, expectedVersion: current.version, timeline: entry(t, req) }];
    const events = [caseEvent(t.detailType, t.next, req.actor, req.now, undefined, t.change)];
    if (req.action.type === 'merge') {
      const target = await store.getCase(req.action.into);
      if (!target) throw new CaseError('not_found', `merge target ${req.action.into} not found`);
      if (target.tenantId !== current.tenantId) throw new CaseError('forbidden', 'cases of different tenants cannot be merged');
      const a = absorb(target, current, req.now);
      writes.push({ case: a.next, expectedVersion: target.version, timeline: entry(a, req) });
      events.push(caseEvent(a.detailType, a.next, req.actor, req.now, undefined, a.change));
    }
    const result = await store.applyCommand({ commandId: req.commandId, writes, events });
    if (result === 'ok') return { case: t.next, events, replayed: false };
    // 'duplicate': applied concurrently under the same id; the next round returns its events.
  }
  throw new CaseError('conflict', `case ${req.caseId} kept changing; try again`);
}
