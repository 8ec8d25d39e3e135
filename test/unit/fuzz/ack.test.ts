/**
 * Fuzz: every credential that acknowledges a case or opens its page without
 * IAM — ack link tokens, case view tokens, Slack v0 signatures, PagerDuty v3
 * webhook signatures. Genuine ones pass; forged, mutated, cross-used,
 * expired and arbitrary ones are refused; nothing makes a verifier throw.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import { issueAckToken, verifyAckToken } from '../../../shared/ack/link-token';
import { pagerDutySignature, verifyPagerDutySignature } from '../../../shared/ack/pagerduty';
import { slackSignature, verifySlackRequest } from '../../../shared/ack/slack';
import { issueViewToken, verifyViewToken } from '../../../shared/ack/view-token';
import { caseCounter, runs } from './support';

const counter = caseCounter();
const hit = counter.hit;
afterAll(() => {
  console.log(`fuzz ack: ${counter.total()} cases tried (${counter.summary()})`);
});

const NOW = new Date('2026-11-25T10:00:00Z');
const arbSecret = fc.string({ minLength: 1, maxLength: 48 });
const arbCaseId = fc.stringMatching(/^case-[0-9a-f]{20}$/);
const arbId = fc.stringMatching(/^[A-Za-z0-9_.:@+-]{1,40}$/);
const arbFuture = fc.integer({ min: 60_000, max: 30 * 86_400_000 }).map((ms) => new Date(NOW.getTime() + ms));
const arbBody = fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)));

/** One character of the token replaced by another of its alphabet: any change must break it. */
function mutate(token: string, at: number, by: string): string | undefined {
  const i = at % token.length;
  if (token[i] === by || token[i] === '.' || by === '.') return undefined;
  return token.slice(0, i) + by + token.slice(i + 1);
}
const arbAlphabetChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

describe('fuzz: ack links and case view links', () => {
  it('a genuine token passes with its secret, also during a rotation', () => {
    fc.assert(
      fc.property(arbSecret, arbSecret, arbCaseId, arbId, arbFuture, (s1, s2, caseId, id, expiresAt) => {
        hit('genuine');
        const ack = issueAckToken({ caseId, notificationId: id, expiresAt }, s1);
        expect(verifyAckToken(ack, [s2, s1], NOW)).toMatchObject({ ok: true, payload: { caseId, notificationId: id } });
        const view = issueViewToken({ caseId, viewer: id, expiresAt }, s1);
        expect(verifyViewToken(view, [s2, s1], NOW)).toMatchObject({ ok: true, payload: { caseId, viewer: id, role: 'customer' } });
      }),
      runs(300),
    );
  });

  it('any one-character change, another secret, or an expiry refuses it', () => {
    fc.assert(
      fc.property(arbSecret, arbSecret, arbCaseId, arbId, arbFuture, fc.nat(), arbAlphabetChar, (s1, s2, caseId, id, expiresAt, at, by) => {
        fc.pre(s1 !== s2);
        const ack = issueAckToken({ caseId, notificationId: id, expiresAt }, s1);
        const view = issueViewToken({ caseId, viewer: id, expiresAt }, s1);
        for (const [token, verify] of [
          [ack, verifyAckToken],
          [view, verifyViewToken],
        ] as const) {
          hit('forged:secret');
          expect(verify(token, [s2], NOW).ok).toBe(false);
          hit('expired');
          expect(verify(token, [s1], new Date(expiresAt.getTime() + 1000)).ok).toBe(false);
          const changed = mutate(token, at, by);
          if (changed) {
            hit('forged:mutated');
            expect(verify(changed, [s1], NOW).ok).toBe(false);
          }
        }
      }),
      runs(400),
    );
  });

  it('an ack token never opens a case page and a view token never acknowledges', () => {
    fc.assert(
      fc.property(arbSecret, arbCaseId, arbId, arbFuture, (s, caseId, id, expiresAt) => {
        hit('cross-use');
        expect(verifyViewToken(issueAckToken({ caseId, notificationId: id, expiresAt }, s), [s], NOW).ok).toBe(false);
        expect(verifyAckToken(issueViewToken({ caseId, viewer: id, expiresAt }, s), [s], NOW).ok).toBe(false);
        // Same payload bytes under the other version prefix: the MAC context differs, so still refused.
        const view = issueViewToken({ caseId, viewer: id, expiresAt }, s);
        expect(verifyAckToken(view.replace(/^view1\./, 'v1.'), [s], NOW).ok).toBe(false);
      }),
      runs(200),
    );
  });

  it('arbitrary strings are refused without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 2000 }), fc.stringMatching(/^(v1|view1)\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,60}$/)), arbSecret, (token, s) => {
        hit('arbitrary');
        expect(verifyAckToken(token, [s], NOW).ok).toBe(false);
        expect(verifyViewToken(token, [s], NOW).ok).toBe(false);
      }),
      runs(500),
    );
  });
});

describe('fuzz: Slack and PagerDuty request signatures', () => {
  it('Slack: only the genuine v0 signature of the exact body, within five minutes, passes', () => {
    fc.assert(
      fc.property(arbSecret, arbSecret, arbBody, fc.integer({ min: -299, max: 299 }), fc.string({ maxLength: 5 }), (s, other, body, skew, extra) => {
        const ts = Math.floor(NOW.getTime() / 1000) + skew;
        const signature = slackSignature(s, ts, body);
        hit('slack:genuine');
        expect(verifySlackRequest({ signature, timestamp: String(ts) }, body, [s], NOW).ok).toBe(true);
        if (other !== s) {
          hit('slack:forged:secret');
          expect(verifySlackRequest({ signature: slackSignature(other, ts, body), timestamp: String(ts) }, body, [s], NOW).ok).toBe(false);
        }
        if (extra) {
          hit('slack:forged:body');
          expect(verifySlackRequest({ signature, timestamp: String(ts) }, body + extra, [s], NOW).ok).toBe(false);
        }
        hit('slack:stale');
        expect(verifySlackRequest({ signature: slackSignature(s, ts - 600, body), timestamp: String(ts - 600) }, body, [s], NOW).ok).toBe(false);
      }),
      runs(300),
    );
  });

  it('PagerDuty: only a v1 signature of the exact body under a held secret passes', () => {
    fc.assert(
      fc.property(arbSecret, arbSecret, arbBody, fc.string({ minLength: 1, maxLength: 5 }), (s, other, body, extra) => {
        hit('pagerduty:genuine');
        expect(verifyPagerDutySignature(pagerDutySignature([other, s], body), body, [s]).ok).toBe(true);
        hit('pagerduty:forged:body');
        expect(verifyPagerDutySignature(pagerDutySignature([s], body), body + extra, [s]).ok).toBe(false);
        if (other !== s) {
          hit('pagerduty:forged:secret');
          expect(verifyPagerDutySignature(pagerDutySignature([other], body), body, [s]).ok).toBe(false);
        }
      }),
      runs(300),
    );
  });

  it('arbitrary headers are refused without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20 }), arbBody, arbSecret, (header, ts, body, s) => {
        hit('headers:arbitrary');
        expect(verifySlackRequest({ signature: header, timestamp: ts }, body, [s], NOW).ok).toBe(false);
        expect(verifyPagerDutySignature(header, body, [s]).ok).toBe(false);
      }),
      runs(500),
    );
  });
});
