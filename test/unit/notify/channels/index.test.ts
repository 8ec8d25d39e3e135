import {
  CHANNEL_DRIVERS,
  deliverVia,
  MAX_RETRY_DELAY_SECONDS,
  retryDelaySeconds,
  syncCaseState,
  type DeliveryContext,
  type SesSender,
  type SnsSender,
} from '../../../../shared/notify/channels/index';
import { SUPPORTED_CHANNEL_KINDS } from '../../../../shared/notify/channels';
import { sendHttp } from '../../../../shared/notify/http';
import { message } from './fixtures';

function ctx(over: Partial<DeliveryContext> = {}): DeliveryContext {
  return {
    secret: async (id) => ({ 'mdr/pd': 'ROUTING', 'mdr/hook': '["s1","s2"]', 'mdr/slack': 'xoxb-1', 'mdr/teams': 'https://t.example.com/flow?sig=x' })[id] ?? '',
    now: () => new Date('2026-05-01T10:00:00Z'),
    ...over,
  };
}

function fetchAnswering(status: number, body = '', headers: Record<string, string> = {}) {
  return jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(status === 204 ? null : body, { status, headers }));
}

afterEach(() => jest.restoreAllMocks());

describe('deliverVia', () => {
  it('has a driver for every supported kind', () => {
    expect(Object.keys(CHANNEL_DRIVERS).sort()).toEqual([...SUPPORTED_CHANNEL_KINDS].sort());
  });

  it('dispatches HTTP channels through one sender with the secret resolved by id', async () => {
    const f = fetchAnswering(202, '{"status":"success","dedup_key":"mdr-case-42"}');
    const out = await deliverVia({ kind: 'pagerduty', secretId: 'mdr/pd' }, message(), ctx());
    expect(out).toEqual({ kind: 'sent', status: 202, providerMessageId: 'mdr-case-42' });
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(String(init?.body)).routing_key).toBe('ROUTING');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(init?.redirect).toBe('manual');
  });

  it('turns a bad secret or configuration into rejected, never a throw', async () => {
    const out = await deliverVia({ kind: 'teams', secretId: 'missing' }, message(), ctx());
    expect(out).toMatchObject({ kind: 'rejected', status: 0, reason: 'teams secret is empty' });
    const http = await deliverVia({ kind: 'slack', mode: 'webhook', secretId: 'x' }, message(), ctx({ secret: async () => 'http://hooks.example.com/x' }));
    expect(http).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/https/) });
    expect(http.kind === 'rejected' && http.reason).not.toContain('hooks.example.com');
    expect(await deliverVia({ kind: 'email', from: 'a@example.com', to: ['b@example.com'] }, message(), ctx())).toMatchObject({
      kind: 'rejected',
      reason: 'no SES client for email channels',
    });
  });

  it('retries when the secret store is throttled and rejects when the secret does not exist', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const missing = Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(await deliverVia({ kind: 'pagerduty', secretId: 'x' }, message(), ctx({ secret: () => Promise.reject(throttled) }))).toMatchObject({ kind: 'retry' });
    expect(await deliverVia({ kind: 'pagerduty', secretId: 'x' }, message(), ctx({ secret: () => Promise.reject(missing) }))).toMatchObject({
      kind: 'rejected',
    });
  });

  it('signs webhooks with secrets from Secrets Manager or the per-channel lookup', async () => {
    const f = fetchAnswering(204);
    expect(await deliverVia({ kind: 'webhook', url: 'https://h.example.com', secretId: 'mdr/hook' }, message(), ctx())).toEqual({ kind: 'sent', status: 204 });
    expect(String((f.mock.calls[0][1]?.headers as Record<string, string>)['x-mdr-signature']).match(/v1=/g)).toHaveLength(2);
    const lookup = jest.fn(async () => ['legacy']);
    await deliverVia({ kind: 'webhook', url: 'https://h.example.com' }, message(), ctx({ webhookSecrets: lookup }));
    expect(lookup).toHaveBeenCalledWith('oncall');
  });

  it('sends email and SMS through the clients in the context', async () => {
    const ses: SesSender = { send: jest.fn(async () => ({ MessageId: 'ses-1', $metadata: { httpStatusCode: 200 } })) };
    expect(await deliverVia({ kind: 'email', from: 'a@example.com', to: ['b@example.com'] }, message(), ctx({ ses }))).toEqual({
      kind: 'sent',
      status: 200,
      providerMessageId: 'ses-1',
    });
    let n = 0;
    const sns: SnsSender = {
      send: jest.fn(async () => {
        if (++n === 2) throw Object.assign(new Error('slow'), { name: 'ThrottledException', $metadata: { httpStatusCode: 429 } });
        return { MessageId: `sns-${n}`, $metadata: { httpStatusCode: 200 } };
      }),
    };
    const out = await deliverVia({ kind: 'sms', recipients: { secops: ['+15550100001', '+15550100002', '+15550100003'] } }, message(), ctx({ sns }));
    expect(out).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/after 1 of 3 numbers/) });
    expect(sns.send).toHaveBeenCalledTimes(2);
  });

  it('keeps PagerDuty in sync and does nothing for stateless channels', async () => {
    const f = fetchAnswering(202, '{"status":"success"}');
    expect(await syncCaseState({ kind: 'pagerduty', secretId: 'mdr/pd', region: 'eu' }, 'case-42', 'resolve', ctx())).toMatchObject({ kind: 'sent' });
    expect(f.mock.calls[0][0]).toBe('https://events.eu.pagerduty.com/v2/enqueue');
    expect(JSON.parse(String(f.mock.calls[0][1]?.body))).toEqual({ routing_key: 'ROUTING', event_action: 'resolve', dedup_key: 'mdr-case-42' });
    expect(await syncCaseState({ kind: 'teams', secretId: 'mdr/teams' }, 'case-42', 'acknowledge', ctx())).toBeUndefined();
  });
});

