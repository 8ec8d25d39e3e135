import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalRuntime } from '../../local/runtime';
import { pagerDutySignature } from '../../shared/ack/pagerduty';
import { slackSignature } from '../../shared/ack/slack';
import { DynamoEscalationStore } from '../../shared/aws/dynamo-escalation-store';
import { pdBody, slackBody } from '../unit/ack/fixtures';
import type { EscalationConfig } from '../../shared/escalation/policy';
import { finding, findingEnvelope } from '../fixtures/findings';
import { drainStage, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nowHHMM = (offsetMin: number) => {
  const d = new Date(Date.now() + offsetMin * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

/** Tiers, timers, acknowledgement, repeats and quiet hours, through the real escalate, sweeper and notify handlers. */
describe('escalation on moto', () => {
  let runtime: LocalRuntime;

  const escalation: EscalationConfig = {
    routes: [{ policy: 'night', tags: ['quiet'] }, { policy: 'ladder' }],
    policies: [
      {
        name: 'ladder',
        repeat: 1,
        tiers: [
          { delaySeconds: 0, channels: ['webhook'], targets: ['primary'] },
          { delaySeconds: 2, channels: ['webhook'], targets: ['secondary'] },
        ],
      },
      {
        name: 'night',
        // A quiet window around now (UTC), so the test does not depend on the hour it runs.
        quietHours: { timeZone: 'UTC', start: nowHHMM(-30), end: nowHHMM(30), overrideSeverities: ['critical'] },
        tiers: [{ delaySeconds: 0, channels: ['webhook'], targets: ['on-call'] }],
      },
    ],
  };

  const open = async (user: string, severity: 'medium' | 'critical' = 'high' as never, tags = ['attack.t1562']): Promise<string> => {
    const f = finding({ findingId: `esc-${user}`, tenantId: 'local', entities: { users: [user], hosts: [], ips: [], accounts: [], resources: [] } }, severity);
    f.rule.tags = tags;
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const list = (await (await fetch(`${runtime.api.url}/cases?limit=100`)).json()) as Json;
    return (list.cases as Json[]).find((c) => c.entities.users.includes(user))?.caseId;
  };

  /** Runs escalate and notify until quiet, sweeping timers due by `untilMs` from now. */
  const settle = async (waitMs = 0) => {
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    await runtime.sweep();
    await drainStage(runtime, 'escalate');
    await drainStage(runtime, 'notify');
  };

  const pagesFor = (caseId: string) =>
    runtime.sink.deliveries.filter((d) => (d.body.case as Json).id === caseId).map((d) => `${(d.body.escalation as Json).loop}/${(d.body.escalation as Json).tier}:${(d.body.escalation as Json).target}`);

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local', escalation });
  });

  afterAll(() => runtime?.stop());

  it('pages tier 1 at once, tier 2 after its delay, repeats once, then reports exhaustion', async () => {
    const id = await open('una');
    await settle();
    expect(pagesFor(id)).toEqual(['0/0:primary']);
    await settle(2100);
    expect(pagesFor(id)).toEqual(['0/0:primary', '0/1:secondary']);
    await settle(2100); // repeat: the ladder again
    await settle(2100);
    expect(pagesFor(id)).toEqual(['0/0:primary', '0/1:secondary', '1/0:primary', '1/1:secondary']);
    await settle(2100);
    const detail = (await (await fetch(`${runtime.api.url}/cases/${id}`)).json()) as Json;
    expect(detail.case.status).toBe('NEW');
    // No page after the cap, however long nobody answers; the run ends as exhausted.
    await settle(2100);
    expect(pagesFor(id)).toHaveLength(4);
    const run = await new DynamoEscalationStore(new DynamoDBClient({}), runtime.resources.tableName).getRun(id);
    expect(run).toMatchObject({ state: 'exhausted', run: 1, policy: { name: 'ladder' } });
  }, 30_000);

  it('stops the ladder when the case is acknowledged, and restarts it on un-acknowledge', async () => {
    const id = await open('vera');
    await settle();
    expect(pagesFor(id)).toEqual(['0/0:primary']);
    const ack = await fetch(`${runtime.api.url}/cases/${id}/acknowledge`, { method: 'POST' });
    expect(ack.status).toBe(200);
    await drainStage(runtime, 'escalate');
    await settle(2100);
    await settle(2100);
    expect(pagesFor(id)).toEqual(['0/0:primary']);
    await fetch(`${runtime.api.url}/cases/${id}/unacknowledge`, { method: 'POST' });
    await settle();
    expect(pagesFor(id)).toEqual(['0/0:primary', '0/0:primary']);
    const runs = runtime.sink.deliveries.filter((d) => (d.body.case as Json).id === id).map((d) => (d.body.escalation as Json).run);
    expect(runs).toEqual([1, 2]);
  }, 30_000);

  it('stops the ladder when someone acknowledges from the page itself (signed link)', async () => {
    const id = await open('yuri');
    await settle();
    const [first] = runtime.sink.deliveries.filter((d) => (d.body.case as Json).id === id);
    const link = (first.body.case as Json).ackUrl as string;
    expect(link).toMatch(/\/ack\//);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    await drainStage(runtime, 'escalate');
    await settle(2100);
    await settle(2100);
    expect(pagesFor(id)).toEqual(['0/0:primary']);
  }, 30_000);

  it.each([
    ['slack', 'zack'],
    ['pagerduty', 'zoe'],
  ])('stops the ladder when someone acknowledges through %s', async (path, user) => {
    const id = await open(user);
    await settle();
    const now = Math.floor(Date.now() / 1000);
    const res =
      path === 'slack'
        ? await (async () => {
            const body = slackBody(id, { response_url: undefined });
            return fetch(`${runtime.ackApi.url}/slack/actions`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(runtime.ackApi.secrets.slack, now, body) },
              body,
            });
          })()
        : await (async () => {
            const body = pdBody('incident.acknowledged', id, `pd-${user}`);
            return fetch(`${runtime.ackApi.url}/pagerduty/webhook`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-pagerduty-signature': pagerDutySignature([runtime.ackApi.secrets.pagerDuty], body) },
              body,
            });
          })();
    expect(res.status).toBe(200);
    await drainStage(runtime, 'escalate');
    await settle(2100);
    await settle(2100);
    expect(pagesFor(id)).toEqual(['0/0:primary']);
  }, 30_000);

  it('re-sends the current tier on request, even to an acknowledged case, with new delivery ids', async () => {
    const id = await open('abel');
    await settle();
    await fetch(`${runtime.api.url}/cases/${id}/acknowledge`, { method: 'POST' });
    const res = await fetch(`${runtime.api.url}/cases/${id}/resend`, { method: 'POST' });
    expect(res.status).toBe(200);
    await settle();
    const mine = runtime.sink.deliveries.filter((d) => (d.body.case as Json).id === id);
    expect(mine.map((d) => d.body.reason)).toEqual(['case_opened', 'resend']);
    expect(new Set(mine.map((d) => d.deliveryId)).size).toBe(2);
    const closed = await fetch(`${runtime.api.url}/cases/${id}/resolve`, { method: 'POST', body: JSON.stringify({ resolution: 'true_positive' }) });
    expect(closed.status).toBe(200);
    expect((await fetch(`${runtime.api.url}/cases/${id}/resend`, { method: 'POST' })).status).toBe(409);
  }, 30_000);

  it('defers a medium case in quiet hours but pages a critical one at once', async () => {
    const medium = await open('walt', 'medium', ['quiet']);
    const critical = await open('xena', 'critical', ['quiet']);
    await settle();
    expect(pagesFor(critical)).toEqual(['0/0:on-call']);
    expect(pagesFor(medium)).toEqual([]);
  });
});
