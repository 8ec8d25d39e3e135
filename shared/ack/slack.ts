import { createHmac, timingSafeEqual } from 'node:crypto';
import { SLACK_ACK_ACTION_ID } from '../notify/channels/slack';

/**
 * Slack request signing (v0): `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<X-Slack-Request-Timestamp>:<raw body>">` with the app's signing
 * secret. Requests whose timestamp is more than five minutes from now are
 * refused, so a captured request cannot be replayed later; within the window
 * a replay is the same interaction (same trigger id) and is applied once.
 */

export const SLACK_SIGNATURE_TOLERANCE_SECONDS = 300;
export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';

export type SlackVerifyFailure = 'missing_headers' | 'malformed' | 'stale' | 'bad_signature';

export type SlackVerifyResult = { ok: true } | { ok: false; reason: SlackVerifyFailure };

function v0(secret: string, timestamp: string, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
}

/** The signature Slack would send for this body and timestamp (tests and local tools sign with it). */
export function slackSignature(secret: string, timestamp: number | string, body: Buffer | string): string {
  return `v0=${v0(secret, String(timestamp), body).toString('hex')}`;
}

/**
 * Verifies a Slack request: both headers present, the timestamp within five
 * minutes of `now` (either way), and the signature matching one of the
 * secrets (two during a rotation), compared in constant time.
 */
export function verifySlackRequest(
  headers: { signature?: string; timestamp?: string },
  rawBody: Buffer | string,
  secrets: readonly string[],
  now: Date,
  toleranceSeconds = SLACK_SIGNATURE_TOLERANCE_SECONDS,
): SlackVerifyResult {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const given = Buffer.from(signature.slice(3), 'hex');
  const valid = secrets.some((s) => s !== '' && timingSafeEqual(v0(s, timestamp, rawBody), given));
  return valid ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export interface SlackAckAction {
  caseId: string;
  userId: string;
  userName?: string;
  teamId?: string;
  /** Unique per interaction: a replay of the same click carries the same one. */
  interactionId: string;
  responseUrl?: string;
  /** The message the button was on, so the answer can replace its buttons. */
  messageBlocks?: Record<string, unknown>[];
}

export type SlackParseResult = { ok: true; action: SlackAckAction } | { ok: false; reason: string };

/**
 * Parses an interactivity request body (`application/x-www-form-urlencoded`
 * with one `payload` field holding JSON) into the Acknowledge click, or says
 * why it is not one. Call only after the signature verified.
 */
export function parseSlackAckAction(rawBody: string): SlackParseResult {
  const field = new URLSearchParams(rawBody).get('payload');
  if (!field) return { ok: false, reason: 'no payload field' };
  let p: unknown;
  try {
    p = JSON.parse(field);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  if (typeof p !== 'object' || p === null) return { ok: false, reason: 'payload is not an object' };
  const payload = p as {
    type?: unknown;
    user?: { id?: unknown; username?: unknown; name?: unknown; team_id?: unknown };
    team?: { id?: unknown };
    actions?: unknown;
    trigger_id?: unknown;
    response_url?: unknown;
    message?: { blocks?: unknown };
  };
  if (payload.type !== 'block_actions') return { ok: false, reason: `unsupported interaction type ${String(payload.type)}` };
  const userId = payload.user?.id;
  if (typeof userId !== 'string' || !/^[A-Z0-9]{2,32}$/.test(userId)) return { ok: false, reason: 'no user id' };
  const actions = Array.isArray(payload.actions) ? (payload.actions as { action_id?: unknown; value?: unknown; action_ts?: unknown }[]) : [];
  const ack = actions.find((a) => a && a.action_id === SLACK_ACK_ACTION_ID);
  if (!ack) return { ok: false, reason: `no ${SLACK_ACK_ACTION_ID} action` };
  if (typeof ack.value !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(ack.value)) return { ok: false, reason: 'action value is not a case id' };
  const trigger = typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined;
  const actionTs = typeof ack.action_ts === 'string' ? ack.action_ts : undefined;
  if (!trigger && !actionTs) return { ok: false, reason: 'no trigger_id or action_ts' };
  const name = payload.user?.username ?? payload.user?.name;
  const team = payload.user?.team_id ?? payload.team?.id;
  return {
    ok: true,
    action: {
      caseId: ack.value,
      userId,
      ...(typeof name === 'string' ? { userName: name } : {}),
      ...(typeof team === 'string' ? { teamId: team } : {}),
      interactionId: trigger ?? `${userId}:${actionTs}`,
      ...(typeof payload.response_url === 'string' ? { responseUrl: payload.response_url } : {}),
      ...(Array.isArray(payload.message?.blocks) ? { messageBlocks: payload.message.blocks as Record<string, unknown>[] } : {}),
    },
  };
}

/** Only Slack's own response URLs are ever called back (no request forgery through a signed payload's URL). */
export function isSlackResponseUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname === 'hooks.slack.com' && u.port === '';
  } catch {
    return false;
  }
}

/**
 * The message that replaces the notification after an acknowledgement: the
 * original blocks with the Acknowledge/Open buttons swapped for a line saying
 * who acknowledged (or the outcome text alone when the blocks are unknown).
 */
export function slackAckMessage(text: string, originalBlocks?: Record<string, unknown>[]): Record<string, unknown> {
  const line = { type: 'context', elements: [{ type: 'mrkdwn', text }] };
  const blocks = originalBlocks?.length
    ? originalBlocks.flatMap((b) => (b.type === 'actions' ? [line] : [b]))
    : [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (originalBlocks?.length && !originalBlocks.some((b) => b.type === 'actions')) blocks.push(line);
  return { replace_original: true, response_type: 'in_channel', text, blocks };
}
