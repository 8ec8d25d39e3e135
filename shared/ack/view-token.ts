import { createHmac } from 'node:crypto';
import { decodeTokenPart, LINK_CASE_ID, LINK_TEXT_ID, verifySignedToken } from './link-token';

/**
 * Signed, expiring case view links: the case page a notification links to.
 *
 * A phone browser cannot SigV4-sign, so the page is authorised by this token
 * in its URL (`/view/<caseId>?t=<token>`) and, for the page's forms, in a
 * hidden field. Unlike an ack link it is multi-use until it expires: on-call
 * staff come back to the page several times during an incident.
 *
 * Token: `view1.<payload>.<signature>`, both base64url without padding. The
 * payload is compact JSON `{c: caseId, v: viewer, o: role, e: expiry (epoch s)}`;
 * the signature is HMAC-SHA256 with the ack link secret over
 * `mdr-case-view.v1.<payload>`. The distinct context string means an ack link
 * can never verify as a view link or the reverse, though both share a key; the
 * distinct version prefix lets a router tell them apart before any HMAC.
 * Signed, not encrypted: ids only, never observables.
 */

export const VIEW_TOKEN_VERSION = 'view1';
/** Tokens longer than this are refused before any work is done. */
export const VIEW_TOKEN_MAX_LENGTH = 1024;
/** Default lifetime: the length of a long incident, short enough that forwarded links go stale. */
export const DEFAULT_VIEW_LINK_TTL_MS = 7 * 86_400_000;
const MAC_CONTEXT = 'mdr-case-view.v1.';
const SHAPE = /^view1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

/** Who may hold a view link. Only the customer's own people today; the provider uses its own tools. */
export type ViewerRole = 'customer';
const ROLES: readonly ViewerRole[] = ['customer'];

export interface ViewTokenInput {
  caseId: string;
  /** Who the link went to: a policy target id (never a phone number or address; the token is readable). */
  viewer: string;
  role?: ViewerRole;
  /** When the link stops working (Date or epoch milliseconds). */
  expiresAt: Date | number;
}

export interface ViewTokenPayload {
  caseId: string;
  viewer: string;
  role: ViewerRole;
  /** Epoch seconds. */
  expiresAt: number;
}

export type ViewTokenFailure = 'malformed' | 'bad_signature' | 'expired';

export type ViewTokenResult = { ok: true; payload: ViewTokenPayload } | { ok: false; reason: ViewTokenFailure };

interface Wire {
  c: string;
  v: string;
  o: string;
  e: number;
}

function mac(secret: string, encodedPayload: string): Buffer {
  return createHmac('sha256', secret).update(MAC_CONTEXT).update(encodedPayload).digest();
}

/** Issues a view token. Throws on ids that could not round-trip (a programming error in the caller). */
export function issueViewToken(input: ViewTokenInput, secret: string): string {
  if (!secret) throw new Error('case view link signing secret is empty');
  if (!LINK_CASE_ID.test(input.caseId)) throw new Error(`caseId "${input.caseId}" cannot go in a case view link`);
  if (!LINK_TEXT_ID.test(input.viewer)) throw new Error('viewer must be 1-128 characters of A-Z a-z 0-9 _ . : @ + -');
  const role = input.role ?? 'customer';
  if (!ROLES.includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  const ms = typeof input.expiresAt === 'number' ? input.expiresAt : input.expiresAt.getTime();
  if (!Number.isFinite(ms)) throw new Error('expiresAt must be a valid time');
  const wire: Wire = { c: input.caseId, v: input.viewer, o: role, e: Math.floor(ms / 1000) };
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${VIEW_TOKEN_VERSION}.${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The case page URL for a token under the case API's base URL (`https://…/view/<caseId>?t=<token>`). */
export function caseViewUrl(apiBaseUrl: string, caseId: string, token: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/view/${encodeURIComponent(caseId)}?t=${token}`;
}

/** Whether a string is shaped like a view token (cheap, before any HMAC). */
export function looksLikeViewToken(token: string): boolean {
  return typeof token === 'string' && token.length <= VIEW_TOKEN_MAX_LENGTH && SHAPE.test(token);
}

function decode(encoded: string): ViewTokenPayload | undefined {
  const w = decodeTokenPart(encoded) as Partial<Wire> | undefined;
  if (!w) return undefined;
  if (typeof w.c !== 'string' || !LINK_CASE_ID.test(w.c)) return undefined;
  if (typeof w.v !== 'string' || !LINK_TEXT_ID.test(w.v)) return undefined;
  if (typeof w.o !== 'string' || !ROLES.includes(w.o as ViewerRole)) return undefined;
  if (typeof w.e !== 'number' || !Number.isSafeInteger(w.e)) return undefined;
  return { caseId: w.c, viewer: w.v, role: w.o as ViewerRole, expiresAt: w.e };
}

/**
 * Verifies a token against every active secret (current and previous during a
 * rotation) in constant time; the payload is trusted only after the
 * signature, and the expiry is checked last.
 */
export function verifyViewToken(token: string, secrets: readonly string[], now: Date): ViewTokenResult {
  if (!looksLikeViewToken(token)) return { ok: false, reason: 'malformed' };
  return verifySignedToken(token, secrets, now, mac, decode);
}
