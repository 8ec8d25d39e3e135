import { verifyViewToken } from '../../../shared/ack/view-token';
import { buildSlackRequest } from '../../../shared/notify/channels/slack';
import { buildWebhookRequest } from '../../../shared/notify/channels/webhook';
import { plainText, viewOf } from '../../../shared/notify/channels/message';
import { notificationViewUrl } from '../../../shared/notify/notify-service';
import { message, notification } from './channels/fixtures';

const SECRET = 'k'.repeat(64);
const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
const NOW = new Date('2026-11-20T10:00:00.000Z');

describe('the case link in notifications', () => {
  it('is a view link to the case page, issued to the notification target, that verifies for that case only', () => {
    const url = notificationViewUrl(API, SECRET, notification, NOW) as string;
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/view/case-42');
    const token = u.searchParams.get('t') as string;
    const v = verifyViewToken(token, [SECRET], NOW);
    expect(v).toEqual({ ok: true, payload: { caseId: 'case-42', viewer: 'secops', role: 'customer', expiresAt: expect.any(Number) } });
    // Valid for the default week, not forever.
    expect(verifyViewToken(token, [SECRET], new Date(NOW.getTime() + 8 * 86_400_000))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyViewToken(token, ['another-secret'], NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is not issued for a target that cannot name a viewer (the plain case link is used)', () => {
    expect(notificationViewUrl(API, SECRET, { ...notification, target: 'on call/primary' }, NOW)).toBeUndefined();
  });

  it('replaces the plain case link in every rendering when given, and falls back to <caseLinkBase>/<caseId>', () => {
    const url = notificationViewUrl(API, SECRET, notification, NOW) as string;
    expect(viewOf(message()).caseUrl).toBe('https://soc.example.com/cases/case-42');
    const m = message({ caseUrl: url });
    expect(viewOf(m).caseUrl).toBe(url);
    expect(plainText(viewOf(m))).toContain(`Open:     ${url}`);
    expect(JSON.parse(buildWebhookRequest(m, { kind: 'webhook', url: 'https://hooks.example.com/mdr', secretId: 's' }, ['s'], 1_795_000_000).body).case.url).toBe(url);
    expect(buildSlackRequest(m, { kind: 'slack', webhookSecretId: 'slack' } as never, 'https://hooks.slack.com/services/T/B/x').body).toContain(url);
  });
});
