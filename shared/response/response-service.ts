import { randomUUID } from 'node:crypto';
import { CaseError } from '../cases/lifecycle';
import { caseEvent, type CaseRecord } from '../cases/model';
import type { TimelineEntry } from '../cases/store';
import { DetailTypes } from '../catalogue';
import type { ResponseConfig } from '../config/response-config';
import type { Actor, CaseEvent } from '../contracts/case-event';
import { RESPONSE_ACTION_TYPES, type RequesterRole, type ResponseActionType, type ResponseRequest, type ResponseStatus } from '../contracts/investigation';
import { stableId } from '../hash';
import { ExecutionError, LeaseLostError, type ExecutionOutcome, type ResponseExecutor } from './executor';
import { approvalProblem, decideRequest, type Decider } from './gate';
import type { ActionExpectation, ActionRecord, ResponseStore } from './store';

const MAX_WRITE_ATTEMPTS = 5;
/** Who executes: the respond stage. */
export const RESPOND_ACTOR: Actor = { type: 'system', id: 'mdr-respond' };
export const REQUEST_ID = /^resp-[0-9a-f]{20}$/;

export interface ResponseServiceDeps {
  store: ResponseStore;
  config: ResponseConfig;
  /** Only the respond stage executes; the API and commands only request, approve and reject (and stay small). */
  executor?: ResponseExecutor;
  now?: () => Date;
  /** How long an execution holds a request before another worker may resume it (keep it under the queue's visibility timeout). */
  leaseMs?: number;
  /** Executions after which a failing request is marked FAILED instead of retried. */
  maxExecutions?: number;
}

export interface NewRequest {
  caseId: string;
  action: ResponseActionType;
  target: unknown;
  dryRun?: boolean;
  actor: Actor;
  requesterRole: RequesterRole;
  /** The caller's idempotency key: the same key on the same case is the same request. */
  idempotencyKey: string;
}

export interface Decision {
  caseId: string;
  requestId: string;
  actor: Actor;
  role: RequesterRole;
  /** Distinguishes refused attempts of one person (defaults to one per person). */
  idempotencyKey?: string;
  reason?: string;
}

export interface ResponseOutcome {
  request: ResponseRequest;
  /** Case events of the change, to publish (re-emitted as they were on a replay). */
  events: CaseEvent[];
  replayed: boolean;
  /** Set when an approval or rejection was refused (the request is unchanged). */
  refused?: string;
}

export interface ExecuteOutcome {
  /** done: finished now or before; busy: another execution holds it; idle: nothing to run (pending, refused, rejected). */
  state: 'done' | 'busy' | 'idle';
  request: ResponseRequest;
  events: CaseEvent[];
}

/** What one state change writes, decided from the case and the action item as read. */
interface Step {
  record: ActionRecord;
  expected: ActionExpectation;
  change: string;
  actor: Actor;
  /** Detail-type of the case event it emits; none for bookkeeping steps (execution started). */
  detailType?: string;
  details?: Record<string, unknown>;
  refused?: string;
}

/** The request as the contract shows it: without the execution bookkeeping. */
export function publicRequest(r: ActionRecord): ResponseRequest {
  const { lease: _l, attempts: _a, startedAt: _s, progress: _p, ...rest } = r;
  return rest;
}

export function requestIdFor(caseId: string, idempotencyKey: string): string {
  return `resp-${stableId('response', caseId, idempotencyKey).slice(0, 20)}`;
}

const stepId = (requestId: string, ...parts: string[]) => stableId('response-step', requestId, ...parts);

/**
 * Response actions on a case: request, approve or reject, execute, undo.
 * Every state change is one conditional transaction (action item, case
 * version, timeline entry, step idempotency item holding the case events),
 * retried on a concurrent change; a repeated step returns the events it
 * emitted the first time.
 */
export class ResponseService {
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly maxExecutions: number;

