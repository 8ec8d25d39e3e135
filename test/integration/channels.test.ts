import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { randomBytes } from 'node:crypto';
import type { NotificationRequest } from '../../shared/contracts/notification';
import type { ChannelConfig } from '../../shared/notify/channels';
import { deliverVia, syncCaseState, type ChannelMessage, type DeliveryContext } from '../../shared/notify/channels/index';
import { SLACK_ACK_ACTION_ID } from '../../shared/notify/channels/slack';
import { pagerDutyReceiver } from '../support/receivers/pagerduty';
import type { ScriptedReceiver } from '../support/receivers/scripted-receiver';
import { buttons, slackApiReceiver, slackWebhookReceiver } from '../support/receivers/slack';
import { cardOf, teamsReceiver } from '../support/receivers/teams';
import { signedWebhookReceiver } from '../support/receivers/webhook';

const run = randomBytes(3).toString('hex');
const caseId = `case-${run}`;

function notification(over: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    notificationId: randomBytes(16).toString('hex'),
    tenantId: 'acme',
    caseId,
    caseVersion: 1,
    run: 1,
    loop: 0,
    tier: 1,
    channel: 'oncall',
    target: 'secops',
    severity: 'high',
    status: 'NEW',
    title: 'Console login without MFA for root',
    reason: 'case_opened',
    ...over,
  };
}

function message(over: Partial<NotificationRequest> = {}): ChannelMessage {
  return {
    notification: notification(over),
    current: { entities: { users: ['root'], hosts: [], ips: ['198.51.100.7'], accounts: ['111122223333'], resources: [] } },
    caseLinkBase: 'https://soc.example.com/cases',
    ackUrl: `https://ack.example.com/ack/${run}`,
  };
}

/** An HTTP channel under test: its receiver, its config, the secret it reads, and the vendor's own error answers. */
interface HttpChannelCase {
  name: string;
  receiver: ScriptedReceiver;
  config: (origin: string) => ChannelConfig;
  secret: (origin: string) => string;
  badRequest: { status: number; body: string };
  /** What a conforming, accepted request must show. */
  verify: (json: unknown) => void;
}

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const SLACK_PATH = 'T0001/B0001/hooksecret0001';
const SLACK_TOKEN = 'xoxb-test-token';
const SLACK_CHANNEL = 'C0SOCALERTS';
const FLOW = 'f1e2d3c4';
const FLOW_SIG = 'sigVALUE123';
const HOOK_SECRETS = ['whsec_new', 'whsec_old'];

const cases: HttpChannelCase[] = [
  {
    name: 'pagerduty',
    receiver: pagerDutyReceiver(ROUTING_KEY),
    config: (origin) => ({ kind: 'pagerduty', secretId: 'mdr/pd', url: `${origin}/v2/enqueue`, timeoutMs: 400 }),
    secret: () => ROUTING_KEY,
    badRequest: { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["payload.summary missing"]}' },
    verify: (json) =>
      expect(json).toMatchObject({
        event_action: 'trigger',
        dedup_key: `mdr-${caseId}`,
        payload: { severity: 'error', summary: expect.stringContaining('[HIGH] Console login without MFA for root') },
      }),
  },
  {
    name: 'slack webhook',
    receiver: slackWebhookReceiver(SLACK_PATH),
    config: () => ({ kind: 'slack', mode: 'webhook', secretId: 'mdr/slack-hook', timeoutMs: 400 }),
    secret: (origin) => JSON.stringify({ webhookUrl: `${origin}/services/${SLACK_PATH}` }),
    badRequest: { status: 400, body: 'invalid_payload' },
    verify: (json) => {
      expect(buttons(json, SLACK_ACK_ACTION_ID)).toEqual([expect.objectContaining({ value: caseId })]);
      expect((json as { text: string }).text).toContain(`https://ack.example.com/ack/${run}`);
    },
  },
  {
    name: 'slack bot',
    receiver: slackApiReceiver(SLACK_TOKEN, SLACK_CHANNEL),
    config: (origin) => ({ kind: 'slack', mode: 'bot', secretId: 'mdr/slack-bot', channelId: SLACK_CHANNEL, apiBaseUrl: `${origin}/api`, timeoutMs: 400 }),
    secret: () => SLACK_TOKEN,
    badRequest: { status: 200, body: '{"ok":false,"error":"not_in_channel"}' },
    verify: (json) => {
      expect(json).toMatchObject({ channel: SLACK_CHANNEL });
      expect(buttons(json, SLACK_ACK_ACTION_ID)).toHaveLength(1);
    },
  },
  {
    name: 'teams',
    receiver: teamsReceiver(FLOW, FLOW_SIG),
    config: () => ({ kind: 'teams', secretId: 'mdr/teams', timeoutMs: 400 }),
    secret: (origin) => `${origin}/workflows/${FLOW}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${FLOW_SIG}`,
    badRequest: { status: 400, body: '{"error":{"code":"InvalidRequestContent"}}' },
    verify: (json) => {
      const card = cardOf(json);
      expect(card.actions).toContainEqual(expect.objectContaining({ type: 'Action.OpenUrl', url: `https://ack.example.com/ack/${run}` }));
    },
  },
  {
    name: 'webhook',
    receiver: signedWebhookReceiver('/hooks/mdr', ['whsec_old']),
    config: (origin) => ({ kind: 'webhook', url: `${origin}/hooks/mdr`, secretId: 'mdr/hook', timeoutMs: 400 }),
    secret: () => JSON.stringify({ current: HOOK_SECRETS[0], previous: HOOK_SECRETS[1] }),
    badRequest: { status: 422, body: '{"error":"unprocessable"}' },
    verify: (json) => expect(json).toMatchObject({ case: { id: caseId, ackUrl: `https://ack.example.com/ack/${run}` } }),
  },
];

