import type { SignedWebhookChannelConfig } from '../../../../shared/notify/channels';
import { buildWebhookRequest, classifyWebhookResponse, parseSigningSecrets } from '../../../../shared/notify/channels/webhook';
import { verifySignature } from '../../../../shared/notify/signature';
import { DELIVERY_HEADER, SIGNATURE_HEADER, webhookBody, webhookRequest } from '../../../../shared/notify/webhook';
import { message, notification, OBSERVABLES, response } from './fixtures';

const config: SignedWebhookChannelConfig = { kind: 'webhook', url: 'https://hooks.example.com/mdr', secretId: 'mdr/hook' };
const t = 1_795_000_000;

describe('generic webhook', () => {
  it('signs the body for every active secret and sends the delivery id', () => {
    const req = buildWebhookRequest(message(), config, ['new', 'old'], t);
    expect(req.headers[DELIVERY_HEADER]).toBe(notification.notificationId);
    expect(verifySignature(req.headers[SIGNATURE_HEADER], req.body, ['old'], t)).toBe(true);
    expect(verifySignature(req.headers[SIGNATURE_HEADER], req.body, ['new'], t)).toBe(true);
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      type: 'mdr.notification',
      version: '1.1',
      case: { title: 'CloudTrail logging stopped by quinn', severity: 'high', url: 'https://soc.example.com/cases/case-42', ackUrl: 'https://ack.example.com/a/tok123' },
    });
    expect(body.observables).toBeUndefined();
  });

  it('adds observables only when configured', () => {
    const m = message({ current: { ...message().current, title: 'Logging stopped' } });
    const plain = buildWebhookRequest(m, config, ['s'], t).body;
    for (const o of OBSERVABLES) expect(plain).not.toContain(o);
    expect(JSON.parse(buildWebhookRequest(m, { ...config, includeObservables: true }, ['s'], t).body).observables.users).toEqual(['quinn']);
  });

  it('reads signing secrets as a string, a list or current/previous', () => {
    expect(parseSigningSecrets(' one ')).toEqual(['one']);
    expect(parseSigningSecrets('["a","b"]')).toEqual(['a', 'b']);
    expect(parseSigningSecrets('{"current":"a","previous":"b"}')).toEqual(['a', 'b']);
    expect(() => parseSigningSecrets('[]')).toThrow(/no secrets/);
    expect(() => parseSigningSecrets('{nope')).toThrow(/JSON/);
  });

  it('keeps the foundation builder working for webhook channels only', () => {
    const req = webhookRequest(notification, { kind: 'webhook', url: 'https://h.example.com' }, ['s'], 'https://soc.example.com/cases', t);
    expect(req.body).toBe(webhookBody(notification, 'https://soc.example.com/cases'));
    expect(JSON.parse(req.body).version).toBe('1.0');
    expect(() => webhookRequest(notification, { kind: 'teams', secretId: 'x' }, ['s'], 'https://x', t)).toThrow(/deliverVia/);
  });

  it('classifies by status', () => {
    expect(classifyWebhookResponse(response(204))).toEqual({ kind: 'sent', status: 204 });
    expect(classifyWebhookResponse(response(408))).toMatchObject({ kind: 'retry' });
    expect(classifyWebhookResponse(response(410, 'gone'))).toMatchObject({ kind: 'rejected', reason: 'HTTP 410: gone' });
  });
});
