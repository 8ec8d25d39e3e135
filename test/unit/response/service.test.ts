import { CaseError } from '../../../shared/cases/lifecycle';
import { openCase } from '../../../shared/cases/model';
import { parseResponseConfig } from '../../../shared/config/response-config';
import type { ResponseRequest } from '../../../shared/contracts/investigation';
import { ExecutionError, type ExecutionContext, type ExecutionOutcome, type PlannedCall, type ResponseExecutor } from '../../../shared/response/executor';
import { ResponseService } from '../../../shared/response/response-service';
import { schemaErrors } from '../../support/schemas';
import { finding } from '../../fixtures/findings';
import { MemoryResponseStore } from './memory-store';

const customer = { type: 'user' as const, id: 'arn:aws:iam::111111111111:user/carol', via: 'api' };
const otherCustomer = { type: 'user' as const, id: 'arn:aws:iam::111111111111:user/dave', via: 'api' };
const provider = { type: 'provider' as const, id: '222222222222:soc-7', via: 'provider-bus' };
const key = { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', userName: 'bob' };

/** Records what it is asked to do; behaviour per test. */
class FakeExecutor implements ResponseExecutor {
  calls: { kind: 'execute' | 'undo'; request: ResponseRequest; progress: Record<string, unknown> }[] = [];
  behaviour: (ctx: ExecutionContext, request: ResponseRequest) => Promise<ExecutionOutcome> = async (_ctx, r) => ({ result: { done: r.action }, undo: 'reverse it' });
  plan(r: ResponseRequest): PlannedCall[] {
    return [{ service: 'iam', operation: 'UpdateAccessKey', input: { AccessKeyId: r.target.accessKeyId, Status: 'Inactive' } }];
  }
  async execute(r: ResponseRequest, ctx: ExecutionContext) {
    this.calls.push({ kind: 'execute', request: r, progress: ctx.progress });
    return this.behaviour(ctx, r);
  }
  async undo(original: ResponseRequest, r: ResponseRequest, ctx: ExecutionContext) {
    this.calls.push({ kind: 'undo', request: r, progress: ctx.progress });
    return { result: { undid: original.requestId } };
  }
}

function setup(configInput: unknown) {
  const store = new MemoryResponseStore();
  const c = openCase(finding({ findingId: 'f-resp' }), 'k', new Date('2026-03-01T10:00:00Z'));
  store.addCase(c);
  const executor = new FakeExecutor();
  let now = new Date('2026-03-01T11:00:00Z').getTime();
  const clock = { advance: (ms: number) => (now += ms) };
  const service = new ResponseService({ store, config: parseResponseConfig(configInput), executor, now: () => new Date(now), leaseMs: 60_000, maxExecutions: 3 });
  return { store, executor, service, caseId: c.caseId, clock };
}

const open = { deactivate_access_key: { enabled: true, requesters: ['customer', 'provider'], approval: 'none' } };
const guarded = { deactivate_access_key: { enabled: true, requesters: ['customer', 'provider'], approval: 'customer' } };

describe('response service', () => {
  it('records an allowed request as APPROVED with one case event, one timeline entry and one case version', async () => {
    const { store, service, caseId } = setup({ actions: open });
    const o = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    expect(o.request).toMatchObject({ status: 'APPROVED', action: 'deactivate_access_key', target: key, requestedBy: customer, dryRun: false });
    expect(o.request.requestId).toMatch(/^resp-[0-9a-f]{20}$/);
    expect(o.events.map((e) => e.detailType)).toEqual(['ResponseActionRequested']);
    expect(o.events[0].detail).toMatchObject({ caseVersion: 2, schemaVersion: '1.2', responseAction: { requestId: o.request.requestId, status: 'APPROVED', requesterRole: 'customer' } });
    expect(schemaErrors('case-event', o.events[0].detail)).toEqual([]);
    expect(store.cases.get(caseId)?.version).toBe(2);
    expect(store.timeline.map((t) => t.action)).toEqual(['response_requested']);
  });

  it('treats the same idempotency key as the same request: same id, same events, no second write', async () => {
    const { store, service, caseId } = setup({ actions: open });
    const input = { caseId, action: 'deactivate_access_key' as const, target: key, actor: customer, requesterRole: 'customer' as const, idempotencyKey: 'k-1' };
    const first = await service.requestAction(input);
    const again = await service.requestAction(input);
    expect(again.replayed).toBe(true);
    expect(again.request.requestId).toBe(first.request.requestId);
    expect(again.events).toEqual(first.events);
    expect(store.cases.get(caseId)?.version).toBe(2);
    const other = await service.requestAction({ ...input, idempotencyKey: 'k-2' });
    expect(other.request.requestId).not.toBe(first.request.requestId);
  });

  it('records a refused request on the timeline with the reason, and never runs it', async () => {
    const { store, service, executor, caseId } = setup({});
    const o = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: provider, requesterRole: 'provider', idempotencyKey: 'k-1' });
    expect(o.request).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not enabled') });
    expect(o.events[0]).toMatchObject({ detailType: 'ResponseActionRefused', detail: { responseAction: { status: 'REFUSED', reason: expect.stringContaining('not enabled') } } });
    expect(store.timeline).toEqual([expect.objectContaining({ action: 'response_refused', actor: provider, details: expect.objectContaining({ reason: expect.stringContaining('not enabled') }) })]);
    expect((await service.execute(caseId, o.request.requestId)).state).toBe('idle');
    expect(executor.calls).toEqual([]);
  });

  it('holds a provider request for the customer: provider and requester approvals are refused and recorded, another customer approves', async () => {
    const { store, service, executor, caseId } = setup({ actions: guarded });
    const req = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: provider, requesterRole: 'provider', idempotencyKey: 'evt-1' });
    const requestId = req.request.requestId;
    expect(req.request.status).toBe('PENDING_APPROVAL');
    expect((await service.execute(caseId, requestId)).state).toBe('idle');

    const byProvider = await service.approve({ caseId, requestId, actor: provider, role: 'provider' });
    expect(byProvider.refused).toContain('only the customer');
    expect(byProvider.request.status).toBe('PENDING_APPROVAL');
    expect(byProvider.events[0].detailType).toBe('ResponseActionRefused');

    const mine = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-own' });
    const self = await service.approve({ caseId, requestId: mine.request.requestId, actor: customer, role: 'customer' });
    expect(self.refused).toContain('own request');

    const ok = await service.approve({ caseId, requestId, actor: otherCustomer, role: 'customer' });
    expect(ok.request).toMatchObject({ status: 'APPROVED', approvedBy: otherCustomer });
    expect(ok.events.map((e) => e.detailType)).toEqual(['ResponseActionApproved']);
    const twice = await service.approve({ caseId, requestId, actor: otherCustomer, role: 'customer' });
    expect(twice).toMatchObject({ replayed: true, events: ok.events });

    const run = await service.execute(caseId, requestId);
    expect(run.state).toBe('done');
    expect(run.request).toMatchObject({ status: 'SUCCEEDED', result: { done: 'deactivate_access_key' }, undo: { action: 'undo', description: 'reverse it' } });
    expect(run.events.map((e) => e.detailType)).toEqual(['ResponseActionCompleted']);
    expect(executor.calls).toHaveLength(1);
    expect(store.timeline.map((t) => t.action)).toEqual([
      'response_requested',
      'response_approve_refused',
      'response_requested',
      'response_approve_refused',
      'response_approved',
      'response_started',
      'response_succeeded',
    ]);
    // Case versions are strictly increasing: one step per change.
    const versions = [...store.steps.values()].flat().map((e) => e.detail.caseVersion);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('does not run a finished request again; a redelivery gets the same completion events', async () => {
    const { service, executor, caseId } = setup({ actions: open });
    const { request } = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    const first = await service.execute(caseId, request.requestId);
    const again = await service.execute(caseId, request.requestId);
    expect(again.events).toEqual(first.events);
    expect(executor.calls).toHaveLength(1);
  });

  it('records the plan of a dry run without executing anything, and forces dry runs when the configuration says so', async () => {
    const { service, executor, caseId } = setup({ actions: open });
    const { request } = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, dryRun: true, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    const run = await service.execute(caseId, request.requestId);
    expect(run.request).toMatchObject({ status: 'SUCCEEDED', dryRun: true, result: { dryRun: true, plan: [{ service: 'iam', operation: 'UpdateAccessKey' }] } });
    expect(run.request.undo).toBeUndefined();
    expect(executor.calls).toEqual([]);

    const shadow = setup({ dryRun: true, actions: open });
    const forced = await shadow.service.requestAction({ caseId: shadow.caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    expect(forced.request.dryRun).toBe(true);
  });

  it('leaves a request whose execution failed transiently RUNNING until its lease lapses, then resumes it with its progress', async () => {
    const { service, executor, caseId, clock } = setup({ actions: open });
    const { request } = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    executor.behaviour = async (ctx) => {
      await ctx.checkpoint({ observed: 'before' });
      throw new ExecutionError('Throttling: slow down', false);
    };
    await expect(service.execute(caseId, request.requestId)).rejects.toThrow('Throttling');
    expect((await service.get(caseId, request.requestId))?.status).toBe('RUNNING');
    expect((await service.execute(caseId, request.requestId)).state).toBe('busy');
    expect(executor.calls).toHaveLength(1);

    clock.advance(61_000);
    executor.behaviour = async () => ({ result: { resumed: true } });
    const run = await service.execute(caseId, request.requestId);
    expect(run.request).toMatchObject({ status: 'SUCCEEDED', result: { resumed: true } });
    expect(executor.calls[1].progress).toEqual({ observed: 'before' });
  });

  it('marks a request FAILED, with the reason, on a permanent error or when it keeps failing', async () => {
    const { service, executor, caseId, clock } = setup({ actions: open });
    const a = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    executor.behaviour = async () => {
      throw new ExecutionError('UpdateAccessKey: NoSuchEntity The user bob cannot be found', true);
    };
    const failed = await service.execute(caseId, a.request.requestId);
    expect(failed.request).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('NoSuchEntity') });
    expect(failed.events[0].detail.responseAction).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('NoSuchEntity') });

    const b = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-2' });
    executor.behaviour = async () => {
      throw new Error('socket hang up');
    };
    for (let i = 0; i < 2; i++) {
      await expect(service.execute(caseId, b.request.requestId)).rejects.toThrow('socket hang up');
      clock.advance(61_000);
    }
    expect((await service.execute(caseId, b.request.requestId)).request).toMatchObject({ status: 'FAILED', reason: 'socket hang up' });
  });

  it('undoes a SUCCEEDED request through a new request that goes through the gate, once', async () => {
    const { service, executor, caseId } = setup({ actions: guarded });
    const a = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    await expect(service.requestUndo({ caseId, requestId: a.request.requestId, actor: customer, role: 'customer' })).rejects.toMatchObject({ code: 'illegal_transition' });
    await service.approve({ caseId, requestId: a.request.requestId, actor: otherCustomer, role: 'customer' });
    await service.execute(caseId, a.request.requestId);

    const undo = await service.requestUndo({ caseId, requestId: a.request.requestId, actor: provider, role: 'provider', idempotencyKey: 'u-1' });
    expect(undo.request).toMatchObject({ status: 'PENDING_APPROVAL', undoOf: a.request.requestId, action: 'deactivate_access_key', target: key });
    await expect(service.requestUndo({ caseId, requestId: a.request.requestId, actor: customer, role: 'customer', idempotencyKey: 'u-2' })).rejects.toThrow(/already has undo/);
    await service.approve({ caseId, requestId: undo.request.requestId, actor: customer, role: 'customer' });
    const run = await service.execute(caseId, undo.request.requestId);
    expect(run.request).toMatchObject({ status: 'SUCCEEDED', result: { undid: a.request.requestId } });
    expect(run.events[0].detail.responseAction).toMatchObject({ undoOf: a.request.requestId });
    expect(executor.calls.map((c) => c.kind)).toEqual(['execute', 'undo']);
    await expect(service.requestUndo({ caseId, requestId: undo.request.requestId, actor: customer, role: 'customer' })).rejects.toThrow(/itself an undo/);
  });

  it('lets the customer reject a pending request; the provider cannot', async () => {
    const { service, caseId } = setup({ actions: guarded });
    const a = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: provider, requesterRole: 'provider', idempotencyKey: 'evt-1' });
    expect((await service.reject({ caseId, requestId: a.request.requestId, actor: provider, role: 'provider' })).refused).toContain('only the customer');
    const r = await service.reject({ caseId, requestId: a.request.requestId, actor: customer, role: 'customer', reason: 'expected admin work' });
    expect(r.request).toMatchObject({ status: 'REJECTED', reason: 'expected admin work' });
    expect(r.events[0].detailType).toBe('ResponseActionRejected');
    await expect(service.approve({ caseId, requestId: a.request.requestId, actor: customer, role: 'customer' })).rejects.toMatchObject({ code: 'illegal_transition' });
  });

  it('retries on a concurrent case change and writes the change once, on the new version', async () => {
    const { store, service, caseId } = setup({ actions: open });
    store.beforeNextWrite = () => {
      const c = store.cases.get(caseId);
      if (c) store.cases.set(caseId, { ...c, version: c.version + 1 });
    };
    const o = await service.requestAction({ caseId, action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k-1' });
    expect(o.events[0].detail.caseVersion).toBe(3);
    expect(store.timeline).toHaveLength(1);
  });

  it('refuses unknown cases and requests with a not_found error', async () => {
    const { service, caseId } = setup({ actions: open });
    await expect(service.requestAction({ caseId: 'case-nope', action: 'deactivate_access_key', target: key, actor: customer, requesterRole: 'customer', idempotencyKey: 'k' })).rejects.toBeInstanceOf(CaseError);
    await expect(service.approve({ caseId, requestId: 'resp-00000000000000000000', actor: customer, role: 'customer' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
