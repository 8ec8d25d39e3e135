/**
 * Fuzz: webhook signature verification (shared/notify/signature.ts), what a
 * receiver of our notifications runs. Only the genuine header for the exact
 * body, within the tolerance, with a secret the receiver holds, passes;
 * forged, mutated, replayed-late and arbitrary headers are refused, and
 * nothing makes verification throw.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import { SIGNATURE_TOLERANCE_SECONDS, signatureHeader, verifySignature } from '../../../shared/notify/signature';
import { caseCounter, runs } from './support';

const counter = caseCounter();
const hit = counter.hit;
afterAll(() => {
  const total = counter.total();
  console.log(`fuzz signature: ${total} cases tried (${counter.summary()})`);
});

const arbSecret = fc.string({ minLength: 1, maxLength: 64 });
const arbBody = fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)));
const arbTime = fc.integer({ min: 1_600_000_000, max: 2_000_000_000 });
/** "now" at the receiver, within the tolerance of t. */
const arbSkew = fc.integer({ min: -SIGNATURE_TOLERANCE_SECONDS, max: SIGNATURE_TOLERANCE_SECONDS });

const v1Of = (h: string) => h.split(',').filter((p) => p.startsWith('v1='));

describe('fuzz: webhook signature verification', () => {
  it('the genuine header passes, with one secret and during a rotation', () => {
    fc.assert(
      fc.property(arbSecret, arbSecret, arbBody, arbTime, arbSkew, fc.boolean(), (s1, s2, body, t, skew, rotating) => {
        hit('genuine');
        const header = signatureHeader(rotating ? [s1, s2] : [s1], t, body);
        expect(verifySignature(header, body, [s1], t + skew)).toBe(true);
        if (rotating) expect(verifySignature(header, body, [s2], t + skew)).toBe(true);
      }),
      runs(500),
    );
  });

  it('a changed signature, timestamp, body or secret is refused', () => {
    fc.assert(
      fc.property(arbSecret, arbBody, arbTime, arbSkew, fc.nat(), fc.constantFrom('sig', 't', 'body', 'secret'), fc.string({ minLength: 1, maxLength: 8 }), (secret, body, t, skew, k, what, junk) => {
        hit(`forged:${what}`);
        const header = signatureHeader([secret], t, body);
        let h = header;
        let b = body;
        let secrets = [secret];
        let now = t + skew;
        if (what === 'sig') {
          const [v1] = v1Of(header);
          const hex = v1.slice(3);
          const i = k % hex.length;
          const flipped = hex.slice(0, i) + ((parseInt(hex[i], 16) + 1 + (k % 15)) % 16).toString(16) + hex.slice(i + 1);
          h = header.replace(v1, `v1=${flipped}`);
        } else if (what === 't') {
          const t2 = t + 1 + (k % 200);
          h = header.replace(`t=${t}`, `t=${t2}`);
          now = t2;
        } else if (what === 'body') b = `${body}${junk}`;
        else secrets = [`${secret}${junk}`];
        expect(verifySignature(h, b, secrets, now)).toBe(false);
      }),
      runs(1000),
    );
  });

  it('a genuine header outside the tolerance (replayed late, or from the future) is refused', () => {
    fc.assert(
      fc.property(arbSecret, arbBody, arbTime, fc.integer({ min: SIGNATURE_TOLERANCE_SECONDS + 1, max: 10 * 365 * 86400 }), fc.boolean(), (secret, body, t, age, future) => {
        hit('expired');
        const header = signatureHeader([secret], t, body);
        expect(verifySignature(header, body, [secret], future ? t - age : t + age)).toBe(false);
      }),
      runs(500),
    );
  });

  it('truncated, reordered-with-junk and arbitrary headers never pass and never throw', () => {
    fc.assert(
      fc.property(
        arbSecret,
        arbBody,
        arbTime,
        fc.oneof(
          fc.nat().map((k) => ({ kind: 'truncated', k })),
          fc.string({ maxLength: 120 }).map((s) => ({ kind: 'arbitrary', s })),
          fc.array(fc.constantFrom('t=', 'v1=', 'v0=', ',', '=', ' ', 'T=', 'V1=', '0', 'f', 'F', 'g', '-1', '1e3'), { maxLength: 80 }).map((xs) => ({ kind: 'tokens', s: xs.join('') })),
          fc.constant({ kind: 'uppercase' }),
          fc.constant({ kind: 'no-t' }),
          fc.constant({ kind: 'empty' }),
        ),
        (secret, body, t, m) => {
          hit(`header:${m.kind}`);
          const genuine = signatureHeader([secret], t, body);
          let h: string | undefined;
          if (m.kind === 'truncated') h = genuine.slice(0, (m as { k: number }).k % genuine.length);
          else if (m.kind === 'uppercase') h = genuine.toUpperCase();
          else if (m.kind === 'no-t') h = v1Of(genuine).join(',');
          else if (m.kind === 'empty') h = undefined;
          else h = (m as { s: string }).s;
          expect(verifySignature(h, body, [secret], t)).toBe(false);
        },
      ),
      runs(1000),
    );
  });
});