  constructor(private readonly deps: ResponseServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.maxExecutions = deps.maxExecutions ?? 3;
  }

  private executor(): ResponseExecutor {
    if (!this.deps.executor) throw new Error('response actions run in the respond stage only (no executor here)');
    return this.deps.executor;
  }

  /** The case a request is about (callers check its tenant). */
  async caseOf(caseId: string): Promise<CaseRecord | undefined> {
    return this.deps.store.getCase(caseId);
  }

  async list(caseId: string): Promise<ResponseRequest[]> {
    return (await this.deps.store.listActions(caseId)).map(publicRequest);
  }

  async get(caseId: string, requestId: string): Promise<ResponseRequest | undefined> {
    const r = await this.deps.store.getAction(caseId, requestId);
    return r && publicRequest(r);
  }

  /** Records a request with the gate's decision: REFUSED (with the reason), PENDING_APPROVAL or APPROVED. */
  async requestAction(input: NewRequest): Promise<ResponseOutcome> {
    if (!RESPONSE_ACTION_TYPES.includes(input.action)) throw new CaseError('invalid_request', `action must be one of ${RESPONSE_ACTION_TYPES.join(', ')}`);
    const requestId = requestIdFor(input.caseId, input.idempotencyKey);
    return this.commit(input.caseId, requestId, stepId(requestId, 'requested'), async (c, current) => {
      if (current) throw new CaseError('conflict', `request ${requestId} exists`); // applied concurrently; the retry replays it
      const gate = decideRequest(this.deps.config, input);
      const record = this.newRecord(c, requestId, input, gate.target, gate.decision === 'refused' ? 'REFUSED' : gate.decision === 'approved' ? 'APPROVED' : 'PENDING_APPROVAL');
      if (gate.decision === 'refused') record.reason = gate.reason;
      return {
        record,
        expected: { absent: true },
        change: gate.decision === 'refused' ? 'response_refused' : 'response_requested',
        actor: input.actor,
        detailType: gate.decision === 'refused' ? DetailTypes.responseActionRefused : DetailTypes.responseActionRequested,
      };
    });
  }

  /** A customer person other than the requester approves a pending request; anyone else's attempt is refused and recorded. */
  async approve(d: Decision): Promise<ResponseOutcome> {
    return this.decide(d, 'approve');
  }

  /** The customer turns a pending request down; the provider's attempt is refused and recorded. */
  async reject(d: Decision): Promise<ResponseOutcome> {
    return this.decide(d, 'reject');
  }

  private async decide(d: Decision, verb: 'approve' | 'reject'): Promise<ResponseOutcome> {
    const existing = await this.requireAction(d.caseId, d.requestId);
    const problem = approvalProblem(this.deps.config, existing, { actor: d.actor, role: d.role } satisfies Decider, verb);
    if (problem) {
      // The request stays pending: a refused attempt must not decide it either way.
      return this.commit(d.caseId, d.requestId, stepId(d.requestId, `${verb}_refused`, d.actor.id, d.idempotencyKey ?? ''), async (_c, current) => {
        const r = this.present(current, d.requestId);
        return {
          record: r,
          expected: { status: r.status, ...(r.lease ? { leaseOwner: r.lease.owner } : {}) },
          change: `response_${verb}_refused`,
          actor: d.actor,
          detailType: DetailTypes.responseActionRefused,
          details: { reason: problem },
          refused: problem,
        };
      });
    }
    return this.commit(d.caseId, d.requestId, stepId(d.requestId, verb === 'approve' ? 'approved' : 'rejected'), async (_c, current) => {
      const r = this.present(current, d.requestId);
      if (r.status !== 'PENDING_APPROVAL') throw new CaseError('illegal_transition', `request ${d.requestId} is ${r.status}; only PENDING_APPROVAL requests can be ${verb}d`);
      const at = this.now().toISOString();
      const next: ActionRecord =
        verb === 'approve'
          ? { ...r, status: 'APPROVED', approvedBy: d.actor, approvedAt: at }
          : { ...r, status: 'REJECTED', ...(d.reason ? { reason: d.reason.slice(0, 1000) } : {}), completedAt: at };
      return {
        record: next,
        expected: { status: 'PENDING_APPROVAL' },
        change: verb === 'approve' ? 'response_approved' : 'response_rejected',
        actor: d.actor,
        detailType: verb === 'approve' ? DetailTypes.responseActionApproved : DetailTypes.responseActionRejected,
      };
    });
  }

