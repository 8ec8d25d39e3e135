import type { CaseRecord } from '../cases/model';
import { caseEvent, SYSTEM_ACTOR } from '../cases/model';
import type { CaseStore } from '../cases/store';
import { DetailTypes } from '../catalogue';
import type { CaseEvent, CaseEventDetail } from '../contracts/case-event';
import type { NotificationRequest } from '../contracts/notification';
import { stableId } from '../hash';
import { notificationId } from './plan';
import { MAX_REPEAT, selectPolicy, type EscalationConfig, type EscalationPolicy } from './policy';
import { notBefore } from './quiet-hours';
import type { EscalationRun, EscalationStore, EscalationTimer } from './store';

export interface EscalationDeps {
  store: EscalationStore;
  cases: Pick<CaseStore, 'getCase'>;
  config: EscalationConfig;
  now: Date;
}

/** What one step decides: pages to send and case events to publish. */
export interface Step {
  notifications: NotificationRequest[];
  events: CaseEvent[];
}

const NONE: Step = { notifications: [], events: [] };
/** Wait before the ladder repeats or is declared exhausted when the policy names no delay. */
const DEFAULT_GAP_SECONDS = 300;

const at = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

function pages(c: Pick<CaseRecord, 'caseId' | 'tenantId' | 'version' | 'severity' | 'status' | 'title'>, policy: EscalationPolicy, run: number, loop: number, tier: number, reason: NotificationRequest['reason'], idSalt = ''): NotificationRequest[] {
  const t = policy.tiers[tier];
  return t.channels.flatMap((channel) =>
    t.targets.map((target) => ({
      notificationId: idSalt ? stableId(notificationId(c.caseId, run, loop, tier, channel, target), idSalt) : notificationId(c.caseId, run, loop, tier, channel, target),
      tenantId: c.tenantId,
      caseId: c.caseId,
      caseVersion: c.version,
      run,
      loop,
      tier,
      channel,
      target,
      severity: c.severity,
      status: c.status,
      title: c.title,
      reason,
    })),
  );
}

/** A case event about the escalation itself; its id names the step, not the case version. */
function escalationEvent(type: string, c: CaseRecord, now: Date, key: string, extra: Record<string, unknown>): CaseEvent {
  const e = caseEvent(type, c, SYSTEM_ACTOR, now, undefined, type === DetailTypes.caseEscalated ? 'escalated' : 'escalation_exhausted');
  return { detailType: type, detail: { ...e.detail, eventId: stableId(c.caseId, type, key), ...extra } as CaseEventDetail };
}

/**
 * Fires a tier now (or defers it past quiet hours) and schedules what comes
 * next: the next tier, the ladder again, or the exhaustion check.
 */
async function fire(deps: EscalationDeps, c: CaseRecord, run: EscalationRun, loop: number, tier: number): Promise<Step> {
  const { policy } = run;
  const when = notBefore(policy.quietHours, c.severity, deps.now);
  if (when > deps.now) {
    await deps.store.schedule({ caseId: c.caseId, run: run.run, loop, tier, kind: 'tier', dueAt: when.toISOString() });
    return NONE;
  }
  const next: EscalationTimer | undefined =
    tier + 1 < policy.tiers.length
      ? { caseId: c.caseId, run: run.run, loop, tier: tier + 1, kind: 'tier', dueAt: at(deps.now, policy.tiers[tier + 1].delaySeconds) }
      : loop < Math.min(policy.repeat ?? 0, MAX_REPEAT)
        ? // The ladder starts again after the same wait its last step had.
          { caseId: c.caseId, run: run.run, loop: loop + 1, tier: 0, kind: 'tier', dueAt: at(deps.now, policy.tiers[tier].delaySeconds || DEFAULT_GAP_SECONDS) }
        : { caseId: c.caseId, run: run.run, loop, tier, kind: 'exhausted', dueAt: at(deps.now, policy.tiers[tier].delaySeconds || DEFAULT_GAP_SECONDS) };
  await deps.store.schedule(next);
  const events = tier > 0 || loop > 0 ? [escalationEvent(DetailTypes.caseEscalated, c, deps.now, `${run.run}/${loop}/${tier}`, { escalation: { run: run.run, loop, tier } })] : [];
  return { notifications: pages(c, policy, run.run, loop, tier, tier > 0 || loop > 0 ? 'escalated' : 'case_opened'), events };
}

async function start(deps: EscalationDeps, c: CaseRecord, previous: EscalationRun | undefined): Promise<Step> {
  const policy = previous?.policy ?? selectPolicy(deps.config, { severity: c.severity, tags: c.tags });
  if (!policy?.tiers.length) return NONE;
  const run: EscalationRun = { caseId: c.caseId, run: (previous?.run ?? 0) + 1, policy, loop: 0, tier: 0, state: 'active', startedAt: deps.now.toISOString(), version: (previous?.version ?? 0) + 1 };
  // A redelivered CaseOpened finds its run written: the same pages (same ids) go out again and notify drops them.
  const fresh = await deps.store.putRun(run, previous?.version);
  const current = fresh ? run : await deps.store.getRun(c.caseId);
  if (!current || current.run !== run.run) return NONE;
  return fire(deps, c, current, 0, 0);
}

/**
 * Channels with an incident of their own (PagerDuty) follow the case: one
 * sync request per channel the run used. Never back to the channel the
 * change came from (an ack from PagerDuty is not echoed to PagerDuty).
 */
