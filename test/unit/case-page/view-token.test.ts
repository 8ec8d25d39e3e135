import { createHmac } from 'node:crypto';
import { issueAckToken, verifyAckToken } from '../../../shared/ack/link-token';
import { caseViewUrl, DEFAULT_VIEW_LINK_TTL_MS, issueViewToken, verifyViewToken } from '../../../shared/ack/view-token';

const SECRET = 'current-link-secret-0123456789abcdef';
const OLD = 'previous-link-secret-fedcba9876543210';
const now = new Date('2026-11-20T10:00:00.000Z');
const later = new Date(now.getTime() + DEFAULT_VIEW_LINK_TTL_MS);
const input = { caseId: 'case-0123456789abcdef0123', viewer: 'oncall-primary', expiresAt: later };

/** Signs any payload the way the issuer does, to show what the verifier accepts after the MAC. */
function signed(wire: unknown, secret = SECRET): string {
  const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
  const mac = createHmac('sha256', secret).update('mdr-case-view.v1.').update(payload).digest('base64url');
  return `view1.${payload}.${mac}`;
}

describe('case view tokens', () => {
  it('round-trips caseId, viewer, role and expiry, and is URL-safe', () => {
    const token = issueViewToken(input, SECRET);
    expect(token).toMatch(/^view1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyViewToken(token, [SECRET], now)).toEqual({
      ok: true,
      payload: { caseId: input.caseId, viewer: 'oncall-primary', role: 'customer', expiresAt: Math.floor(later.getTime() / 1000) },
    });
    expect(caseViewUrl('https://cases.example.com/', input.caseId, token)).toBe(`https://cases.example.com/view/${input.caseId}?t=${token}`);
  });

  it('lasts seven days by default and can be used again and again until then', () => {
    expect(DEFAULT_VIEW_LINK_TTL_MS).toBe(7 * 86_400_000);
    const token = issueViewToken(input, SECRET);
    for (let i = 0; i < 3; i++) expect(verifyViewToken(token, [SECRET], now).ok).toBe(true);
    expect(verifyViewToken(token, [SECRET], new Date(later.getTime() - 1000)).ok).toBe(true);
    expect(verifyViewToken(token, [SECRET], later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps verifying with the previous secret through a rotation', () => {
    const token = issueViewToken(input, OLD);
    expect(verifyViewToken(token, [SECRET, OLD], now).ok).toBe(true);
    expect(verifyViewToken(token, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyViewToken(token, [], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a payload swapped for another case or viewer', () => {
    const [v, , sig] = issueViewToken(input, SECRET).split('.');
    const other = Buffer.from(JSON.stringify({ c: 'case-ffffffffffffffffffff', v: 'oncall-primary', o: 'customer', e: 4102444800 })).toString('base64url');
    expect(verifyViewToken(`${v}.${other}.${sig}`, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('is never confused with an ack link, though both share the secret', () => {
    const ack = issueAckToken({ caseId: input.caseId, notificationId: 'n-1', expiresAt: later }, SECRET);
    expect(verifyViewToken(ack, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    // Same payload bytes under the other prefix: the MAC context differs, so the signature does not carry over.
    expect(verifyViewToken(`view1.${ack.split('.').slice(1).join('.')}`, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
    const view = issueViewToken(input, SECRET);
    expect(verifyAckToken(view, [SECRET], now).ok).toBe(false);
    expect(verifyAckToken(`v1.${view.split('.').slice(1).join('.')}`, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses junk, oversized and non-canonical tokens as malformed', () => {
    const token = issueViewToken(input, SECRET);
    for (const bad of ['', 'view1', 'view1..', `${token}x`, `view1.${'A'.repeat(2000)}.${token.split('.')[2]}`, token.replace('view1.', 'view2.')]) {
      expect(verifyViewToken(bad, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    }
    // The last signature character changed in its unused low bits only decodes to the same bytes.
    const sig = token.split('.')[2];
    const last = sig[sig.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1];
    expect(verifyViewToken(token.slice(0, -1) + twin, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed payload with an unknown role or bad ids (defence in depth)', () => {
    const e = 4102444800;
    expect(verifyViewToken(signed({ c: input.caseId, v: 'x', o: 'customer', e }), [SECRET], now).ok).toBe(true);
    expect(verifyViewToken(signed({ c: input.caseId, v: 'x', o: 'provider', e }), [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyViewToken(signed({ c: '../etc', v: 'x', o: 'customer', e }), [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyViewToken(signed({ c: input.caseId, v: 'a b', o: 'customer', e }), [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyViewToken(signed({ c: input.caseId, v: 'x', o: 'customer', e: '4102444800' }), [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyViewToken(signed([1, 2]), [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('will not issue a token for ids that cannot round-trip, or without a secret', () => {
    expect(() => issueViewToken({ ...input, caseId: 'case/../x' }, SECRET)).toThrow(/caseId/);
    expect(() => issueViewToken({ ...input, viewer: '+1 555 0100' }, SECRET)).toThrow(/viewer/);
    expect(() => issueViewToken({ ...input, role: 'provider' as never }, SECRET)).toThrow(/role/);
    expect(() => issueViewToken({ ...input, expiresAt: Number.NaN }, SECRET)).toThrow(/expiresAt/);
    expect(() => issueViewToken(input, '')).toThrow(/secret/);
  });
});
