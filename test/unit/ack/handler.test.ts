import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createAckApiHandler, memoryUsedLinks } from '../../../functions/ack-api/handler';
import { issueAckToken } from '../../../shared/ack/link-token';
import { pagerDutySignature } from '../../../shared/ack/pagerduty';
import { slackSignature } from '../../../shared/ack/slack';
import type { CaseRecord } from '../../../shared/cases/model';
import type { CaseStore, TimelineEntry } from '../../../shared/cases/store';
import type { CaseEvent } from '../../../shared/contracts/case-event';
import { pdBody, slackBody } from './fixtures';

const CASE = 'case-0123456789abcdef0123';
const now = new Date('2026-11-20T10:00:00.000Z');
const secrets = { link: 'link-secret', slack: 'slack-secret', pd: 'pd-secret' };

/** Just enough of the case store for the ack paths: cases, command outcomes, conditional versioned writes. */
function memoryStore(cases: CaseRecord[]) {
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  const commands = new Map<string, CaseEvent[]>();
  const timeline: TimelineEntry[] = [];
  const store = {
    getCase: async (id: string) => byId.get(id),
    commandOutcome: async (id: string) => commands.get(id),
    applyCommand: async ({ commandId, writes, events }: Parameters<CaseStore['applyCommand']>[0]) => {
      if (commands.has(commandId)) return 'duplicate' as const;
      if (writes.some((w) => byId.get(w.case.caseId)?.version !== w.expectedVersion)) return 'conflict' as const;
      commands.set(commandId, events);
      for (const w of writes) {
        byId.set(w.case.caseId, w.case);
        timeline.push(w.timeline);
      }
      return 'ok' as const;
    },
  } as unknown as CaseStore;
  return { store, byId, timeline };
}

function caseRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: CASE,
    tenantId: 'acme',
    title: 'Root <script>alert(1)</script> login',
    status: 'NEW',
    severity: 'high',
    ruleId: 'r1',
    tags: [],
    correlationKey: 'k',
    entities: { users: [], hosts: [], ips: [], accounts: [], resources: [] },
    alertCount: 1,
    detectedAt: '2026-11-20T09:00:00.000Z',
    createdAt: '2026-11-20T09:00:05.000Z',
    firstSeen: '2026-11-20T09:00:00.000Z',
    lastSeen: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:05.000Z',
    version: 1,
    ...overrides,
  };
}

function request(method: string, path: string, body = '', headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    body: body || undefined,
    isBase64Encoded: false,
    requestContext: { requestId: 'r1', http: { method, path, sourceIp: '203.0.113.9', userAgent: 'test', protocol: 'HTTP/1.1' } },
  } as unknown as APIGatewayProxyEventV2;
}

function setup(cases = [caseRecord()], extra: Partial<Parameters<typeof createAckApiHandler>[0]> = {}) {
  const mem = memoryStore(cases);
  const published: CaseEvent[] = [];
  const logs: Record<string, unknown>[] = [];
  const usedLinks = memoryUsedLinks();
  const handler = createAckApiHandler({
    store: mem.store,
    usedLinks,
    publish: async (events) => {
      published.push(...events);
      return true;
    },
    tenantId: 'acme',
    settings: { reopenWindowMs: 3_600_000 },
    linkSecrets: async () => [secrets.link],
    slackSigningSecrets: async () => [secrets.slack],
    pagerDutyWebhookSecrets: async () => [secrets.pd],
    ...extra,
    now: () => now,
    log: (e) => logs.push(e),
  });
  const call = (e: APIGatewayProxyEventV2) => handler(e) as Promise<APIGatewayProxyStructuredResultV2 & { body: string; statusCode: number }>;
  return { ...mem, published, logs, usedLinks, call };
}

const token = (overrides: Partial<Parameters<typeof issueAckToken>[0]> = {}) =>
  issueAckToken({ caseId: CASE, notificationId: 'n1', expiresAt: new Date(now.getTime() + 3_600_000), ...overrides }, secrets.link);

