import fc from 'fast-check';
import { ackLinkCommandId, ackLinkUrl, issueAckToken, verifyAckToken } from '../../../shared/ack/link-token';

const SECRET = 'current-link-secret-0123456789abcdef';
const OLD = 'previous-link-secret-fedcba9876543210';
const now = new Date('2026-11-20T10:00:00.000Z');
const later = new Date(now.getTime() + 3_600_000);
const input = { caseId: 'case-0123456789abcdef0123', notificationId: 'n-abc123', expiresAt: later };

/** Replaces the character at i with a different base64url character. */
function flip(token: string, i: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const c = token[i];
  const next = alphabet[(alphabet.indexOf(c) + 1) % alphabet.length];
  return token.slice(0, i) + next + token.slice(i + 1);
}

describe('ack link tokens', () => {
  it('round-trips: issued with a secret, verified with it, URL-safe', () => {
    const token = issueAckToken({ ...input, target: 'oncall-primary' }, SECRET);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    const v = verifyAckToken(token, [SECRET], now);
    expect(v).toEqual({
      ok: true,
      payload: { caseId: input.caseId, notificationId: 'n-abc123', expiresAt: Math.floor(later.getTime() / 1000), nonce: expect.any(String), target: 'oncall-primary' },
    });
    expect(ackLinkUrl('https://ack.example.com/', token)).toBe(`https://ack.example.com/ack/${token}`);
  });

  it('gives each link its own nonce, so each is used once on its own', () => {
    const a = verifyAckToken(issueAckToken(input, SECRET), [SECRET], now);
    const b = verifyAckToken(issueAckToken(input, SECRET), [SECRET], now);
    if (!a.ok || !b.ok) throw new Error('not verified');
    expect(a.payload.nonce).not.toBe(b.payload.nonce);
    expect(ackLinkCommandId(a.payload)).not.toBe(ackLinkCommandId(b.payload));
    expect(ackLinkCommandId(a.payload)).toBe(ackLinkCommandId({ nonce: a.payload.nonce }));
  });

  it('keeps verifying links signed with the previous secret through a rotation', () => {
    const token = issueAckToken(input, OLD);
    expect(verifyAckToken(token, [SECRET, OLD], now).ok).toBe(true);
    expect(verifyAckToken(token, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired link (at the second it expires)', () => {
    const token = issueAckToken(input, SECRET);
    expect(verifyAckToken(token, [SECRET], new Date(later.getTime() + 1)).ok).toBe(false);
    expect(verifyAckToken(token, [SECRET], later)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAckToken(token, [SECRET], new Date(later.getTime() - 1000)).ok).toBe(true);
  });

  it('refuses a token whose payload was swapped for another case', () => {
    const token = issueAckToken(input, SECRET);
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'case-ffffffffffffffffffff', n: 'n-abc123', e: 4102444800, r: 'AAAAAAAAAAAAAAAAAAAAAA' })).toString('base64url');
    expect(verifyAckToken(`${v}.${forged}.${sig}`, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an extended expiry re-signed with a guessed secret', () => {
    const token = issueAckToken({ ...input, expiresAt: new Date(now.getTime() - 1000) }, 'not-the-secret');
    expect(verifyAckToken(token, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses malformed tokens and never throws', () => {
    for (const t of ['', 'v1', 'v1..', 'v2.abc.def', 'v1.abc', `v1.${'A'.repeat(2000)}.${'A'.repeat(43)}`, 'v1.%%%.xyz', 'v1.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const v = verifyAckToken(t, [SECRET], now);
      expect(v.ok).toBe(false);
    }
    // Signed but not a payload we issue: a well-formed MAC over garbage is still refused.
    const garbage = Buffer.from('[1,2,3]').toString('base64url');
    const mac = issueAckToken(input, SECRET).split('.')[2];
    expect(verifyAckToken(`v1.${garbage}.${mac}`, [SECRET], now).ok).toBe(false);
  });

  it('never verifies with an empty secret list or an empty secret', () => {
    const token = issueAckToken(input, SECRET);
    expect(verifyAckToken(token, [], now).ok).toBe(false);
    expect(verifyAckToken(token, [''], now).ok).toBe(false);
    expect(() => issueAckToken(input, '')).toThrow();
  });

  it('refuses ids that cannot go in a link', () => {
    expect(() => issueAckToken({ ...input, caseId: 'case/../x' }, SECRET)).toThrow();
    expect(() => issueAckToken({ ...input, notificationId: '' }, SECRET)).toThrow();
    expect(() => issueAckToken({ ...input, target: '+1 555 0100' }, SECRET)).toThrow();
  });

  it('property: every single-character change to a token is refused', () => {
    const token = issueAckToken(input, SECRET);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: token.length - 1 }), (i) => {
        if (token[i] === '.') return;
        expect(verifyAckToken(flip(token, i), [SECRET], now).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random strings and random tokens under other secrets never verify', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(verifyAckToken(s, [SECRET], now).ok).toBe(false);
        expect(verifyAckToken(`v1.${s}`, [SECRET], now).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/), (secret, caseId) => {
        fc.pre(secret !== SECRET);
        const t = issueAckToken({ ...input, caseId }, secret);
        expect(verifyAckToken(t, [SECRET, OLD], now)).toEqual({ ok: false, reason: 'bad_signature' });
      }),
      { numRuns: 300 },
    );
  });
});
