import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { ackLinkCommandId, verifyAckToken, type AckTokenPayload } from '../../shared/ack/link-token';
import { PAGERDUTY_MAX_BODY_BYTES, PAGERDUTY_SIGNATURE_HEADER, parsePagerDutyWebhook, verifyPagerDutySignature } from '../../shared/ack/pagerduty';
import {
  isSlackResponseUrl,
  parseSlackAckAction,
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  slackAckMessage,
  verifySlackRequest,
} from '../../shared/ack/slack';
import { applyCaseAction, type CommandResult } from '../../shared/cases/case-commands';
import { CaseError, type CaseAction, type LifecycleSettings } from '../../shared/cases/lifecycle';
import type { CaseRecord } from '../../shared/cases/model';
import type { CaseStore } from '../../shared/cases/store';
import type { Actor, CaseEvent } from '../../shared/contracts/case-event';
import { stableId } from '../../shared/hash';

/** What a link's use left behind: written once, after the change is saved and published. */
export interface UsedLink {
  caseId: string;
  notificationId: string;
  usedAt: string;
  /** `acknowledged`: this link acknowledged the case; `no_change`: the case was already past NEW. */
  outcome: 'acknowledged' | 'no_change';
}

/**
 * The "used" markers of ack links, keyed on the token's nonce. `markUsed` is
 * conditional: false when the link was marked before.
 */
export interface UsedLinkStore {
  get(nonce: string): Promise<UsedLink | undefined>;
  markUsed(nonce: string, record: UsedLink, expiresAtSeconds: number): Promise<boolean>;
}

export interface AckApiDeps {
  store: CaseStore;
  usedLinks: UsedLinkStore;
  /** Publishes case events; resolves to false when some could not be published. */
  publish: (events: CaseEvent[]) => Promise<boolean>;
  tenantId: string;
  settings: LifecycleSettings;
  /** Active secrets (current first, then previous during a rotation); empty when the path is not configured. */
  linkSecrets: () => Promise<readonly string[]>;
  slackSigningSecrets: () => Promise<readonly string[]>;
  /** Workspaces whose clicks are accepted (the Slack channels' `teamId`); empty = any workspace that signs with the secret. */
  slackTeamIds?: readonly string[];
  pagerDutyWebhookSecrets: () => Promise<readonly string[]>;
  /** Replaces the Slack message through its response URL (only Slack's own URLs are passed). */
  slackRespond?: (responseUrl: string, message: Record<string, unknown>) => Promise<void>;
  now?: () => Date;
  /** One JSON object per line; defaults to stdout. */
  log?: (entry: Record<string, unknown>) => void;
}