describe.each(cases)('$name channel against a loopback receiver checking its contract', (c) => {
  let origin: string;
  let config: ChannelConfig;
  const secretsRead: string[] = [];
  const ctx: DeliveryContext = {
    secret: async (id) => {
      secretsRead.push(id);
      return c.secret(origin);
    },
  };

  beforeAll(async () => {
    origin = await c.receiver.start();
    config = c.config(origin);
  });
  afterAll(() => c.receiver.stop());

  it('sends a conforming request once and reports it sent', async () => {
    const out = await deliverVia(config, message(), ctx);
    expect(c.receiver.violations).toEqual([]);
    expect(out).toMatchObject({ kind: 'sent' });
    expect(c.receiver.accepted).toHaveLength(1);
    c.verify(c.receiver.accepted[0].json);
    expect(secretsRead).toContain((config as { secretId: string }).secretId);
  });

  it('keeps raw observables out of the request unless includeObservables is set', async () => {
    const before = c.receiver.accepted.length;
    await deliverVia(config, message(), ctx);
    await deliverVia({ ...config, includeObservables: true } as ChannelConfig, message(), ctx);
    const [plain, withObs] = c.receiver.accepted.slice(before);
    expect(plain.raw).not.toContain('198.51.100.7');
    expect(withObs.raw).toContain('198.51.100.7');
  });

  it("rejects on the vendor's bad-request answer", async () => {
    c.receiver.answerNext(c.badRequest);
    const out = await deliverVia(config, message(), ctx);
    expect(out).toMatchObject({ kind: 'rejected' });
  });

  it('retries on 429 honouring Retry-After', async () => {
    c.receiver.answerNext({ status: 429, headers: { 'retry-after': '17' }, body: '{"ok":false,"error":"ratelimited"}' });
    expect(await deliverVia(config, message(), ctx)).toMatchObject({ kind: 'retry', status: 429, retryAfterSeconds: 17 });
  });

  it('retries on 500', async () => {
    c.receiver.answerNext({ status: 500, body: 'oops' });
    expect(await deliverVia(config, message(), ctx)).toMatchObject({ kind: 'retry', status: 500 });
  });

  it('gives up on a receiver that hangs after the per-attempt timeout and retries', async () => {
    c.receiver.answerNext('hang');
    const started = Date.now();
    const out = await deliverVia(config, message(), ctx);
    expect(out).toEqual({ kind: 'retry', reason: 'timed out after 400 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries when the receiver is gone', async () => {
    const gone = { ...config } as ChannelConfig;
    const down: DeliveryContext = { secret: async () => c.secret('http://127.0.0.1:9') };
    if ('url' in gone && gone.url) (gone as { url: string }).url = gone.url.replace(origin, 'http://127.0.0.1:9');
    if ('apiBaseUrl' in gone && gone.apiBaseUrl) (gone as { apiBaseUrl: string }).apiBaseUrl = 'http://127.0.0.1:9/api';
    const out = await deliverVia(gone, message(), down);
    expect(out).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/request failed/) });
  });
});

describe('contract failures the receivers catch', () => {
  it('Slack answers ok:false invalid_auth to a wrong bot token: rejected', async () => {
    const r = slackApiReceiver(SLACK_TOKEN, SLACK_CHANNEL);
    const origin = await r.start();
    try {
      const cfg: ChannelConfig = { kind: 'slack', mode: 'bot', secretId: 'x', channelId: SLACK_CHANNEL, apiBaseUrl: `${origin}/api` };
      expect(await deliverVia(cfg, message(), { secret: async () => 'xoxb-wrong' })).toEqual({ kind: 'rejected', status: 200, reason: 'slack error invalid_auth' });
      expect(await deliverVia({ ...cfg, channelId: 'C0OTHER' }, message(), { secret: async () => SLACK_TOKEN })).toMatchObject({
        kind: 'rejected',
        reason: 'slack error channel_not_found',
      });
    } finally {
      await r.stop();
    }
  });

  it('a webhook receiver refuses signatures from secrets it does not know (401: rejected)', async () => {
    const r = signedWebhookReceiver('/h', ['nobody-has-this']);
    const origin = await r.start();
    try {
      const out = await deliverVia({ kind: 'webhook', url: `${origin}/h`, secretId: 's' }, message(), { secret: async () => '["a","b"]' });
      expect(out).toMatchObject({ kind: 'rejected', status: 401 });
    } finally {
      await r.stop();
    }
  });
});

