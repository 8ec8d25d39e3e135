import { handleResponseRoute } from '../../../functions/case-api/response-routes';
import { openCase } from '../../../shared/cases/model';
import { parseResponseConfig } from '../../../shared/config/response-config';
import type { CaseEvent } from '../../../shared/contracts/case-event';
import { ResponseService } from '../../../shared/response/response-service';
import { finding } from '../../fixtures/findings';
import { MemoryResponseStore } from './memory-store';

const carol = { type: 'user' as const, id: 'arn:aws:iam::111111111111:user/carol', via: 'api' };
const dave = { type: 'user' as const, id: 'arn:aws:iam::111111111111:user/dave', via: 'api' };

function setup() {
  const store = new MemoryResponseStore();
  const c = openCase(finding({ findingId: 'f-routes' }), 'k', new Date('2026-03-01T10:00:00Z'));
  store.addCase(c);
  const executor = { plan: () => [], execute: async () => ({ result: {} }), undo: async () => ({ result: {} }) };
  const service = new ResponseService({ store, executor, config: parseResponseConfig({ actions: { revoke_role_sessions: { enabled: true, approval: 'customer' } } }) });
  const published: CaseEvent[] = [];
  const deps = { service, tenantId: 'acme', publish: async (e: CaseEvent[]) => (published.push(...e), true) };
  return { deps, caseId: c.caseId, published };
}

const body = (r: { body?: string } | undefined) => JSON.parse(r?.body ?? '{}');

describe('case API response routes', () => {
  it('requests, lists and approves an action as the IAM caller, publishing the events', async () => {
    const { deps, caseId, published } = setup();
    const created = await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions`, { action: 'revoke_role_sessions', target: { roleName: 'app' } }, carol, 'key-00000001');
    expect(created?.statusCode).toBe(202);
    const { request } = body(created);
    expect(request).toMatchObject({ status: 'PENDING_APPROVAL', requesterRole: 'customer', requestedBy: carol });

    const replay = await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions`, { action: 'revoke_role_sessions', target: { roleName: 'app' } }, carol, 'key-00000001');
    expect(replay?.headers).toMatchObject({ 'idempotent-replay': 'true' });
    expect(body(replay).request.requestId).toBe(request.requestId);

    const self = await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions/${request.requestId}/approve`, {}, carol);
    expect(self?.statusCode).toBe(403);
    const ok = await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions/${request.requestId}/approve`, {}, dave);
    expect(body(ok).request.status).toBe('APPROVED');

    const list = await handleResponseRoute(deps, 'GET', `/cases/${caseId}/actions`, {}, dave);
    expect(body(list).actions.map((a: { status: string }) => a.status)).toEqual(['APPROVED']);
    expect(published.map((e) => e.detailType)).toEqual(['ResponseActionRequested', 'ResponseActionRequested', 'ResponseActionRefused', 'ResponseActionApproved']);
  });

  it('answers 403 for a refused request (still recorded), 400 for a bad body, 404 for an unknown case, and nothing for other routes', async () => {
    const { deps, caseId } = setup();
    const refused = await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions`, { action: 'block_ip', target: { ip: '198.51.100.7' } }, carol);
    expect(refused?.statusCode).toBe(403);
    expect(body(refused).request).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not enabled') });
    expect((await handleResponseRoute(deps, 'POST', `/cases/${caseId}/actions`, { action: 'nuke' }, carol))?.statusCode).toBe(400);
    expect((await handleResponseRoute(deps, 'GET', '/cases/case-nope/actions', {}, carol))?.statusCode).toBe(404);
    expect(await handleResponseRoute(deps, 'POST', `/cases/${caseId}/acknowledge`, {}, carol)).toBeUndefined();
  });
});
