import { signatureHeader, verifySignature } from '../../../shared/notify/signature';

const body = '{"type":"mdr.notification"}';
const t = 1_795_000_000;

describe('webhook signatures (t=…,v1=… over t.body)', () => {
  it('verifies what it signs', () => {
    expect(verifySignature(signatureHeader(['s3cret'], t, body), body, ['s3cret'], t)).toBe(true);
  });

  it('is an HMAC-SHA256 a receiver can compute on its own', () => {
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const expected = createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(['s3cret'], t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('refuses a tampered body, a wrong secret, a missing header and a stale timestamp', () => {
    const header = signatureHeader(['s3cret'], t, body);
    expect(verifySignature(header, `${body} `, ['s3cret'], t)).toBe(false);
    expect(verifySignature(header, body, ['other'], t)).toBe(false);
    expect(verifySignature(undefined, body, ['s3cret'], t)).toBe(false);
    expect(verifySignature(header, body, ['s3cret'], t + 301)).toBe(false);
    expect(verifySignature(header, body, ['s3cret'], t + 299)).toBe(true);
  });

  it('signs with every active secret during a rotation, so either side may move first', () => {
    const header = signatureHeader(['new', 'old'], t, body);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifySignature(header, body, ['old'], t)).toBe(true);
    expect(verifySignature(header, body, ['new'], t)).toBe(true);
  });

  it('ignores malformed parts instead of throwing', () => {
    expect(verifySignature('t=abc,v1=zz', body, ['s3cret'], t)).toBe(false);
    expect(verifySignature(`t=${t},v1=${'0'.repeat(64)}`, body, ['s3cret'], t)).toBe(false);
  });
});
