import {
  buildPagerDutyTrigger,
  buildPagerDutyUpdate,
  classifyPagerDutyResponse,
  PAGERDUTY_ENDPOINTS,
  pagerDutyDedupKey,
  pagerDutySeverity,
} from '../../../../shared/notify/channels/pagerduty';
import type { PagerDutyChannelConfig } from '../../../../shared/notify/channels';
import { message, OBSERVABLES, response } from './fixtures';

const config: PagerDutyChannelConfig = { kind: 'pagerduty', secretId: 'mdr/pagerduty' };
const now = new Date('2026-05-01T10:00:00Z');

describe('PagerDuty Events API v2', () => {
  it('triggers with a per-case dedup key, the current severity and title, and both links', () => {
    const req = buildPagerDutyTrigger(message(), config, 'R0UTINGKEY', now);
    expect(req.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      dedup_key: 'mdr-case-42',
      payload: { severity: 'error', source: 'mdr/acme', timestamp: '2026-05-01T10:00:00.000Z', group: 'acme', class: 'case_opened' },
      links: [
        { href: 'https://soc.example.com/cases/case-42', text: 'Open case' },
        { href: 'https://ack.example.com/a/tok123', text: 'Acknowledge case' },
      ],
    });
    expect(body.payload.summary).toBe('[HIGH] CloudTrail logging stopped by quinn (new case)');
    expect(body.payload.custom_details.ack_url).toBe('https://ack.example.com/a/tok123');
  });

  it('keeps raw observables out unless includeObservables is set', () => {
    const plain = buildPagerDutyTrigger(message({ current: { ...message().current, title: 'Logging stopped' } }), config, 'k', now).body;
    for (const o of OBSERVABLES) expect(plain).not.toContain(o);
    const withObs = JSON.parse(buildPagerDutyTrigger(message(), { ...config, includeObservables: true }, 'k', now).body);
    expect(withObs.payload.custom_details.observables).toEqual({ users: ['quinn'], ips: ['203.0.113.9'], accounts: ['111122223333'] });
  });

  it('uses the EU endpoint by region, or an explicit url', () => {
    expect(buildPagerDutyTrigger(message(), { ...config, region: 'eu' }, 'k', now).url).toBe(PAGERDUTY_ENDPOINTS.eu);
    expect(PAGERDUTY_ENDPOINTS.eu).toBe('https://events.eu.pagerduty.com/v2/enqueue');
    expect(buildPagerDutyTrigger(message(), { ...config, url: 'http://127.0.0.1:9/v2/enqueue' }, 'k', now).url).toBe('http://127.0.0.1:9/v2/enqueue');
    expect(() => buildPagerDutyTrigger(message(), { ...config, url: 'http://pd.example.com/v2/enqueue' }, 'k', now)).toThrow(/https/);
  });

  it('bounds the summary to 1024 characters and the dedup key to 255', () => {
    const long = message({ current: { title: 'x'.repeat(5000) } });
    expect(JSON.parse(buildPagerDutyTrigger(long, config, 'k', now).body).payload.summary).toHaveLength(1024);
    const key = pagerDutyDedupKey('c'.repeat(400));
    expect(key.length).toBeLessThanOrEqual(255);
    expect(pagerDutyDedupKey('c'.repeat(400))).toBe(key);
  });

  it('maps severities onto critical|error|warning|info', () => {
    expect(['critical', 'high', 'medium', 'low', 'informational'].map((s) => pagerDutySeverity(s as never))).toEqual([
      'critical',
      'error',
      'warning',
      'info',
      'info',
    ]);
  });

  it('builds acknowledge and resolve events with the same dedup key and nothing else', () => {
    for (const action of ['acknowledge', 'resolve'] as const) {
      const req = buildPagerDutyUpdate('case-42', action, { ...config, region: 'eu' }, 'k');
      expect(req.url).toBe(PAGERDUTY_ENDPOINTS.eu);
      expect(JSON.parse(req.body)).toEqual({ routing_key: 'k', event_action: action, dedup_key: 'mdr-case-42' });
    }
  });

  it('classifies 202 as sent, 400 as rejected with the errors, 429 and 5xx as retry', () => {
    expect(classifyPagerDutyResponse(response(202, '{"status":"success","message":"Event processed","dedup_key":"mdr-case-42"}'))).toEqual({
      kind: 'sent',
      status: 202,
      providerMessageId: 'mdr-case-42',
    });
    const bad = classifyPagerDutyResponse(response(400, '{"status":"invalid event","message":"Event object is invalid","errors":["Length of \'dedup_key\' is too long"]}'));
    expect(bad).toMatchObject({ kind: 'rejected', status: 400 });
    expect(bad.kind === 'rejected' && bad.reason).toMatch(/invalid event.*dedup_key/);
    expect(classifyPagerDutyResponse(response(429, '', { 'Retry-After': '30' }))).toMatchObject({ kind: 'retry', status: 429, retryAfterSeconds: 30 });
    expect(classifyPagerDutyResponse(response(429))).toMatchObject({ kind: 'retry', status: 429 });
    expect(classifyPagerDutyResponse(response(503, '<html>'))).toMatchObject({ kind: 'retry', status: 503 });
    expect(classifyPagerDutyResponse(response(404))).toMatchObject({ kind: 'rejected', status: 404 });
  });
});