  /**
   * Asks to reverse a SUCCEEDED request: a new request (same action, same
   * target, `undoOf` set) through the same gate and approval.
   */
  async requestUndo(d: Decision & { dryRun?: boolean }): Promise<ResponseOutcome> {
    const original = await this.requireAction(d.caseId, d.requestId);
    if (original.undoOf) throw new CaseError('illegal_transition', `request ${d.requestId} is itself an undo; request the action again instead`);
    if (original.status !== 'SUCCEEDED') throw new CaseError('illegal_transition', `request ${d.requestId} is ${original.status}; only SUCCEEDED requests can be undone`);
    if (original.dryRun) throw new CaseError('illegal_transition', `request ${d.requestId} was a dry run; there is nothing to undo`);
    const requestId = requestIdFor(d.caseId, `undo:${d.requestId}:${d.actor.id}:${d.idempotencyKey ?? ''}`);
    const others = (await this.deps.store.listActions(d.caseId)).filter((a) => a.undoOf === d.requestId && a.requestId !== requestId);
    const live = others.find((a) => ['PENDING_APPROVAL', 'APPROVED', 'RUNNING', 'SUCCEEDED'].includes(a.status));
    if (live) throw new CaseError('illegal_transition', `request ${d.requestId} already has undo ${live.requestId} (${live.status})`);
    return this.commit(d.caseId, requestId, stepId(requestId, 'requested'), async (c, current) => {
      if (current) throw new CaseError('conflict', `request ${requestId} exists`);
      const gate = decideRequest(this.deps.config, { action: original.action, target: original.target, requesterRole: d.role });
      const status: ResponseStatus = gate.decision === 'refused' ? 'REFUSED' : gate.decision === 'approved' ? 'APPROVED' : 'PENDING_APPROVAL';
      const record = this.newRecord(c, requestId, { action: original.action, dryRun: d.dryRun, actor: d.actor, requesterRole: d.role }, original.target, status);
      record.undoOf = d.requestId;
      if (gate.decision === 'refused') record.reason = gate.reason;
      return {
        record,
        expected: { absent: true },
        change: gate.decision === 'refused' ? 'response_refused' : 'response_undo_requested',
        actor: d.actor,
        detailType: gate.decision === 'refused' ? DetailTypes.responseActionRefused : DetailTypes.responseActionRequested,
      };
    });
  }

