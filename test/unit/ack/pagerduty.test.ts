import fc from 'fast-check';
import { caseIdFromDedupKey, pagerDutySignature, parsePagerDutyWebhook, verifyPagerDutySignature } from '../../../shared/ack/pagerduty';
import { pagerDutyDedupKey } from '../../../shared/notify/channels/pagerduty';
import { pdBody } from './fixtures';

const SECRET = 'ChangedSecret/DJ1aRv8vJ3Rkvq1xtyVbW2k+BUmxqpMH';
const NEXT = 'rotated-secret-2';

describe('PagerDuty v3 webhook signatures', () => {
  const body = pdBody('incident.acknowledged', 'case-0123456789abcdef0123');

  it('accepts v1= HMAC-SHA256 of the raw body, one of several comma-separated signatures', () => {
    expect(verifyPagerDutySignature(pagerDutySignature([SECRET], body), body, [SECRET])).toEqual({ ok: true });
    const rotating = pagerDutySignature([NEXT, SECRET], body);
    expect(rotating.split(',')).toHaveLength(2);
    expect(verifyPagerDutySignature(rotating, body, [SECRET])).toEqual({ ok: true });
    expect(verifyPagerDutySignature(`v1=${'0'.repeat(64)}, ${pagerDutySignature([SECRET], body)}`, Buffer.from(body), [SECRET])).toEqual({ ok: true });
  });

  it('refuses tampered bodies, other secrets, missing and malformed headers', () => {
    const header = pagerDutySignature([SECRET], body);
    expect(verifyPagerDutySignature(header, body.replace('acknowledged', 'resolved'), [SECRET])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPagerDutySignature(header, `${body} `, [SECRET]).ok).toBe(false);
    expect(verifyPagerDutySignature(pagerDutySignature(['guess'], body), body, [SECRET]).ok).toBe(false);
    expect(verifyPagerDutySignature(undefined, body, [SECRET])).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyPagerDutySignature('v0=abc', body, [SECRET])).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPagerDutySignature('x'.repeat(5000), body, [SECRET])).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPagerDutySignature(header, body, [])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPagerDutySignature(header, body, [''])).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('property: forged signature headers never verify', () => {
    const real = pagerDutySignature([SECRET], body);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9a-f]{64}$/), { minLength: 1, maxLength: 4 }), (hexes) => {
        const header = hexes.map((h) => `v1=${h}`).join(',');
        fc.pre(!header.includes(real.slice(3)));
        expect(verifyPagerDutySignature(header, body, [SECRET]).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (forged) => {
        fc.pre(forged !== body);
        expect(verifyPagerDutySignature(real, forged, [SECRET]).ok).toBe(false);
        expect(verifyPagerDutySignature(forged, body, [SECRET]).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('PagerDuty v3 webhook payload', () => {
  it('maps acknowledged and resolved incidents back to the case through the dedup key', () => {
    expect(parsePagerDutyWebhook(pdBody('incident.acknowledged', 'case-0123456789abcdef0123'))).toEqual({
      ok: true,
      event: {
        webhookId: '01DEN8G4SZSVYF1AZZPNFW7T8P',
        kind: 'acknowledged',
        caseId: 'case-0123456789abcdef0123',
        incidentId: 'PGR0VU2',
        agent: { id: 'PLH1HKV', type: 'user_reference', summary: 'Tenex Engineer' },
        resolution: 'undetermined',
        occurredAt: '2026-11-20T10:00:00.000Z',
      },
    });
    const resolved = parsePagerDutyWebhook(pdBody('incident.resolved', 'case-0123456789abcdef0123'));
    expect(resolved).toMatchObject({ ok: true, event: { kind: 'resolved', resolution: 'undetermined' } });
    const merged = parsePagerDutyWebhook(pdBody('incident.resolved', 'case-0123456789abcdef0123', 'e2', { resolve_reason: { type: 'merge_resolve_reason' } }));
    expect(merged).toMatchObject({ ok: true, event: { resolution: 'duplicate' } });
  });

  it('ignores other event types and incidents MDR did not open, refuses malformed bodies', () => {
    expect(parsePagerDutyWebhook(pdBody('incident.triggered', 'case-1'))).toMatchObject({ ok: true, ignored: expect.any(String) });
    expect(parsePagerDutyWebhook(JSON.stringify({ event: { id: 'p1', event_type: 'pagey.ping' } }))).toMatchObject({ ok: true, ignored: expect.any(String) });
    expect(parsePagerDutyWebhook(pdBody('incident.acknowledged', 'x').replace('mdr-x', 'somebody-else'))).toMatchObject({ ok: true, ignored: expect.any(String) });
    expect(parsePagerDutyWebhook('not json')).toMatchObject({ ok: false });
    expect(parsePagerDutyWebhook('{}')).toMatchObject({ ok: false });
    expect(parsePagerDutyWebhook(JSON.stringify({ event: { event_type: 'incident.acknowledged' } }))).toMatchObject({ ok: false });
  });

  it('reads the case id only from mdr-<caseId> keys', () => {
    expect(caseIdFromDedupKey('mdr-case-0123456789abcdef0123')).toBe('case-0123456789abcdef0123');
    expect(caseIdFromDedupKey(pagerDutyDedupKey('case-abc'))).toBe('case-abc');
    for (const k of ['mdr-', 'mdr-h-0123', 'case-1', 'mdr-case/../x', 42, undefined]) expect(caseIdFromDedupKey(k)).toBeUndefined();
  });
});
