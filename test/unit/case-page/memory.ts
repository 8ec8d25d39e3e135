import type { CasePageForm, CasePageVerb, CasePageViewer } from '../../../functions/case-api/page-model';
import type { CasePageData, PageRouteDeps } from '../../../functions/case-api/page-routes';
import { caseTimes } from '../../../shared/cases/metrics';
import { fullModel, TENANT } from './fixtures';

export interface ActCall {
  caseId: string;
  viewer: CasePageViewer;
  verb: CasePageVerb;
  form: CasePageForm;
}

/**
 * The case API's side of the page, in memory: one tenant's cases, and an
 * `act` that changes them the way the real one would (acknowledge, resolve,
 * approve, …), remembering every call.
 */
export function memoryCases(cases: CasePageData[] = [fullModel()], now = () => new Date()) {
  const byId = new Map(cases.map((c) => [c.case.caseId, structuredClone(c)]));
  const calls: ActCall[] = [];
  const loads: string[] = [];

  const deps: Pick<PageRouteDeps, 'loadModel' | 'act'> = {
    async loadModel(caseId) {
      loads.push(caseId);
      const data = byId.get(caseId);
      return data && data.case.tenantId === TENANT ? structuredClone(data) : undefined;
    },
    async act(caseId, viewer, verb, form) {
      calls.push({ caseId, viewer, verb, form });
      const data = byId.get(caseId);
      if (!data) return { ok: false, message: 'No such case.' };
      const at = now().toISOString();
      const c = data.case;
      const record = (action: string, details?: Record<string, unknown>) =>
        data.timeline.push({ at, action, actor: { type: 'user', id: viewer.id, via: 'case-page' }, requestId: form.key, ...(details ? { details } : {}) });
      switch (verb.kind) {
        case 'acknowledge':
          if (c.status !== 'NEW') return { ok: false, message: `The case is already ${c.status.toLowerCase()}.` };
          data.case = { ...c, status: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedBy: viewer.id, version: c.version + 1 };
          record('acknowledged');
          break;
        case 'resolve':
          data.case = { ...c, status: 'RESOLVED', resolution: verb.resolution, resolvedAt: at, resolvedBy: viewer.id, acknowledgedAt: c.acknowledgedAt ?? at, version: c.version + 1 };
          record('resolved', { resolution: verb.resolution });
          break;
        case 'approve':
        case 'reject': {
          const r = data.actions.requests.find((x) => x.requestId === verb.requestId);
          if (r) Object.assign(r, { status: verb.kind === 'approve' ? 'APPROVED' : 'REJECTED', approvedBy: { type: 'user', id: viewer.id }, approvedAt: at });
          break;
        }
        default:
          break;
      }
      data.times = caseTimes(data.case);
      return { ok: true, message: `Done: ${verb.kind}.` };
    },
  };
  return { deps, calls, loads, get: (caseId: string) => byId.get(caseId) };
}
