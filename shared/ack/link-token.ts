import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { stableId } from '../hash';

/**
 * Signed, expiring, single-use acknowledgement links.
 *
 * Token: `v1.<payload>.<signature>`, both parts base64url (URL-safe, no
 * padding). The payload is compact JSON; the signature is HMAC-SHA256 with the
 * link signing secret over `mdr-ack-link.v1.<payload>` (the prefix keeps these
 * MACs from ever verifying as another use of the same key). The token is
 * signed, not encrypted: it carries ids only, never observables.
 *
 * Single use is not a property of the token: the ack API applies the
 * acknowledgement under the command id `ackLinkCommandId(payload)` (derived
 * from the token's nonce), so a second POST of the same link is a replay of
 * the first, and records the link as used once the change is published.
 */

export const ACK_TOKEN_VERSION = 'v1';
/** Tokens longer than this are refused before any work is done. */
export const ACK_TOKEN_MAX_LENGTH = 1024;
/** Default lifetime of a link: long enough for a page at night, short enough to go stale. */
export const DEFAULT_ACK_LINK_TTL_MS = 24 * 3_600_000;
const MAC_CONTEXT = 'mdr-ack-link.v1.';
const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;
const TEXT_ID = /^[A-Za-z0-9_.:@+-]{1,128}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export interface AckTokenInput {
  caseId: string;
  notificationId: string;
  /** When the link stops working (Date or epoch milliseconds). */
  expiresAt: Date | number;
  /**
   * Who the notification went to (a policy target id, not a phone number or
   * address: the token is readable by whoever holds the link). The ack is
   * attributed to it; without it, to `ack-link`.
   */
  target?: string;
  /** Makes the token unique; random unless given (tests, deterministic re-sends). */
  nonce?: string;
}

export interface AckTokenPayload {
  caseId: string;
  notificationId: string;
  /** Epoch seconds. */
  expiresAt: number;
  nonce: string;
  target?: string;
}

export type AckTokenFailure = 'malformed' | 'bad_signature' | 'expired';

export type AckTokenResult = { ok: true; payload: AckTokenPayload } | { ok: false; reason: AckTokenFailure };

interface Wire {
  c: string;
  n: string;
  e: number;
  r: string;
  t?: string;
}

function mac(secret: string, encodedPayload: string): Buffer {
  return createHmac('sha256', secret).update(MAC_CONTEXT).update(encodedPayload).digest();
}

/** Issues a link token. Throws on ids that could not round-trip (a programming error in the caller). */
export function issueAckToken(input: AckTokenInput, secret: string): string {
  if (!secret) throw new Error('ack link signing secret is empty');
  if (!CASE_ID.test(input.caseId)) throw new Error(`caseId "${input.caseId}" cannot go in an ack link`);
  if (!TEXT_ID.test(input.notificationId)) throw new Error(`notificationId "${input.notificationId}" cannot go in an ack link`);
  if (input.target !== undefined && !TEXT_ID.test(input.target)) throw new Error('target must be 1-128 characters of A-Z a-z 0-9 _ . : @ + -');
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  if (!NONCE.test(nonce)) throw new Error('nonce must be 16-64 base64url characters');
  const ms = typeof input.expiresAt === 'number' ? input.expiresAt : input.expiresAt.getTime();
  if (!Number.isFinite(ms)) throw new Error('expiresAt must be a valid time');
  const wire: Wire = { c: input.caseId, n: input.notificationId, e: Math.floor(ms / 1000), r: nonce, ...(input.target ? { t: input.target } : {}) };
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${ACK_TOKEN_VERSION}.${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The link for a token under the ack API's base URL (`https://…/ack/<token>`). */
export function ackLinkUrl(apiBaseUrl: string, token: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/ack/${token}`;
}

/** Whether a string is shaped like a token (cheap, before any HMAC): used to route and to refuse early. */
export function looksLikeAckToken(token: string): boolean {
  return token.length <= ACK_TOKEN_MAX_LENGTH && /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(token);
}

/** The JSON object a token's payload part encodes (base64url), or undefined: the fields are the caller's to check. */
export function decodeTokenPart(encoded: string): Record<string, unknown> | undefined {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof wire === 'object' && wire !== null && !Array.isArray(wire) ? (wire as Record<string, unknown>) : undefined;
}

function decode(encoded: string): AckTokenPayload | undefined {
  const w = decodeTokenPart(encoded) as Partial<Wire> | undefined;
  if (!w) return undefined;
  if (typeof w.c !== 'string' || !CASE_ID.test(w.c)) return undefined;
  if (typeof w.n !== 'string' || !TEXT_ID.test(w.n)) return undefined;
  if (typeof w.e !== 'number' || !Number.isSafeInteger(w.e)) return undefined;
  if (typeof w.r !== 'string' || !NONCE.test(w.r)) return undefined;
  if (w.t !== undefined && (typeof w.t !== 'string' || !TEXT_ID.test(w.t))) return undefined;
  return { caseId: w.c, notificationId: w.n, expiresAt: w.e, nonce: w.r, ...(w.t ? { target: w.t } : {}) };
}

/**
 * Verifies a token against every active secret (current and previous, so
 * links sent before a rotation keep working until they expire). The
 * signature is checked before the payload is trusted; expiry after it.
 */
export function verifyAckToken(token: string, secrets: readonly string[], now: Date): AckTokenResult {
  if (typeof token !== 'string' || !looksLikeAckToken(token)) return { ok: false, reason: 'malformed' };
  return verifySignedToken(token, secrets, now, mac, decode);
}

/**
 * The checks every signed link token shares, once its shape is known good
 * (`<version>.<payload>.<signature>`): a canonical 32-byte signature, a MAC
 * matching one of the secrets in constant time, then the payload decoded,
 * then its expiry. The payload is trusted only after the signature.
 */
export function verifySignedToken<P extends { expiresAt: number }>(
  token: string,
  secrets: readonly string[],
  now: Date,
  macOf: (secret: string, payload: string) => Buffer,
  decodePayload: (payload: string) => P | undefined,
): { ok: true; payload: P } | { ok: false; reason: AckTokenFailure } {
  const [, payload, signature] = token.split('.');
  const given = Buffer.from(signature, 'base64url');
  // Base64url decoding is lenient with trailing bits; compare the canonical form too.
  if (given.length !== 32 || given.toString('base64url') !== signature) return { ok: false, reason: 'malformed' };
  const valid = secrets.some((s) => s !== '' && timingSafeEqual(macOf(s, payload), given));
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const decoded = decodePayload(payload);
  if (!decoded) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= decoded.expiresAt * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, payload: decoded };
}

/** The idempotency key of a link's acknowledgement: a second use replays the first. */
export function ackLinkCommandId(payload: Pick<AckTokenPayload, 'nonce'>): string {
  return stableId('ack-link', payload.nonce);
}

/** The id shapes a link may carry, shared with sibling tokens (case view links) so both accept the same ids. */
export { CASE_ID as LINK_CASE_ID, TEXT_ID as LINK_TEXT_ID };