type Result = APIGatewayProxyStructuredResultV2;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};
const HTML_HEADERS = {
  ...SECURITY_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  // No scripts, no framing (a framed one-click ack is clickjacking), forms only back to this API.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
};

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function jsonError(statusCode: number, code: string, message: string): Result {
  return json(statusCode, { error: { code, message } });
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const SEVERITY_COLOUR: Record<string, string> = { critical: '#b42318', high: '#c4320a', medium: '#b54708', low: '#175cd3', informational: '#475467' };

/** A small page readable on a phone: no scripts, no external resources. */
function page(statusCode: number, title: string, inner: string): Result {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:24px;background:#f6f7f9;color:#1d2939}
main{max-width:560px;margin:0 auto;background:#fff;border-radius:10px;padding:20px 22px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.25rem;margin:0 0 12px}dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px;margin:16px 0}dt{color:#667085}dd{margin:0;word-break:break-word}
.sev{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff;font-weight:600;text-transform:uppercase;font-size:.8rem}
button{width:100%;font-size:1.1rem;padding:14px;border:0;border-radius:8px;background:#1a7f37;color:#fff;font-weight:600;cursor:pointer}
p.note{color:#667085;font-size:.9rem}</style></head>
<body><main>${inner}</main></body></html>`;
  return { statusCode, headers: HTML_HEADERS, body };
}

function caseFacts(c: CaseRecord): string {
  const colour = SEVERITY_COLOUR[c.severity] ?? '#475467';
  return `<dl><dt>Case</dt><dd>${escapeHtml(c.title)}</dd>
<dt>Severity</dt><dd><span class="sev" style="background:${colour}">${escapeHtml(c.severity)}</span></dd>
<dt>Status</dt><dd>${escapeHtml(c.status)}</dd>
<dt>Detected</dt><dd>${escapeHtml(c.detectedAt)}</dd>
<dt>Id</dt><dd>${escapeHtml(c.caseId)}</dd></dl>`;
}

function statusSentence(c: CaseRecord): string {
  if (c.status === 'ACKNOWLEDGED' || c.status === 'IN_PROGRESS') {
    return `This case was already acknowledged${c.acknowledgedBy ? ` by ${escapeHtml(c.acknowledgedBy)}` : ''}${c.acknowledgedAt ? ` at ${escapeHtml(c.acknowledgedAt)}` : ''}.`;
  }
  if (c.status === 'MERGED') return `This case was merged into ${escapeHtml(c.mergedInto ?? 'another case')}.`;
  return `This case is ${escapeHtml(c.status.toLowerCase())}; there is nothing to acknowledge.`;
}

const REFUSAL_TEXT: Record<string, string> = {
  malformed: 'This acknowledgement link is not valid.',
  bad_signature: 'This acknowledgement link is not valid.',
  expired: 'This acknowledgement link has expired. Open the case to acknowledge it.',
};

function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * The public acknowledgement API. Every route authenticates the request
 * itself: an ack link by its HMAC-signed token, Slack by its v0 request
 * signature, PagerDuty by its v3 webhook signature. Forged, expired,
 * tampered or replayed requests are refused (401/403), logged as one JSON
 * line, and change nothing. Every change goes through `applyCaseAction` under
 * a command id derived from the request (link nonce, Slack trigger id,
 * PagerDuty event id), so a repeat is a replay, and the case events carry
 * `actor.via` so notify never echoes an ack back to its source.
 */
export function createAckApiHandler(deps: AckApiDeps) {
  const now = () => deps.now?.() ?? new Date();
  const log = deps.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));

  function refuse(event: APIGatewayProxyEventV2, route: string, reason: string, extra: Record<string, unknown> = {}): void {
    log({
      level: 'WARN',
      message: 'ack request refused',
      route,
      reason,
      sourceIp: event.requestContext?.http?.sourceIp,
      userAgent: event.requestContext?.http?.userAgent,
      requestId: event.requestContext?.requestId,
      ...extra,
    });
  }

  async function tenantCase(caseId: string): Promise<CaseRecord | undefined> {
    const c = await deps.store.getCase(caseId);
    return c && c.tenantId === deps.tenantId ? c : undefined;
  }

  async function apply(caseId: string, action: CaseAction, actor: Actor, commandId: string): Promise<CommandResult> {
    return applyCaseAction(deps.store, { caseId, action, actor, commandId, now: now() }, deps.settings);
  }

  // ---- signed links -------------------------------------------------------

  async function verifiedLink(event: APIGatewayProxyEventV2, token: string): Promise<{ payload: AckTokenPayload } | { refused: Result }> {
    const secrets = await deps.linkSecrets();
    if (!secrets.length) {
      refuse(event, 'ack-link', 'not_configured');
      return { refused: page(503, 'Unavailable', '<h1>Acknowledgement links are not configured</h1>') };
    }
    const v = verifyAckToken(token, secrets, now());
    if (!v.ok) {
      refuse(event, 'ack-link', v.reason, { method: event.requestContext.http.method, token: shortHash(token) });
      return { refused: page(403, 'Link not valid', `<h1>${REFUSAL_TEXT[v.reason]}</h1>`) };
    }
    return { payload: v.payload };
  }

  async function showLink(event: APIGatewayProxyEventV2, token: string): Promise<Result> {
    const v = await verifiedLink(event, token);
    if ('refused' in v) return v.refused;
    const c = await tenantCase(v.payload.caseId);
    if (!c) return page(404, 'Case not found', '<h1>Case not found</h1>');
    const used = await deps.usedLinks.get(v.payload.nonce);
    if (used) return page(200, 'Link already used', `<h1>This link was already used</h1>${caseFacts(c)}<p>${statusSentence(c)}</p>`);
    if (c.status !== 'NEW') return page(200, 'Nothing to acknowledge', `<h1>Nothing to acknowledge</h1>${caseFacts(c)}<p>${statusSentence(c)}</p>`);
    // No action attribute: the form posts back to this very URL, whatever stage or domain serves it.
    return page(
      200,
      'Acknowledge case',
      `<h1>Acknowledge this case?</h1>${caseFacts(c)}
<form method="post"><input type="hidden" name="confirm" value="1"><button type="submit">Acknowledge</button></form>
<p class="note">Acknowledging stops the escalation for this case. This link works once.</p>`,
    );
  }

  async function useLink(event: APIGatewayProxyEventV2, token: string): Promise<Result> {
    const v = await verifiedLink(event, token);
    if ('refused' in v) return v.refused;
    const p = v.payload;
    const c = await tenantCase(p.caseId);
    if (!c) return page(404, 'Case not found', '<h1>Case not found</h1>');
    if (await deps.usedLinks.get(p.nonce)) {
      refuse(event, 'ack-link', 'already_used', { caseId: p.caseId, notificationId: p.notificationId });
      return page(409, 'Link already used', `<h1>This link was already used</h1>${caseFacts(c)}<p>${statusSentence(c)}</p>`);
    }
    const actor: Actor = { type: 'user', id: p.target ?? 'ack-link', via: 'ack-link' };
    const mark = async (outcome: UsedLink['outcome']) =>
      deps.usedLinks.markUsed(p.nonce, { caseId: p.caseId, notificationId: p.notificationId, usedAt: now().toISOString(), outcome }, p.expiresAt + 7 * 86400);
    let result: CommandResult;
    try {
      result = await apply(p.caseId, { type: 'acknowledge' }, actor, ackLinkCommandId(p));
    } catch (e) {
      if (e instanceof CaseError && e.code === 'illegal_transition') {
        // Already acknowledged (another path) or closed: the link is spent, the case unchanged.
        await mark('no_change');
        return page(409, 'Nothing to acknowledge', `<h1>Nothing to acknowledge</h1>${caseFacts(c)}<p>${statusSentence(c)}</p>`);
      }
      throw e;
    }
    // A replay here means an earlier POST saved the change but stopped before marking the link:
    // publish again (same event ids) so the change is not lost, then mark.
    if (!(await deps.publish(result.events))) {
      log({ level: 'ERROR', message: 'ack link change saved but events not published', caseId: p.caseId });
      return page(503, 'Try again', '<h1>The acknowledgement is saved but could not be announced yet</h1><p>Please submit again in a moment.</p>');
    }
    const first = await mark('acknowledged');
    if (result.replayed || !first) {
      refuse(event, 'ack-link', 'already_used', { caseId: p.caseId, notificationId: p.notificationId });
      return page(409, 'Link already used', `<h1>This link was already used</h1>${caseFacts(result.case)}<p>${statusSentence(result.case)}</p>`);
    }
    log({ level: 'INFO', message: 'case acknowledged', via: 'ack-link', caseId: p.caseId, notificationId: p.notificationId, actor: actor.id });
    return page(200, 'Acknowledged', `<h1>Acknowledged</h1>${caseFacts(result.case)}<p>Thank you. The escalation for this case has stopped.</p>`);
  }

  // ---- Slack ----------------------------------------------------------------

  async function slackAction(event: APIGatewayProxyEventV2): Promise<Result> {
    const secrets = await deps.slackSigningSecrets();
    if (!secrets.length) {
      refuse(event, 'slack', 'not_configured');
      return jsonError(503, 'not_configured', 'Slack acknowledgement is not configured');
    }
    const body = rawBody(event);
    const h = event.headers ?? {};
    const verified = verifySlackRequest({ signature: h[SLACK_SIGNATURE_HEADER], timestamp: h[SLACK_TIMESTAMP_HEADER] }, body, secrets, now());
    if (!verified.ok) {
      refuse(event, 'slack', verified.reason);
      return jsonError(401, 'unauthorized', 'request signature not valid');
    }
    const parsed = parseSlackAckAction(body.toString('utf8'));
    if (!parsed.ok) {
      // Other buttons (Open case is a link button, but Slack still reports the click) need a plain 200.
      log({ level: 'INFO', message: 'slack interaction ignored', reason: parsed.reason });
      return { statusCode: 200, headers: SECURITY_HEADERS, body: '' };
    }
    const a = parsed.action;
    // A signing secret is per app, and one app may be installed in several workspaces: pin the customer's.
    if (deps.slackTeamIds?.length && !deps.slackTeamIds.includes(a.teamId ?? '')) {
      refuse(event, 'slack', 'foreign_workspace');
      return jsonError(403, 'forbidden', 'this Slack workspace may not acknowledge cases here');
    }
    const ephemeral = (text: string) => json(200, { response_type: 'ephemeral', replace_original: false, text });
    const c = await tenantCase(a.caseId);
    if (!c) return ephemeral(`Case ${a.caseId} was not found.`);
    const actor: Actor = { type: 'user', id: a.userId, via: 'slack' };
    let result: CommandResult;
    try {
      result = await apply(a.caseId, { type: 'acknowledge' }, actor, stableId('slack', a.interactionId));
    } catch (e) {
      if (e instanceof CaseError && e.code === 'illegal_transition') {
        const who = c.acknowledgedBy ? ` by ${/^[A-Z0-9]{2,32}$/.test(c.acknowledgedBy) ? `<@${c.acknowledgedBy}>` : c.acknowledgedBy}` : '';
        return ephemeral(`Case ${c.caseId} is already ${c.status.toLowerCase().replace('_', ' ')}${c.status === 'ACKNOWLEDGED' ? who : ''}.`);
      }
      throw e;
    }
    if (!(await deps.publish(result.events))) {
      log({ level: 'ERROR', message: 'slack ack saved but events not published', caseId: a.caseId });
      return jsonError(503, 'publish_failed', 'the acknowledgement is saved but its events could not be published');
    }
    if (!result.replayed) log({ level: 'INFO', message: 'case acknowledged', via: 'slack', caseId: a.caseId, actor: a.userId });
    const message = slackAckMessage(`:white_check_mark: Acknowledged by <@${a.userId}> at ${result.case.acknowledgedAt ?? now().toISOString()}`, a.messageBlocks);
    if (a.responseUrl && deps.slackRespond) {
      if (isSlackResponseUrl(a.responseUrl)) {
        await deps.slackRespond(a.responseUrl, message).catch((e: unknown) => log({ level: 'WARN', message: 'slack response_url update failed', error: String(e) }));
      } else {
        refuse(event, 'slack', 'foreign_response_url');
      }
    }
    return json(200, message);
  }

  // ---- PagerDuty ------------------------------------------------------------

  async function pagerDutyWebhook(event: APIGatewayProxyEventV2): Promise<Result> {
    const secrets = await deps.pagerDutyWebhookSecrets();
    if (!secrets.length) {
      refuse(event, 'pagerduty', 'not_configured');
      return jsonError(503, 'not_configured', 'PagerDuty webhooks are not configured');
    }
    const body = rawBody(event);
    if (body.length > PAGERDUTY_MAX_BODY_BYTES) {
      refuse(event, 'pagerduty', 'too_large', { bytes: body.length });
      return jsonError(413, 'too_large', 'body too large');
    }
    const verified = verifyPagerDutySignature(event.headers?.[PAGERDUTY_SIGNATURE_HEADER], body, secrets);
    if (!verified.ok) {
      refuse(event, 'pagerduty', verified.reason);
      return jsonError(401, 'unauthorized', 'webhook signature not valid');
    }
    const parsed = parsePagerDutyWebhook(body.toString('utf8'));
    if (!parsed.ok) {
      refuse(event, 'pagerduty', 'malformed', { detail: parsed.reason });
      return jsonError(400, 'invalid_request', parsed.reason);
    }
    if ('ignored' in parsed) return json(200, { status: 'ignored', reason: parsed.ignored });
    const e = parsed.event;
    const c = await tenantCase(e.caseId);
    // 2xx: PagerDuty retries anything else, and an unknown case will not appear later.
    if (!c) return json(200, { status: 'ignored', reason: 'unknown case' });
    const actor: Actor = { type: 'user', id: e.agent?.id ?? 'pagerduty', via: 'pagerduty' };
    const action: CaseAction =
      e.kind === 'acknowledged'
        ? { type: 'acknowledge' }
        : { type: 'resolve', resolution: e.resolution, comment: `resolved in PagerDuty${e.incidentId ? ` (incident ${e.incidentId})` : ''}` };
    let result: CommandResult;
    try {
      result = await apply(e.caseId, action, actor, stableId('pagerduty', e.webhookId));
    } catch (err) {
      // Typically our own acknowledge/resolve coming back from PagerDuty: nothing to do, and nothing to echo.
      if (err instanceof CaseError && err.code === 'illegal_transition') return json(200, { status: 'no_change', reason: err.message });
      throw err;
    }
    if (!(await deps.publish(result.events))) {
      log({ level: 'ERROR', message: 'pagerduty change saved but events not published', caseId: e.caseId, webhookId: e.webhookId });
      return jsonError(503, 'publish_failed', 'saved but not published; PagerDuty will retry');
    }
    if (result.replayed) return json(200, { status: 'duplicate', caseId: e.caseId });
    log({ level: 'INFO', message: `case ${e.kind}`, via: 'pagerduty', caseId: e.caseId, webhookId: e.webhookId, actor: actor.id });
    return json(200, { status: e.kind, caseId: e.caseId, caseVersion: result.case.version });
  }

  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const method = event.requestContext.http.method;
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    const link = /^\/ack\/([^/]{1,2048})$/.exec(path);
    const route = link ? 'ack-link' : path;
    try {
      if (link) {
        // Tokens are URL-safe as issued; anything percent-encoded simply fails verification.
        const token = link[1];
        if (method === 'GET') return await showLink(event, token);
        if (method === 'POST') return await useLink(event, token);
        return { ...jsonError(405, 'method_not_allowed', 'use GET to review and POST to acknowledge'), headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', allow: 'GET, POST' } };
      }
      if (path === '/slack/actions' && method === 'POST') return await slackAction(event);
      if (path === '/pagerduty/webhook' && method === 'POST') return await pagerDutyWebhook(event);
      return jsonError(404, 'not_found', `no route for ${method} ${path.slice(0, 64)}`);
    } catch (e) {
      if (e instanceof CaseError && e.code === 'not_found') return link ? page(404, 'Case not found', '<h1>Case not found</h1>') : json(200, { status: 'ignored', reason: e.message });
      log({ level: 'ERROR', message: 'ack API request failed', route, method, error: String(e), stack: (e as Error).stack });
      return link ? page(500, 'Error', '<h1>Something went wrong</h1><p>Please try again.</p>') : jsonError(500, 'internal', 'internal error');
    }
  };
}

/** An in-memory UsedLinkStore (tests, offline tools). */
export function memoryUsedLinks(): UsedLinkStore & { readonly size: number } {
  const used = new Map<string, UsedLink>();
  return {
    get: async (nonce) => used.get(nonce),
    markUsed: async (nonce, record) => {
      if (used.has(nonce)) return false;
      used.set(nonce, record);
      return true;
    },
    get size() {
      return used.size;
    },
  };
}
