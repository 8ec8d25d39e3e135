import type { SlackChannelConfig } from '../channels';
import { classifyHttpStatus, excerpt, parseRetryAfter, type DeliveryOutcome, type HttpRequest, type HttpResponseInfo } from '../http';
import { checkEndpoint, headline, observableLines, reasonText, truncate, viewOf, type ChannelMessage, type MessageView } from './message';

export const SLACK_API_BASE = 'https://slack.com/api';
/** The Acknowledge button's action id; the interactivity handler matches on it. */
export const SLACK_ACK_ACTION_ID = 'mdr_ack';
export const SLACK_OPEN_ACTION_ID = 'mdr_open';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SEVERITY_EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  informational: ':white_circle:',
};

/** Fallback text (notifications, screen readers): severity, title, case link, ack link. */
export function slackText(view: MessageView): string {
  const parts = [`${reasonText(view.reason)}: ${slackEscape(headline(view))}`, `<${view.caseUrl}|Open case>`];
  if (view.ackUrl) parts.push(`<${view.ackUrl}|Acknowledge>`);
  return truncate(parts.join(' · '), 3000);
}

/** Block Kit: header, facts, optional observables, and an actions block with the Acknowledge button. */
export function slackBlocks(view: MessageView): Record<string, unknown>[] {
  const links = [`<${view.caseUrl}|Open case ${slackEscape(view.caseId)}>`];
  if (view.ackUrl) links.push(`<${view.ackUrl}|Acknowledge in the browser>`);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline(view), 150), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`${SEVERITY_EMOJI[view.severity] ?? ''} *${slackEscape(reasonText(view.reason))}*\n${links.join(' · ')}`, 3000) },
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${view.severity}` },
        { type: 'mrkdwn', text: `*Status*\n${view.status}` },
        { type: 'mrkdwn', text: `*Case*\n${truncate(slackEscape(view.caseId), 1900)}` },
        { type: 'mrkdwn', text: `*Tier*\n${view.tier}` },
      ],
    },
  ];
  const obs = observableLines(view);
  if (obs.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Observables*\n${obs.map((l) => `• ${slackEscape(l)}`).join('\n')}`, 3000) } });
  }
  blocks.push({
    type: 'actions',
    block_id: 'mdr_case_actions',
    elements: [
      {
        type: 'button',
        action_id: SLACK_ACK_ACTION_ID,
        text: { type: 'plain_text', text: 'Acknowledge', emoji: false },
        style: 'primary',
        value: view.caseId,
      },
      { type: 'button', action_id: SLACK_OPEN_ACTION_ID, text: { type: 'plain_text', text: 'Open case', emoji: false }, url: view.caseUrl },
    ],
  });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `tenant ${slackEscape(view.tenantId)} · notification ${view.notificationId}` }] });
  return blocks;
}

/**
 * Incoming webhook: POST the message to the secret URL. Bot: POST
 * `chat.postMessage` with `Authorization: Bearer <token>` and the channel id.
 */
export function buildSlackRequest(msg: ChannelMessage, config: SlackChannelConfig, secret: string): HttpRequest {
  const view = viewOf(msg, config.includeObservables === true);
  const message = { text: slackText(view), blocks: slackBlocks(view), unfurl_links: false, unfurl_media: false };
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (config.mode === 'bot') {
    const base = checkEndpoint(config.apiBaseUrl ?? SLACK_API_BASE, 'slack apiBaseUrl').replace(/\/+$/, '');
    return {
      url: `${base}/chat.postMessage`,
      timeoutMs,
      body: JSON.stringify({ channel: config.channelId, ...message }),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${secret}`,
        'user-agent': 'serverless-mdr-notify/1',
      },
    };
  }
  return {
    url: checkEndpoint(secret, 'slack webhook url'),
    timeoutMs,
    body: JSON.stringify(message),
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'serverless-mdr-notify/1' },
  };
}

/** Web API errors worth another attempt (doc: transient server-side conditions). */
const RETRYABLE_SLACK_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/**
 * Incoming webhooks answer 200 `ok`, or 4xx with a plain-text code
 * (`invalid_payload`, `no_service`, `channel_not_found`, …: rejected).
 * `chat.postMessage` answers HTTP 200 with `{ok:false, error}` for most
 * failures, so the body decides. Both answer 429 with Retry-After.
 */
export function classifySlackResponse(res: HttpResponseInfo, mode: SlackChannelConfig['mode']): DeliveryOutcome {
  if (mode === 'webhook' || res.status < 200 || res.status >= 300) {
    return classifyHttpStatus(res, res.body ? excerpt(res.body) : undefined);
  }
  let parsed: { ok?: unknown; error?: unknown; ts?: unknown; warning?: unknown };
  try {
    parsed = JSON.parse(res.body) as typeof parsed;
  } catch {
    return { kind: 'retry', status: res.status, reason: `unreadable chat.postMessage answer: ${excerpt(res.body)}` };
  }
  if (parsed.ok === true) return { kind: 'sent', status: res.status, ...(typeof parsed.ts === 'string' ? { providerMessageId: parsed.ts } : {}) };
  const error = typeof parsed.error === 'string' ? parsed.error : 'unknown_error';
  if (RETRYABLE_SLACK_ERRORS.has(error)) {
    const retryAfterSeconds = parseRetryAfter(res.header('retry-after'));
    return { kind: 'retry', status: res.status, reason: `slack error ${error}`, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { kind: 'rejected', status: res.status, reason: `slack error ${error}` };
}
