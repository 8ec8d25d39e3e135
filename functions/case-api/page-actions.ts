import { applyCaseAction } from '../../shared/cases/case-commands';
import { CaseError, type CaseAction, type LifecycleSettings } from '../../shared/cases/lifecycle';
import type { CaseStore } from '../../shared/cases/store';
import type { Actor, CaseEvent } from '../../shared/contracts/case-event';
import { stableId } from '../../shared/hash';
import type { ResponseOutcome, ResponseService } from '../../shared/response/response-service';
import type { PageRouteDeps } from './page-routes';

export interface PageActionDeps {
  store: CaseStore;
  publish: (events: CaseEvent[]) => Promise<boolean>;
  settings: LifecycleSettings;
  /** Response actions; without it the page's action forms are answered "not available". */
  responses?: ResponseService;
  now: () => Date;
}

const NOT_PUBLISHED = 'Saved, but not passed on yet. Please tap again.';

function describe(o: ResponseOutcome, verb: string): { ok: boolean; message: string } {
  if (o.refused) return { ok: false, message: `Refused: ${o.refused}` };
  const r = o.request;
  if (r.status === 'REFUSED') return { ok: false, message: `Refused: ${r.reason ?? 'not allowed by the response policy'}` };
  if (verb === 'reject') return { ok: true, message: 'Rejected.' };
  if (r.status === 'PENDING_APPROVAL') return { ok: true, message: 'Requested: it waits for an approval.' };
  if (r.status === 'APPROVED' || r.status === 'RUNNING') return { ok: true, message: verb === 'approve' ? 'Approved: it runs now.' : 'Requested: it runs now.' };
  return { ok: true, message: `Done (${r.status.toLowerCase().replace(/_/g, ' ')}).` };
}

/**
 * What a case page form does, as the viewer: acknowledge and resolve through
 * the same case commands as the API, response actions through the same
 * service and gate. The command id comes from the form's key, so a double
 * tap or a resubmitted form replays the first change instead of repeating it.
 */
export function createPageAct(deps: PageActionDeps): PageRouteDeps['act'] {
  return async (caseId, viewer, verb, form) => {
    const actor: Actor = { type: 'user', id: viewer.id, via: 'case-page' };
    const idempotencyKey = `case-page:${viewer.id}:${form.key}`;
    try {
      if (verb.kind === 'acknowledge' || verb.kind === 'resolve') {
        const action: CaseAction = verb.kind === 'acknowledge' ? { type: 'acknowledge' } : { type: 'resolve', resolution: verb.resolution, comment: verb.comment };
        const commandId = stableId('case-page', viewer.id, form.key);
        const result = await applyCaseAction(deps.store, { caseId, action, actor, commandId, now: deps.now() }, deps.settings);
        if (!(await deps.publish(result.events))) return { ok: false, message: NOT_PUBLISHED };
        return { ok: true, message: verb.kind === 'acknowledge' ? 'Acknowledged.' : 'Resolved.' };
      }
      const service = deps.responses;
      if (!service) return { ok: false, message: 'Response actions are not available here.' };
      const decision = { caseId, actor, role: viewer.role, idempotencyKey };
      let outcome: ResponseOutcome;
      if (verb.kind === 'request') {
        outcome = await service.requestAction({ caseId, action: verb.action, target: verb.target, dryRun: verb.dryRun, actor, requesterRole: viewer.role, idempotencyKey });
      } else if (verb.kind === 'approve') {
        outcome = await service.approve({ ...decision, requestId: verb.requestId });
      } else if (verb.kind === 'reject') {
        outcome = await service.reject({ ...decision, requestId: verb.requestId, ...(verb.reason ? { reason: verb.reason } : {}) });
      } else {
        outcome = await service.requestUndo({ ...decision, requestId: verb.requestId });
      }
      // Refusals are recorded (events included) and published like any change.
      if (!(await deps.publish(outcome.events))) return { ok: false, message: NOT_PUBLISHED };
      return describe(outcome, verb.kind);
    } catch (e) {
      // The viewer's to read: an illegal transition, a case changed meanwhile, …
      if (e instanceof CaseError) return { ok: false, message: e.message };
      throw e;
    }
  };
}