describe('ack API handler', () => {
  it('GET shows an escaped confirm page with a POST form and changes nothing', async () => {
    const s = setup();
    const res = await s.call(request('GET', `/ack/${token()}`));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8', 'referrer-policy': 'no-referrer' });
    expect(res.body).toContain('<form method="post">');
    expect(res.body).toContain('&lt;script&gt;');
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('name="viewport"');
    expect(s.byId.get(CASE)?.version).toBe(1);
    expect(s.published).toEqual([]);
  });

  it('POST acknowledges once, attributed to the target via ack-link; a second POST is "already used"', async () => {
    const s = setup();
    const t = token({ target: 'oncall-primary' });
    const first = await s.call(request('POST', `/ack/${t}`, 'confirm=1'));
    expect(first.statusCode).toBe(200);
    expect(s.byId.get(CASE)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'oncall-primary', version: 2 });
    expect(s.published.map((e) => [e.detailType, e.detail.actor])).toEqual([['CaseAcknowledged', { type: 'user', id: 'oncall-primary', via: 'ack-link' }]]);
    const again = await s.call(request('POST', `/ack/${t}`));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already used');
    expect(s.byId.get(CASE)?.version).toBe(2);
    expect(s.published).toHaveLength(1);
    expect((await s.call(request('GET', `/ack/${t}`))).body).toContain('already used');
  });

  it('a link for a case acknowledged meanwhile changes nothing and is spent', async () => {
    const s = setup([caseRecord({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U1', acknowledgedAt: now.toISOString(), version: 2 })]);
    const t = token();
    expect((await s.call(request('GET', `/ack/${t}`))).body).toContain('already acknowledged by U1');
    const res = await s.call(request('POST', `/ack/${t}`));
    expect(res.statusCode).toBe(409);
    expect(s.byId.get(CASE)?.version).toBe(2);
    expect(s.usedLinks.size).toBe(1);
  });

  it('refuses expired, tampered and foreign-tenant links with 403/404 and logs one JSON line each', async () => {
    const s = setup([caseRecord({ caseId: 'case-ffffffffffffffffffff', tenantId: 'other' }), caseRecord()]);
    const expired = token({ expiresAt: new Date(now.getTime() - 1000) });
    const good = token();
    const tampered = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    for (const t of [expired, tampered, 'v1.bad.token', issueAckToken({ caseId: CASE, notificationId: 'n1', expiresAt: Date.now() + 3_600_000 }, 'wrong')]) {
      for (const m of ['GET', 'POST']) {
        const res = await s.call(request(m, `/ack/${t}`));
        expect(res.statusCode).toBe(403);
      }
    }
    expect(s.logs.filter((l) => l.message === 'ack request refused').map((l) => l.reason)).toEqual(
      expect.arrayContaining(['expired', 'bad_signature', 'malformed']),
    );
    expect(JSON.stringify(s.logs)).not.toContain(good);
    expect((await s.call(request('POST', `/ack/${token({ caseId: 'case-ffffffffffffffffffff' })}`))).statusCode).toBe(404);
    expect(s.published).toEqual([]);
    expect((await s.call(request('PUT', `/ack/${good}`))).statusCode).toBe(405);
  });

  it('Slack: a signed Acknowledge click acknowledges, a replay inside the window changes nothing, a forged one is 401', async () => {
    const s = setup();
    const body = slackBody(CASE);
    const ts = String(Math.floor(now.getTime() / 1000));
    const headers = { 'x-slack-signature': slackSignature(secrets.slack, ts, body), 'x-slack-request-timestamp': ts, 'content-type': 'application/x-www-form-urlencoded' };
    const res = await s.call(request('POST', '/slack/actions', body, headers));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ replace_original: true, text: expect.stringContaining('<@U024BE7LH>') });
    expect(s.byId.get(CASE)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'U024BE7LH' });
    expect(s.published[0].detail.actor).toEqual({ type: 'user', id: 'U024BE7LH', via: 'slack' });
    await s.call(request('POST', '/slack/actions', body, headers));
    expect(s.byId.get(CASE)?.version).toBe(2);
    const forged = await s.call(request('POST', '/slack/actions', body, { ...headers, 'x-slack-signature': slackSignature('guess', ts, body) }));
    expect(forged.statusCode).toBe(401);
    const b64 = await s.call({ ...request('POST', '/slack/actions', Buffer.from(body).toString('base64'), headers), isBase64Encoded: true });
    expect(b64.statusCode).toBe(200);
  });

  it('Slack: a click from another workspace of the same app is refused when the channel names its workspace', async () => {
    const body = slackBody(CASE);
    const ts = String(Math.floor(now.getTime() / 1000));
    const headers = { 'x-slack-signature': slackSignature(secrets.slack, ts, body), 'x-slack-request-timestamp': ts, 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = setup([caseRecord()], { slackTeamIds: ['T0999'] });
    expect((await foreign.call(request('POST', '/slack/actions', body, headers))).statusCode).toBe(403);
    expect(foreign.byId.get(CASE)?.status).toBe('NEW');
    const own = setup([caseRecord()], { slackTeamIds: ['T0001'] });
    expect((await own.call(request('POST', '/slack/actions', body, headers))).statusCode).toBe(200);
    expect(own.byId.get(CASE)?.status).toBe('ACKNOWLEDGED');
  });

  it('PagerDuty: acknowledged then resolved, deduped on the webhook id, forged refused', async () => {
    const s = setup();
    const send = (body: string, secret = secrets.pd) => s.call(request('POST', '/pagerduty/webhook', body, { 'x-pagerduty-signature': pagerDutySignature([secret], body) }));
    const ack = pdBody('incident.acknowledged', CASE, 'evt-1');
    expect(JSON.parse((await send(ack)).body)).toMatchObject({ status: 'acknowledged' });
    expect(JSON.parse((await send(ack)).body)).toMatchObject({ status: 'duplicate' });
    expect(s.byId.get(CASE)?.version).toBe(2);
    expect((await send(pdBody('incident.resolved', CASE, 'evt-2'), 'forged')).statusCode).toBe(401);
    expect(s.byId.get(CASE)?.status).toBe('ACKNOWLEDGED');
    // An acknowledge echoed back by PagerDuty after the case moved on is a 200 no-op.
    expect(JSON.parse((await send(pdBody('incident.acknowledged', CASE, 'evt-3'))).body)).toMatchObject({ status: 'no_change' });
    const resolved = await send(pdBody('incident.resolved', CASE, 'evt-4'));
    expect(JSON.parse(resolved.body)).toMatchObject({ status: 'resolved' });
    expect(s.byId.get(CASE)).toMatchObject({ status: 'RESOLVED', resolution: 'undetermined', resolvedBy: 'PLH1HKV' });
    // The duplicate re-published the first change's event (same id, for recovery); two distinct changes in all.
    expect(new Set(s.published.map((e) => e.detail.eventId)).size).toBe(2);
    expect(new Set(s.published.map((e) => e.detail.actor.via))).toEqual(new Set(['pagerduty']));
    expect(JSON.parse((await send(pdBody('incident.triggered', CASE, 'evt-5'))).body)).toMatchObject({ status: 'ignored' });
  });

  it('an unconfigured path answers 503 and changes nothing', async () => {
    const s = setup();
    const handler = createAckApiHandler({
      store: s.store,
      usedLinks: memoryUsedLinks(),
      publish: async () => true,
      tenantId: 'acme',
      settings: { reopenWindowMs: 1 },
      linkSecrets: async () => [],
      slackSigningSecrets: async () => [],
      pagerDutyWebhookSecrets: async () => [],
      log: () => undefined,
    });
    for (const e of [request('POST', `/ack/${token()}`), request('POST', '/slack/actions', 'x'), request('POST', '/pagerduty/webhook', '{}')]) {
      expect((await handler(e)) as { statusCode: number }).toMatchObject({ statusCode: 503 });
    }
    expect(s.byId.get(CASE)?.version).toBe(1);
  });
});
