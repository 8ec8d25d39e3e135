import { createHmac, timingSafeEqual } from 'node:crypto';

/** Seconds a signed request stays valid: replays older than this are refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Stripe-style signature header: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`, one
 * v1 per active secret so receivers keep verifying through a rotation.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  if (!secrets.length) throw new Error('no signing secret');
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, body)}`)].join(',');
}

/** What a receiver does: true when any v1 matches any of its secrets within the tolerance. */
export function verifySignature(
  header: string | undefined,
  body: string,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k === 't' && v && /^\d+$/.test(v)) t = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) sigs.push(v);
  }
  if (t === undefined || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return secrets.some((s) => {
    const expected = Buffer.from(hmac(s, t as number, body), 'hex');
    return sigs.some((sig) => timingSafeEqual(expected, Buffer.from(sig, 'hex')));
  });
}