  /**
   * Runs an APPROVED request (or resumes a RUNNING one whose lease lapsed)
   * and records SUCCEEDED or FAILED. A dry run records the plan and calls
   * nothing. A finished request is not run again; its events are returned.
   */
  async execute(caseId: string, requestId: string): Promise<ExecuteOutcome> {
    const r = await this.requireAction(caseId, requestId);
    const completedStep = stepId(requestId, 'completed');
    if (r.status === 'SUCCEEDED' || r.status === 'FAILED') {
      return { state: 'done', request: publicRequest(r), events: (await this.deps.store.stepOutcome(completedStep)) ?? [] };
    }
    if (r.status !== 'APPROVED' && r.status !== 'RUNNING') return { state: 'idle', request: publicRequest(r), events: [] };
    const nowMs = this.now().getTime();
    if (r.status === 'RUNNING' && r.lease && r.lease.until > nowMs) return { state: 'busy', request: publicRequest(r), events: [] };

    // Claim: the attempt number makes the claim step unique, so two workers cannot both take attempt n.
    const attempt = (r.attempts ?? 0) + 1;
    const owner = `${stepId(requestId, 'started', String(attempt))}:${randomUUID()}`;
    const claim = await this.commit(caseId, requestId, stepId(requestId, 'started', String(attempt)), async (_c, current) => {
      const cur = this.present(current, requestId);
      if (cur.status !== r.status || (cur.attempts ?? 0) !== (r.attempts ?? 0)) throw new LeaseLostError(requestId);
      const at = this.now().toISOString();
      return {
        record: { ...cur, status: 'RUNNING', lease: { owner, until: this.now().getTime() + this.leaseMs }, attempts: attempt, startedAt: cur.startedAt ?? at },
        expected: { status: cur.status, ...(cur.lease ? { leaseOwner: cur.lease.owner } : {}) },
        change: attempt === 1 ? 'response_started' : 'response_resumed',
        actor: RESPOND_ACTOR,
        details: { attempt },
      };
    }).catch((e: unknown) => {
      // Someone else claimed or changed it first.
      if (e instanceof LeaseLostError || (e instanceof CaseError && e.code === 'conflict')) return undefined;
      throw e;
    });
    const running = claim && !claim.replayed ? await this.deps.store.getAction(caseId, requestId) : undefined;
    if (!running || running.lease?.owner !== owner) return { state: 'busy', request: publicRequest(running ?? r), events: [] };

    const original = running.undoOf ? await this.requireAction(caseId, running.undoOf) : undefined;
    let outcome: ExecutionOutcome | undefined;
    let failure: string | undefined;
    if (running.dryRun) {
      outcome = { result: { dryRun: true, plan: this.executor().plan(publicRequest(running), original && publicRequest(original)) } };
    } else {
      let progress = running.progress ?? {};
      const ctx = {
        startedAt: running.startedAt as string,
        progress,
        checkpoint: async (p: Record<string, unknown>) => {
          progress = p;
          if (!(await this.deps.store.saveProgress(caseId, requestId, owner, p))) throw new LeaseLostError(requestId);
        },
      };
      try {
        outcome = original ? await this.executor().undo(publicRequest(original), publicRequest(running), ctx) : await this.executor().execute(publicRequest(running), ctx);
      } catch (e) {
        if (e instanceof LeaseLostError) return { state: 'busy', request: publicRequest(running), events: [] };
        const permanent = e instanceof ExecutionError && e.permanent;
        if (!permanent && attempt < this.maxExecutions) throw e; // the lease lapses and a redelivery resumes it
        failure = (e as Error).message.slice(0, 1000);
      }
    }
    const done = await this.commit(caseId, requestId, completedStep, async (_c, current) => {
      const cur = this.present(current, requestId);
      if (cur.status !== 'RUNNING' || cur.lease?.owner !== owner) throw new LeaseLostError(requestId);
      const { lease: _l, progress: _p, ...rest } = cur;
      const at = this.now().toISOString();
      const record: ActionRecord = failure
        ? { ...rest, status: 'FAILED', reason: failure, completedAt: at }
        : {
            ...rest,
            status: 'SUCCEEDED',
            completedAt: at,
            result: outcome?.result ?? {},
            ...(outcome?.undo && !cur.undoOf && !cur.dryRun ? { undo: { action: 'undo' as const, description: outcome.undo } } : {}),
          };
      return {
        record,
        expected: { status: 'RUNNING', leaseOwner: owner },
        change: failure ? 'response_failed' : 'response_succeeded',
        actor: RESPOND_ACTOR,
        detailType: DetailTypes.responseActionCompleted,
        details: failure ? { reason: failure } : { result: record.result },
      };
    }).catch((e: unknown) => {
      if (e instanceof LeaseLostError) return undefined;
      throw e;
    });
    if (!done) return { state: 'busy', request: publicRequest(running), events: [] };
    return { state: 'done', request: done.request, events: done.events };
  }

