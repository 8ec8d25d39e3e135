import type { LocalRuntime } from '../../local/runtime';
import { issueAckToken } from '../../shared/ack/link-token';
import { pagerDutySignature } from '../../shared/ack/pagerduty';
import { slackSignature } from '../../shared/ack/slack';
import { finding, findingEnvelope } from '../fixtures/findings';
import { pdBody, slackBody } from '../unit/ack/fixtures';
import { drainStage, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The three acknowledgement paths, served by the local runtime on loopback against moto. */
describe('acknowledgement paths on moto', () => {
  let runtime: LocalRuntime;

  const api = async (path: string): Promise<Json> => (await (await fetch(`${runtime.api.url}${path}`)).json()) as Json;
  const caseOf = async (id: string): Promise<Json> => (await api(`/cases/${id}`)) as Json;

  const openCase = async (user: string): Promise<string> => {
    const f = finding({ findingId: `ack-${user}`, tenantId: 'local', entities: { users: [user], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const c = ((await api('/cases?limit=100')).cases as Json[]).find((x) => x.entities.users.includes(user));
    if (!c) throw new Error(`no case for ${user}`);
    return c.caseId as string;
  };

  const ack = (url: string, method: 'GET' | 'POST') =>
    fetch(url, { method, ...(method === 'POST' ? { body: 'confirm=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) }).then(async (r) => ({
      status: r.status,
      headers: r.headers,
      body: await r.text(),
    }));

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local' });
  });

  afterAll(() => runtime?.stop());

  it('a signed link: GET shows the page and changes nothing, POST acknowledges, a second POST is already used', async () => {
    const id = await openCase('link-user');
    const url = runtime.ackLink(id, 'notif-1', { target: 'oncall-primary' });
    expect(url.startsWith(`${runtime.ackApi.url}/ack/`)).toBe(true);

    for (let i = 0; i < 2; i++) {
      const page = await ack(url, 'GET');
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.body).toContain('Test rule by link-user');
      expect(page.body).toContain('<form method="post">');
    }
    expect((await caseOf(id)).case).toMatchObject({ status: 'NEW', version: 1 });

    const done = await ack(url, 'POST');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Acknowledged');
    const after = await caseOf(id);
    expect(after.case).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'oncall-primary', version: 2 });
    expect((after.timeline as Json[]).find((t) => t.action === 'acknowledged')?.actor).toEqual({ type: 'user', id: 'oncall-primary', via: 'ack-link' });

    const again = await ack(url, 'POST');
    expect(again.status).toBe(409);
    expect(again.body).toContain('already used');
    const last = await caseOf(id);
    expect(last.case.version).toBe(2);
    expect(last.timeline).toHaveLength(after.timeline.length);
  });

  it('refuses expired, tampered and forged links with 403, changing nothing', async () => {
    const id = await openCase('link-refused');
    const expired = runtime.ackLink(id, 'notif-2', { expiresAt: new Date(Date.now() - 1000) });
    const good = runtime.ackLink(id, 'notif-3');
    const i = good.lastIndexOf('.') - 3;
    const tampered = `${good.slice(0, i)}${good[i] === 'A' ? 'B' : 'A'}${good.slice(i + 1)}`;
    const forged = `${runtime.ackApi.url}/ack/${issueAckToken({ caseId: id, notificationId: 'n', expiresAt: Date.now() + 60_000 }, 'guessed-secret')}`;
    for (const url of [expired, tampered, forged]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await ack(url, method);
        expect({ url, method, status: res.status }).toEqual({ url, method, status: 403 });
      }
    }
    expect((await caseOf(id)).case).toMatchObject({ status: 'NEW', version: 1 });
    // The untouched good link still works.
    expect((await ack(good, 'POST')).status).toBe(200);
  });

  const slackPost = (body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) =>
    fetch(`${runtime.ackApi.url}/slack/actions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(secret, timestamp, body),
      },
      body,
    });

  it('a correctly signed Slack action acknowledges; a badly signed or stale one is refused with 401', async () => {
    const id = await openCase('slack-user');
    // No response_url: the test must not call Slack.
    const body = slackBody(id, { response_url: undefined });
    const forged = await slackPost(body, 'not-the-signing-secret');
    expect(forged.status).toBe(401);
    const stale = await slackPost(body, runtime.ackApi.secrets.slack, Math.floor(Date.now() / 1000) - 600);
    expect(stale.status).toBe(401);
    expect((await caseOf(id)).case).toMatchObject({ status: 'NEW', version: 1 });

    const res = await slackPost(body, runtime.ackApi.secrets.slack);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Json;
    expect(answer).toMatchObject({ replace_original: true });
    expect(answer.text).toContain('Acknowledged by <@U024BE7LH>');
    const c = await caseOf(id);
    expect(c.case).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U024BE7LH', version: 2 });
    expect((c.timeline as Json[]).find((t) => t.action === 'acknowledged')?.actor).toEqual({ type: 'user', id: 'U024BE7LH', via: 'slack' });
    // The same click replayed inside the window is the same interaction: nothing changes.
    expect((await slackPost(body, runtime.ackApi.secrets.slack)).status).toBe(200);
    expect((await caseOf(id)).case.version).toBe(2);
  });

  const pdPost = (body: string, secret: string) =>
    fetch(`${runtime.ackApi.url}/pagerduty/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': pagerDutySignature([secret], body) },
      body,
    });

  it('a PagerDuty v3 acknowledged webhook acknowledges; the same webhook id again changes nothing; a forged one is 401', async () => {
    const id = await openCase('pd-user');
    const body = pdBody('incident.acknowledged', id, 'pd-evt-1');
    const forged = await pdPost(body, 'forged');
    expect(forged.status).toBe(401);
    expect((await caseOf(id)).case).toMatchObject({ status: 'NEW', version: 1 });

    const first = await pdPost(body, runtime.ackApi.secrets.pagerDuty);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'acknowledged', caseId: id });
    const c = await caseOf(id);
    expect(c.case).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'PLH1HKV', version: 2 });
    expect((c.timeline as Json[]).find((t) => t.action === 'acknowledged')?.actor).toEqual({ type: 'user', id: 'PLH1HKV', via: 'pagerduty' });

    const again = await pdPost(body, runtime.ackApi.secrets.pagerDuty);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    const after = await caseOf(id);
    expect(after.case.version).toBe(2);
    expect(after.timeline).toHaveLength(c.timeline.length);

    const resolved = await pdPost(pdBody('incident.resolved', id, 'pd-evt-2'), runtime.ackApi.secrets.pagerDuty);
    expect(await resolved.json()).toMatchObject({ status: 'resolved' });
    expect((await caseOf(id)).case).toMatchObject({ status: 'RESOLVED', resolution: 'undetermined' });
  });
});
