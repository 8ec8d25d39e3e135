import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Resolution } from '../cases/lifecycle';

/**
 * PagerDuty v3 webhooks: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the
 * raw body>` with the subscription's secret; several comma-separated
 * signatures while PagerDuty rotates it. The body carries no timestamp, so
 * replays are handled by deduplicating on the webhook event id
 * (`event.id`), which PagerDuty keeps across its own retries.
 */

export const PAGERDUTY_SIGNATURE_HEADER = 'x-pagerduty-signature';
/** Enough for one incident event with its data; larger bodies are refused unread. */
export const PAGERDUTY_MAX_BODY_BYTES = 256 * 1024;

export type PagerDutyVerifyFailure = 'missing_header' | 'malformed' | 'bad_signature';

function v1(secret: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** The header PagerDuty would send for this body (one signature per secret). */
export function pagerDutySignature(secrets: readonly string[], body: Buffer | string): string {
  return secrets.map((s) => `v1=${v1(s, body).toString('hex')}`).join(',');
}

/** True when any `v1=` signature in the header matches the body under any secret. */
export function verifyPagerDutySignature(
  header: string | undefined,
  rawBody: Buffer | string,
  secrets: readonly string[],
): { ok: true } | { ok: false; reason: PagerDutyVerifyFailure } {
  if (!header) return { ok: false, reason: 'missing_header' };
  if (header.length > 2048) return { ok: false, reason: 'malformed' };
  const given = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^v1=[0-9a-f]{64}$/.test(s))
    .map((s) => Buffer.from(s.slice(3), 'hex'));
  if (!given.length) return { ok: false, reason: 'malformed' };
  const expected = secrets.filter((s) => s !== '').map((s) => v1(s, rawBody));
  // Constant time per comparison; every pair is compared, whatever matches first.
  let match = false;
  for (const e of expected) for (const g of given) match = timingSafeEqual(e, g) || match;
  return match ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export interface PagerDutyAgent {
  id: string;
  type?: string;
  summary?: string;
}

export interface PagerDutyAckEvent {
  /** The webhook event id: the same event redelivered keeps it. */
  webhookId: string;
  kind: 'acknowledged' | 'resolved';
  caseId: string;
  incidentId?: string;
  agent?: PagerDutyAgent;
  /** For `resolved`: what the case's resolution becomes. */
  resolution: Resolution;
  occurredAt?: string;
}

export type PagerDutyParseResult =
  | { ok: true; event: PagerDutyAckEvent }
  /** Signed and well formed, but nothing for us (ping, other event types, incidents we did not open). */
  | { ok: true; ignored: string; webhookId?: string }
  | { ok: false; reason: string };

/** `mdr-<caseId>` back to the case id (hashed keys for over-long ids cannot be mapped back, and do not occur for `case-…` ids). */
export function caseIdFromDedupKey(key: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  const m = /^mdr-([A-Za-z0-9-]{1,64})$/.exec(key);
  if (!m || m[1].startsWith('h-')) return undefined;
  return m[1];
}

const KINDS: Record<string, PagerDutyAckEvent['kind']> = {
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
};

/**
 * Parses a verified v3 webhook body (`{"event": {id, event_type,
 * resource_type, occurred_at, agent, data: {incident_key, …}}}`) into an
 * acknowledgement or resolution of one of our cases. The case comes from the
 * incident key, which is the Events API dedup key `mdr-<caseId>` we sent.
 * A resolution is `undetermined` unless PagerDuty says the incident was
 * merged into another (then `duplicate`).
 */
export function parsePagerDutyWebhook(rawBody: string): PagerDutyParseResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const event = (body as { event?: unknown } | null)?.event;
  if (typeof event !== 'object' || event === null) return { ok: false, reason: 'no event object' };
  const e = event as {
    id?: unknown;
    event_type?: unknown;
    occurred_at?: unknown;
    agent?: { id?: unknown; type?: unknown; summary?: unknown } | null;
    data?: { id?: unknown; incident_key?: unknown; dedup_key?: unknown; resolve_reason?: { type?: unknown } | null } | null;
  };
  if (typeof e.id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(e.id)) return { ok: false, reason: 'no event id' };
  if (typeof e.event_type !== 'string') return { ok: false, reason: 'no event type' };
  const kind = KINDS[e.event_type];
  if (!kind) return { ok: true, ignored: `event type ${e.event_type}`, webhookId: e.id };
  const caseId = caseIdFromDedupKey(e.data?.incident_key) ?? caseIdFromDedupKey(e.data?.dedup_key);
  if (!caseId) return { ok: true, ignored: 'incident was not opened by MDR (no mdr-<caseId> incident key)', webhookId: e.id };
  const agent =
    e.agent && typeof e.agent.id === 'string'
      ? {
          id: e.agent.id,
          ...(typeof e.agent.type === 'string' ? { type: e.agent.type } : {}),
          ...(typeof e.agent.summary === 'string' ? { summary: e.agent.summary } : {}),
        }
      : undefined;
  const merged = e.data?.resolve_reason?.type === 'merge_resolve_reason';
  return {
    ok: true,
    event: {
      webhookId: e.id,
      kind,
      caseId,
      ...(typeof e.data?.id === 'string' ? { incidentId: e.data.id } : {}),
      ...(agent ? { agent } : {}),
      resolution: merged ? 'duplicate' : 'undetermined',
      ...(typeof e.occurred_at === 'string' ? { occurredAt: e.occurred_at } : {}),
    },
  };
}