describe('PagerDuty kept in sync with the case', () => {
  const r = pagerDutyReceiver(ROUTING_KEY);
  let cfg: ChannelConfig;
  beforeAll(async () => {
    cfg = { kind: 'pagerduty', secretId: 'mdr/pd', url: `${await r.start()}/v2/enqueue` };
  });
  afterAll(() => r.stop());

  it('triggers once per case across tiers (one dedup key), then acknowledges and resolves it', async () => {
    const ctx: DeliveryContext = { secret: async () => ROUTING_KEY };
    await deliverVia(cfg, message({ tier: 1 }), ctx);
    await deliverVia(cfg, message({ tier: 2, reason: 'escalated' }), ctx);
    expect(await syncCaseState(cfg, caseId, 'acknowledge', ctx)).toMatchObject({ kind: 'sent', status: 202 });
    expect(await syncCaseState(cfg, caseId, 'resolve', ctx)).toMatchObject({ kind: 'sent', status: 202 });
    expect(r.violations).toEqual([]);
    const events = r.accepted.map((a) => a.json as { event_action: string; dedup_key: string });
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(new Set([`mdr-${caseId}`]));
  });
});

interface MotoData {
  ses?: { Message?: { source: string; destinations: { ToAddresses?: string[] }; subject: string; body: string; id: string }[] };
  sns?: { SMS?: { message_id: string; phone_number: string; message: string }[] };
}

async function motoData(): Promise<MotoData> {
  const res = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/data.json`);
  return (await res.json()) as MotoData;
}

describe('email through SES v2 on moto', () => {
  const ses = new SESv2Client({ maxAttempts: 1 });
  const from = `mdr-${run}@example.com`;
  const ctx: DeliveryContext = { secret: () => Promise.reject(new Error('email needs no secret')), ses };

  beforeAll(async () => {
    // moto, like the SES sandbox, refuses senders that are not verified identities.
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: from }));
  });
  afterAll(() => ses.destroy());

  it('sends from a verified identity to the target, with severity, title, case and ack links', async () => {
    const out = await deliverVia({ kind: 'email', from: `MDR <${from}>`, recipients: { secops: [`oncall-${run}@example.com`] } }, message(), ctx);
    expect(out).toMatchObject({ kind: 'sent', status: 200, providerMessageId: expect.any(String) });
    const sent = (await motoData()).ses?.Message?.find((m) => m.id === (out as { providerMessageId: string }).providerMessageId);
    expect(sent).toMatchObject({ source: `MDR <${from}>`, destinations: { ToAddresses: [`oncall-${run}@example.com`] } });
    expect(sent?.subject).toBe('[HIGH] Console login without MFA for root — new case');
    expect(sent?.body).toContain(`href="https://ack.example.com/ack/${run}"`);
    expect(sent?.body).toContain(`https://soc.example.com/cases/${caseId}`);
    expect(sent?.body).not.toContain('198.51.100.7');
  });

  it('rejects a sender that is not verified (MessageRejected)', async () => {
    const out = await deliverVia({ kind: 'email', from: `stranger-${run}@example.org`, to: ['x@example.com'] }, message(), ctx);
    expect(out).toMatchObject({ kind: 'rejected', status: 400, reason: expect.stringMatching(/MessageRejected/) });
  });
});

describe('SMS through SNS on moto', () => {
  const sns = new SNSClient({ maxAttempts: 1 });
  const ctx: DeliveryContext = { secret: () => Promise.reject(new Error('sms needs no secret')), sns };
  afterAll(() => sns.destroy());

  it('publishes one text per number with severity, title and both links, and no observables', async () => {
    const numbers = ['+15550142001', '+15550142002'];
    const out = await deliverVia({ kind: 'sms', recipients: { secops: numbers }, senderId: 'ACMESOC' }, message(), ctx);
    expect(out).toMatchObject({ kind: 'sent', status: 200 });
    const ids = (out as { providerMessageId: string }).providerMessageId.split(',');
    const texts = (await motoData()).sns?.SMS?.filter((s) => ids.includes(s.message_id)) ?? [];
    expect(texts.map((t) => t.phone_number).sort()).toEqual(numbers);
    expect(texts[0].message).toBe(
      `MDR HIGH: Console login without MFA for root / case: https://soc.example.com/cases/${caseId} / ack: https://ack.example.com/ack/${run}`,
    );
  });

  it('rejects when no number is configured for the target', async () => {
    expect(await deliverVia({ kind: 'sms' }, message({ target: 'nobody' }), ctx)).toMatchObject({ kind: 'rejected', reason: 'no SMS recipient for target "nobody"' });
  });
});