describe('sendHttp', () => {
  it('retries network errors and timeouts with a reason that names neither body nor secret', async () => {
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(await sendHttp({ url: 'https://x.example.com/?sig=SECRET', headers: {}, body: 'B', timeoutMs: 5 })).toEqual({
      kind: 'retry',
      reason: 'request failed: TypeError: ECONNREFUSED',
    });
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(await sendHttp({ url: 'https://x.example.com', headers: {}, body: 'B', timeoutMs: 5 })).toEqual({ kind: 'retry', reason: 'timed out after 5 ms' });
  });

  it('honours Retry-After as seconds or an HTTP date', async () => {
    fetchAnswering(429, '', { 'retry-after': '42' });
    expect(await sendHttp({ url: 'https://x.example.com', headers: {}, body: '', timeoutMs: 1000 })).toMatchObject({ retryAfterSeconds: 42 });
    jest.restoreAllMocks();
    fetchAnswering(503, '', { 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
    const out = await sendHttp({ url: 'https://x.example.com', headers: {}, body: '', timeoutMs: 1000 });
    expect(out.kind === 'retry' && out.retryAfterSeconds).toBeGreaterThanOrEqual(58);
  });
});

describe('retryDelaySeconds', () => {
  it('grows exponentially with full jitter and stays within bounds', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelaySeconds(a, undefined, () => 0.999999))).toEqual([2, 4, 8, 16, 32]);
    expect(retryDelaySeconds(3, undefined, () => 0)).toBe(1);
    expect(retryDelaySeconds(50, undefined, () => 0.999999)).toBe(MAX_RETRY_DELAY_SECONDS);
    for (let a = 1; a < 40; a++) {
      const d = retryDelaySeconds(a);
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(900);
      expect(Number.isInteger(d)).toBe(true);
    }
  });

  it('waits at least Retry-After, capped at the maximum', () => {
    expect(retryDelaySeconds(1, 30, () => 0.5)).toBe(30);
    expect(retryDelaySeconds(10, 3, () => 0.5)).toBe(450);
    expect(retryDelaySeconds(1, 86_400, () => 0.5)).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds(0, undefined, () => 1)).toBe(2);
  });
});