function syncs(c: CaseRecord, run: EscalationRun, action: 'acknowledge' | 'resolve', via: string | undefined): NotificationRequest[] {
  const channels = [...new Set(run.policy.tiers.flatMap((t) => t.channels))];
  const reason = action === 'acknowledge' ? 'sync_acknowledge' : 'sync_resolve';
  return channels.map((channel) => ({
      notificationId: stableId('sync', c.caseId, String(run.run), action, channel),
      tenantId: c.tenantId,
      caseId: c.caseId,
      caseVersion: c.version,
      run: run.run,
      loop: 0,
      tier: 0,
      channel,
      target: 'incident',
      severity: c.severity,
      status: c.status,
      title: c.title,
      reason,
      ...(via ? { origin: via } : {}),
    }));
}

async function stop(deps: EscalationDeps, c: CaseRecord, action: 'acknowledge' | 'resolve' | undefined, via: string | undefined): Promise<Step> {
  const run = await deps.store.getRun(c.caseId);
  if (!run) return NONE;
  if (run.state === 'active') await deps.store.putRun({ ...run, state: 'stopped', version: run.version + 1 }, run.version);
  if (action === 'acknowledge' && run.policy.reminderSeconds) {
    await deps.store.schedule({ caseId: c.caseId, run: run.run, loop: 0, tier: 0, kind: 'reminder', dueAt: at(deps.now, run.policy.reminderSeconds) });
  }
  return { notifications: action ? syncs(c, run, action, via) : [], events: [] };
}

/** A case changed: start, stop or restart its escalation. */
export async function onCaseEvent(deps: EscalationDeps, detailType: string, detail: CaseEventDetail): Promise<Step> {
  const c = await deps.cases.getCase(detail.caseId);
  if (!c) return NONE;
  switch (detailType) {
    case DetailTypes.caseOpened:
      return c.status === 'NEW' && !(await deps.store.getRun(c.caseId)) ? start(deps, c, undefined) : (await replayOpening(deps, c));
    case DetailTypes.caseAcknowledged:
      return stop(deps, c, 'acknowledge', detail.actor?.via);
    case DetailTypes.caseResolved:
      return stop(deps, c, 'resolve', detail.actor?.via);
    case DetailTypes.caseClosed:
    case DetailTypes.caseMerged:
      return stop(deps, c, undefined, undefined);
    case DetailTypes.caseUpdated:
      // Un-acknowledged: nobody has it any more, so the ladder starts again from the first tier.
      if (detail.change === 'unacknowledged' && c.status === 'NEW') {
        const previous = await deps.store.getRun(c.caseId);
        return start(deps, c, previous);
      }
      if (detail.change === 'resend_requested') return resend(deps, c, detail.eventId);
      return NONE;
    default:
      return NONE;
  }
}

/** A re-send on request: the tier the run last reached pages again, with ids of its own. */
async function resend(deps: EscalationDeps, c: CaseRecord, requestId: string): Promise<Step> {
  const run = await deps.store.getRun(c.caseId);
  const policy = run?.policy ?? selectPolicy(deps.config, { severity: c.severity, tags: c.tags });
  if (!policy?.tiers.length) return NONE;
  const tier = Math.min(run?.tier ?? 0, policy.tiers.length - 1);
  return { notifications: pages(c, policy, run?.run ?? 1, run?.loop ?? 0, tier, 'resend', `resend:${requestId}`), events: [] };
}

/** A redelivered CaseOpened: resend the first tier of run 1 (same ids) if it is still the live run. */
async function replayOpening(deps: EscalationDeps, c: CaseRecord): Promise<Step> {
  const run = await deps.store.getRun(c.caseId);
  if (!run || run.run !== 1 || run.state !== 'active' || c.status !== 'NEW') return NONE;
  return { notifications: pages(c, run.policy, 1, 0, 0, 'case_opened'), events: [] };
}

/** A timer fell due: re-read case and run, and act only if both still call for it. */
export async function onTimer(deps: EscalationDeps, timer: EscalationTimer): Promise<Step> {
  const [c, run] = await Promise.all([deps.cases.getCase(timer.caseId), deps.store.getRun(timer.caseId)]);
  if (!c || !run || run.run !== timer.run) return NONE;
  if (timer.kind === 'reminder') {
    if (c.status !== 'ACKNOWLEDGED' && c.status !== 'IN_PROGRESS') return NONE;
    return { notifications: pages(c, run.policy, run.run, 0, 0, 'reminder', `reminder:${timer.dueAt}`), events: [] };
  }
  if (run.state !== 'active' || c.status !== 'NEW') return NONE;
  if (timer.kind === 'exhausted') {
    if (!(await deps.store.putRun({ ...run, state: 'exhausted', version: run.version + 1 }, run.version))) return NONE;
    return { notifications: [], events: [escalationEvent(DetailTypes.escalationExhausted, c, deps.now, String(run.run), { escalation: { run: run.run, loop: timer.loop, tier: timer.tier } })] };
  }
  // Record progress first: of two deliveries of one timer, only one moves the run on.
  const progressed = { ...run, loop: timer.loop, tier: timer.tier, version: run.version + 1 };
  if (!(await deps.store.putRun(progressed, run.version))) return NONE;
  return fire(deps, c, progressed, timer.loop, timer.tier);
}
