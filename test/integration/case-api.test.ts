import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalRuntime } from '../../local/runtime';
import type { CaseEventDetail } from '../../shared/contracts/case-event';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { applyCaseAction } from '../../shared/cases/case-commands';
import { finding, findingEnvelope } from '../fixtures/findings';
import { schemaErrors } from '../support/schemas';
import { drainStage, serializedWrites, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The case API on the local runtime: what analysts, on-call staff and the CLI rely on. */
describe('case API on moto', () => {
  let runtime: LocalRuntime;
  let tap: string;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${runtime.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  const openCase = async (user: string, findingId = `f-${user}`): Promise<string> => {
    const f = finding({ findingId, tenantId: 'local', entities: { users: [user], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const list = await call('GET', '/cases?limit=100');
    const c = (list.body.cases as Json[]).find((x) => x.entities.users.includes(user));
    if (!c) throw new Error(`no case for ${user}`);
    return c.caseId as string;
  };

  const tapped = async (): Promise<{ type: string; detail: CaseEventDetail }[]> => {
    const out: { type: string; detail: CaseEventDetail }[] = [];
    for (;;) {
      const res = await runtime.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: tap, MaxNumberOfMessages: 10 }));
      if (!res.Messages?.length) return out;
      for (const m of res.Messages) {
        const e = JSON.parse(m.Body as string);
        out.push({ type: e['detail-type'], detail: e.detail });
      }
    }
  };

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local' });
    // A consumer of every case event on the MDR bus, as the provider would see them.
    const q = await runtime.clients.sqs.send(new CreateQueueCommand({ QueueName: `${runtime.resources.prefix}-tap` }));
    tap = q.QueueUrl as string;
    const arn = (await runtime.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: tap, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await runtime.clients.eventBridge.send(
      new PutRuleCommand({ Name: `${runtime.resources.prefix}-tap`, EventBusName: runtime.resources.busName, EventPattern: JSON.stringify({ source: ['mdr.cases'] }) }),
    );
    await runtime.clients.eventBridge.send(
      new PutTargetsCommand({ Rule: `${runtime.resources.prefix}-tap`, EventBusName: runtime.resources.busName, Targets: [{ Id: 'tap', Arn: arn }] }),
    );
  });

  afterAll(() => runtime?.stop());

  it('makes one alert of a finding delivered three times', async () => {
    const f = finding({ findingId: 'thrice', tenantId: 'local', entities: { users: ['tess'], hosts: [], ips: [], accounts: [], resources: [] } });
    for (let i = 0; i < 3; i++) await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const list = await call('GET', '/cases?limit=100');
    const mine = (list.body.cases as Json[]).filter((c) => c.entities.users.includes('tess'));
    expect(mine).toHaveLength(1);
    const detail = await call('GET', `/cases/${mine[0].caseId}`);
    expect(detail.body.alerts).toHaveLength(1);
    expect(detail.body.case.alertCount).toBe(1);
  });

  it('walks the lifecycle and refuses illegal transitions with clear errors', async () => {
    const id = await openCase('lena');
    const steps: [string, unknown, number, string?][] = [
      ['resolve', {}, 400, 'invalid_request'],
      ['resolve', { resolution: 'fixed-it' }, 400, 'invalid_request'],
      ['close', {}, 409, 'illegal_transition'],
      ['unacknowledge', {}, 409, 'illegal_transition'],
      ['acknowledge', {}, 200],
      ['acknowledge', {}, 409, 'illegal_transition'],
      ['unacknowledge', {}, 200],
      ['acknowledge', {}, 200],
      ['start', {}, 200],
      ['assign', { assignee: 'analyst@example.com' }, 200],
      ['notes', { text: 'Confirmed with the owner: not planned.' }, 200],
      ['notes', { text: '' }, 400, 'invalid_request'],
      ['resolve', { resolution: 'true_positive', comment: 'keys rotated' }, 200],
      ['assign', { assignee: 'x' }, 409, 'illegal_transition'],
      ['close', {}, 200],
      ['reopen', { reason: 'came back' }, 200],
      ['resolve', { resolution: 'benign_positive' }, 200],
    ];
    for (const [verb, body, status, code] of steps) {
      const res = await call('POST', `/cases/${id}/${verb}`, body);
      expect({ verb, status: res.status, code: res.body.error?.code }).toEqual({ verb, status, code });
      if (code) expect(res.body.error.message).toEqual(expect.any(String));
    }
    const detail = await call('GET', `/cases/${id}`);
    expect(detail.body.case).toMatchObject({ status: 'RESOLVED', resolution: 'benign_positive', assignee: 'analyst@example.com', reopenCount: 1, version: 11 });
    expect(detail.body.times.timeToAcknowledgeMs).toEqual(expect.any(Number));
    const actions = (detail.body.timeline as Json[]).map((t) => t.action);
    expect(actions).toEqual(
      expect.arrayContaining(['case_opened', 'acknowledged', 'unacknowledged', 'in_progress', 'assigned', 'note_added', 'resolved', 'closed', 'reopened']),
    );
    for (const t of detail.body.timeline as Json[]) if (t.action !== 'case_opened') expect(t.actor).toEqual({ type: 'user', id: 'arn:aws:iam::000000000000:user/local-operator', via: 'api' });
  });

  it('emits a schema-valid case event for every change, unique ids, ordered versions', async () => {
    const events = await tapped();
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) expect(schemaErrors('case-event', e.detail)).toEqual([]);
    // A redelivered finding re-emits its stored events: same id, same content, for consumers to drop.
    const byId = new Map<string, unknown>();
    for (const e of events) {
      if (byId.has(e.detail.eventId)) expect(e.detail).toEqual(byId.get(e.detail.eventId));
      byId.set(e.detail.eventId, e.detail);
    }
    expect(byId.size).toBeGreaterThan(10);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['CaseOpened', 'CaseAcknowledged', 'CaseUpdated', 'CaseResolved', 'CaseClosed', 'CaseReopened']) expect(types).toContain(t);
  });

  it('applies a command once per Idempotency-Key and replays its answer', async () => {
    const id = await openCase('mona');
    const first = await call('POST', `/cases/${id}/notes`, { text: 'one' }, { 'idempotency-key': 'note-key-0001' });
    const again = await call('POST', `/cases/${id}/notes`, { text: 'one' }, { 'idempotency-key': 'note-key-0001' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(again.body.events).toEqual(first.body.events);
    const detail = await call('GET', `/cases/${id}`);
    expect((detail.body.timeline as Json[]).filter((t) => t.action === 'note_added')).toHaveLength(1);
    expect((await call('POST', `/cases/${id}/notes`, { text: 'x' }, { 'idempotency-key': 'bad key!' })).status).toBe(400);
  });

  it('retries a version conflict so concurrent changes both land', async () => {
    const id = await openCase('nina');
    // Through the service with moto's transactions serialized (see serializedWrites): reads interleave, so
    // two of the three commands read a stale version, conflict, and must retry.
    const store = serializedWrites(new DynamoCaseStore(new DynamoDBClient({}), runtime.resources.tableName));
    const actor = { type: 'user' as const, id: 'tester', via: 'test' };
    const now = new Date();
    const settings = { reopenWindowMs: 3_600_000 };
    const spy = jest.spyOn(store, 'applyCommand');
    await Promise.all([
      applyCaseAction(store, { caseId: id, action: { type: 'note', text: 'a' }, actor, commandId: 'c-a', now }, settings),
      applyCaseAction(store, { caseId: id, action: { type: 'assign', assignee: 'someone' }, actor, commandId: 'c-b', now }, settings),
      applyCaseAction(store, { caseId: id, action: { type: 'note', text: 'b' }, actor, commandId: 'c-c', now }, settings),
    ]);
    const outcomes = await Promise.all(spy.mock.results.map((r) => r.value));
    expect(outcomes.filter((o) => o === 'conflict').length).toBeGreaterThan(0);
    const detail = await call('GET', `/cases/${id}`);
    expect(detail.body.case).toMatchObject({ version: 4, noteCount: 2, assignee: 'someone' });
  });

  it('merges a case into another: alerts counted on the survivor, the merged one closed to changes', async () => {
    const a = await openCase('otto');
    const b = await openCase('pia');
    expect((await call('POST', `/cases/${a}/merge`, { into: a })).status).toBe(400);
    expect((await call('POST', `/cases/${a}/merge`, { into: 'case-00000000000000000000' })).status).toBe(404);
    const res = await call('POST', `/cases/${a}/merge`, { into: b });
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: Json) => e.type)).toEqual(['CaseMerged', 'CaseUpdated']);
    const merged = await call('GET', `/cases/${a}`);
    const survivor = await call('GET', `/cases/${b}`);
    expect(merged.body.case).toMatchObject({ status: 'MERGED', mergedInto: b });
    expect(survivor.body.case).toMatchObject({ alertCount: 2, mergedFrom: [a] });
    expect(survivor.body.case.entities.users.sort()).toEqual(['otto', 'pia']);
    expect((await call('POST', `/cases/${a}/acknowledge`)).status).toBe(409);
  });

  it('lists with filters and pages through results', async () => {
    const all = await call('GET', '/cases?limit=100');
    expect(all.body.cases.length).toBeGreaterThanOrEqual(6);
    const resolved = await call('GET', '/cases?status=RESOLVED');
    expect((resolved.body.cases as Json[]).every((c) => c.status === 'RESOLVED')).toBe(true);
    expect(resolved.body.cases.length).toBeGreaterThanOrEqual(1);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('GET', `/cases?limit=2${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
      expect(page.body.cases.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.cases as Json[]).map((c) => c.caseId));
      token = page.body.nextToken;
    } while (token);
    expect(seen.sort()).toEqual((all.body.cases as Json[]).map((c) => c.caseId).sort());
    expect((await call('GET', '/cases?status=OPEN')).body.error.code).toBe('invalid_request');
    expect((await call('GET', '/cases?limit=0')).status).toBe(400);
    expect((await call('GET', '/cases?nextToken=garbage')).status).toBe(400);
    expect((await call('GET', '/cases/case-ffffffffffffffffffff')).status).toBe(404);
  });

  it('reports time to acknowledge and to resolve in aggregate', async () => {
    const m = await call('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.body.timeToAcknowledge.count).toBeGreaterThanOrEqual(1);
    expect(m.body.timeToResolve.count).toBeGreaterThanOrEqual(1);
    expect(m.body.byStatus.MERGED).toBe(1);
  });

  it('returns the written summary with a case, and serves its page only with a view link for that case', async () => {
    const id = await openCase('viola');
    const other = await openCase('walt');
    const detail = await call('GET', `/cases/${id}`);
    expect(detail.body.summary).toMatchObject({ headline: expect.any(String), nextSteps: expect.any(Array) });
    const page = await fetch(runtime.caseViewLink(id, 'oncall-primary'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toContain(id);
    // No token, another case's token, a forged one: the page shows nothing.
    expect((await fetch(`${runtime.api.url}/view/${id}`)).status).toBe(403);
    expect((await fetch(runtime.caseViewLink(other, 'oncall-primary').replace(`/view/${other}`, `/view/${id}`))).status).toBe(403);
    expect((await fetch(`${runtime.caseViewLink(id, 'oncall-primary').slice(0, -4)}AAAA`)).status).toBe(403);
  });
});
