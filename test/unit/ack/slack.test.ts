import fc from 'fast-check';
import { slackBody } from './fixtures';
import { isSlackResponseUrl, parseSlackAckAction, slackAckMessage, slackSignature, verifySlackRequest } from '../../../shared/ack/slack';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const now = new Date('2026-11-20T10:00:00.000Z');
const ts = String(Math.floor(now.getTime() / 1000));

describe('Slack request signing (v0)', () => {
  const body = slackBody('case-0123456789abcdef0123');
  const signature = slackSignature(SECRET, ts, body);

  it('accepts a correctly signed request inside the window', () => {
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verifySlackRequest({ signature, timestamp: ts }, body, [SECRET], now)).toEqual({ ok: true });
    expect(verifySlackRequest({ signature, timestamp: ts }, Buffer.from(body), ['other', SECRET], now)).toEqual({ ok: true });
  });

  it('matches the documented construction: v0= + hex HMAC-SHA256 of v0:ts:body', () => {
    // Worked example in Slack's docs (secret, timestamp and body from "Verifying requests from Slack").
    const docBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', '1531420618', docBody)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('refuses a request older or newer than five minutes (replay)', () => {
    for (const skew of [-301, 301, -86400]) {
      const t = String(Number(ts) + skew);
      expect(verifySlackRequest({ signature: slackSignature(SECRET, t, body), timestamp: t }, body, [SECRET], now)).toEqual({ ok: false, reason: 'stale' });
    }
    const edge = String(Number(ts) - 300);
    expect(verifySlackRequest({ signature: slackSignature(SECRET, edge, body), timestamp: edge }, body, [SECRET], now).ok).toBe(true);
  });

  it('refuses a tampered body, a moved timestamp, a wrong secret, missing or malformed headers', () => {
    expect(verifySlackRequest({ signature, timestamp: ts }, body.replace('0123', '9999'), [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
    const moved = String(Number(ts) - 10);
    expect(verifySlackRequest({ signature, timestamp: moved }, body, [SECRET], now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySlackRequest({ signature: slackSignature('guess', ts, body), timestamp: ts }, body, [SECRET], now).ok).toBe(false);
    expect(verifySlackRequest({ timestamp: ts }, body, [SECRET], now)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifySlackRequest({ signature }, body, [SECRET], now)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifySlackRequest({ signature: 'v1=abc', timestamp: ts }, body, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySlackRequest({ signature: signature.toUpperCase(), timestamp: ts }, body, [SECRET], now).ok).toBe(false);
    expect(verifySlackRequest({ signature, timestamp: `${ts}.5` }, body, [SECRET], now).ok).toBe(false);
    expect(verifySlackRequest({ signature, timestamp: ts }, body, [], now).ok).toBe(false);
    expect(verifySlackRequest({ signature, timestamp: ts }, body, [''], now).ok).toBe(false);
  });

  it('property: forged signatures and forged bodies never verify', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ maxLength: 500 }), (hex, forgedBody) => {
        fc.pre(`v0=${hex}` !== signature);
        expect(verifySlackRequest({ signature: `v0=${hex}`, timestamp: ts }, body, [SECRET], now).ok).toBe(false);
        fc.pre(forgedBody !== body);
        expect(verifySlackRequest({ signature, timestamp: ts }, forgedBody, [SECRET], now).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (sig, t) => {
        expect(verifySlackRequest({ signature: sig, timestamp: t }, body, [SECRET], now).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Slack interactive payload', () => {
  it('parses the Acknowledge click into case, user and interaction', () => {
    const r = parseSlackAckAction(slackBody('case-0123456789abcdef0123'));
    expect(r).toEqual({
      ok: true,
      action: {
        caseId: 'case-0123456789abcdef0123',
        userId: 'U024BE7LH',
        userName: 'alice',
        teamId: 'T0001',
        interactionId: '13345224609.738474920.8088930838d88f008e0',
        responseUrl: 'https://hooks.slack.com/actions/T0001/1234/abcd',
        messageBlocks: expect.any(Array),
      },
    });
  });

  it('says why a payload is not an Acknowledge click', () => {
    expect(parseSlackAckAction('')).toMatchObject({ ok: false });
    expect(parseSlackAckAction('payload=not-json')).toMatchObject({ ok: false });
    expect(parseSlackAckAction(slackBody('case-1', { type: 'view_submission' }))).toMatchObject({ ok: false });
    expect(parseSlackAckAction(slackBody('case-1', { actions: [{ action_id: 'mdr_open', value: 'x' }] }))).toMatchObject({ ok: false });
    expect(parseSlackAckAction(slackBody('../../etc'))).toMatchObject({ ok: false });
    expect(parseSlackAckAction(slackBody('case-1', { user: { id: 'not a user' } }))).toMatchObject({ ok: false });
  });

  it('only calls back Slack’s own response URLs', () => {
    expect(isSlackResponseUrl('https://hooks.slack.com/actions/T/1/x')).toBe(true);
    for (const u of ['http://hooks.slack.com/a', 'https://hooks.slack.com.evil.test/a', 'https://169.254.169.254/latest', 'https://hooks.slack.com:8443/a', 'nonsense']) {
      expect(isSlackResponseUrl(u)).toBe(false);
    }
  });

  it('replaces the buttons with who acknowledged', () => {
    const m = slackAckMessage('Acknowledged by <@U1>', [{ type: 'header' }, { type: 'actions' }]);
    expect(m).toMatchObject({ replace_original: true, text: 'Acknowledged by <@U1>' });
    expect((m.blocks as { type: string }[]).map((b) => b.type)).toEqual(['header', 'context']);
    expect((slackAckMessage('x').blocks as unknown[]).length).toBe(1);
  });
});