  private newRecord(
    c: CaseRecord,
    requestId: string,
    input: { action: ResponseActionType; dryRun?: boolean; actor: Actor; requesterRole: RequesterRole },
    target: ResponseRequest['target'],
    status: ResponseStatus,
  ): ActionRecord {
    return {
      requestId,
      caseId: c.caseId,
      tenantId: c.tenantId,
      action: input.action,
      target,
      // The configuration can force every request into a dry run (shadow mode).
      dryRun: this.deps.config.dryRun || input.dryRun === true,
      requestedBy: input.actor,
      requesterRole: input.requesterRole,
      requestedAt: this.now().toISOString(),
      status,
    };
  }

  private async requireAction(caseId: string, requestId: string): Promise<ActionRecord> {
    const r = await this.deps.store.getAction(caseId, requestId);
    if (!r) throw new CaseError('not_found', `response request ${requestId} not found on case ${caseId}`);
    return r;
  }

  private present(current: ActionRecord | undefined, requestId: string): ActionRecord {
    if (!current) throw new CaseError('not_found', `response request ${requestId} not found`);
    return current;
  }

  /** One state change: replay it if applied before, else write it conditionally, retrying on a concurrent change. */
  private async commit(caseId: string, requestId: string, step: string, decide: (c: CaseRecord, current: ActionRecord | undefined) => Promise<Step>): Promise<ResponseOutcome> {
    const { store } = this.deps;
    let lastConflict: CaseError | undefined;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const earlier = await store.stepOutcome(step);
      if (earlier) {
        const r = earlier.length ? await store.getAction(caseId, requestId) : undefined;
        const refused = earlier[0]?.detailType === DetailTypes.responseActionRefused ? earlier[0].detail.responseAction?.reason : undefined;
        if (r) return { request: publicRequest(r), events: earlier, replayed: true, ...(refused && r.status !== 'REFUSED' ? { refused } : {}) };
        // A bookkeeping step (no events): the caller re-reads.
        throw new CaseError('conflict', 'step applied before');
      }
      const c = await store.getCase(caseId);
      if (!c) throw new CaseError('not_found', `case ${caseId} not found`);
      const current = await store.getAction(caseId, requestId);
      let s: Step;
      try {
        s = await decide(c, current);
      } catch (e) {
        if (e instanceof CaseError && e.code === 'conflict' && current) {
          lastConflict = e;
          continue;
        }
        throw e;
      }
      const now = this.now();
      const next: CaseRecord = { ...c, version: c.version + 1, updatedAt: now.toISOString() };
      const r = s.record;
      const summary = {
        requestId: r.requestId,
        action: r.action,
        status: r.status,
        target: r.target,
        dryRun: r.dryRun,
        requesterRole: r.requesterRole,
        ...((s.refused ?? r.reason) ? { reason: s.refused ?? r.reason } : {}),
        ...(r.undoOf ? { undoOf: r.undoOf } : {}),
      };
      const events = s.detailType ? [withAction(caseEvent(s.detailType, next, s.actor, now, undefined, s.change), summary)] : [];
      const timeline: TimelineEntry = { at: now.toISOString(), action: s.change, actor: s.actor, requestId: step, details: { ...summary, ...(s.details ?? {}) } };
      const result = await store.applyChange({ stepId: step, record: r, expected: s.expected, case: next, expectedVersion: c.version, timeline, events });
      if (result === 'ok') return { request: publicRequest(r), events, replayed: false, ...(s.refused ? { refused: s.refused } : {}) };
      // 'duplicate': the step landed concurrently and the next round replays it; 'conflict': re-read and decide again.
    }
    throw lastConflict ?? new CaseError('conflict', `case ${caseId} kept changing; try again`);
  }
}

function withAction(e: CaseEvent, summary: NonNullable<CaseEvent['detail']['responseAction']>): CaseEvent {
  return { ...e, detail: { ...e.detail, responseAction: summary } };
}
