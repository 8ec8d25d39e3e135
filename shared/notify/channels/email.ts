import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { EmailChannelConfig } from '../channels';
import type { DeliveryOutcome } from '../http';
import { classifyAwsError } from './aws-errors';
import {
  ChannelSetupError,
  EMAIL_PATTERN,
  headline,
  observableLines,
  plainText,
  reasonText,
  resolveRecipients,
  truncate,
  viewOf,
  type ChannelMessage,
  type MessageView,
} from './message';

/** SES v2 takes up to 50 recipients per message (doc). */
export const SES_MAX_RECIPIENTS = 50;

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A small, inline-styled HTML body with the same content as the text body. */
export function emailHtml(view: MessageView): string {
  const rows = [
    ['Severity', view.severity],
    ['Status', view.status],
    ['Case', view.caseId],
    ['Tenant', view.tenantId],
    ['Escalation tier', String(view.tier)],
  ]
    .map(([k, v]) => `<tr><th align="left" style="padding-right:12px">${html(k)}</th><td>${html(v)}</td></tr>`)
    .join('');
  const obs = observableLines(view);
  const buttons = [
    view.ackUrl
      ? `<a href="${html(view.ackUrl)}" style="display:inline-block;padding:8px 14px;background:#1a7f37;color:#fff;text-decoration:none;border-radius:4px">Acknowledge</a>`
      : '',
    `<a href="${html(view.caseUrl)}" style="display:inline-block;padding:8px 14px;border:1px solid #888;text-decoration:none;border-radius:4px">Open case</a>`,
  ]
    .filter(Boolean)
    .join(' ');
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p style="color:#666">${html(reasonText(view.reason))}</p>`,
    `<h2>${html(headline(view))}</h2>`,
    `<table>${rows}</table>`,
    obs.length ? `<h3>Observables</h3><ul>${obs.map((l) => `<li>${html(l)}</li>`).join('')}</ul>` : '',
    `<p>${buttons}</p>`,
    view.ackUrl ? `<p style="font-size:small;color:#666">Acknowledge link: ${html(view.ackUrl)}</p>` : '',
    `<p style="font-size:small;color:#666">Notification ${html(view.notificationId)}</p>`,
    '</body></html>',
  ].join('');
}

/** SES tag values allow letters, digits, `_`, `-`, `.`, `@` (doc); anything else becomes `_`. */
function tagValue(s: string): string {
  return s.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256) || '_';
}

/** Pure builder: the SES v2 SendEmail input (simple content, text and HTML bodies). */
export function buildEmail(msg: ChannelMessage, config: EmailChannelConfig): SendEmailCommandInput {
  const view = viewOf(msg, config.includeObservables === true);
  const to = resolveRecipients(view.target, config, (s) => EMAIL_PATTERN.test(s));
  if (!to.length) throw new ChannelSetupError(`no email recipient for target "${view.target}"`);
  if (to.length > SES_MAX_RECIPIENTS) throw new ChannelSetupError(`more than ${SES_MAX_RECIPIENTS} email recipients for target "${view.target}"`);
  const subject = truncate(`${headline(view)} — ${reasonText(view.reason).toLowerCase()}`.replace(/[\r\n]+/g, ' '), 200);
  return {
    FromEmailAddress: config.from,
    Destination: { ToAddresses: to },
    Content: {
      Simple: {
        Subject: { Data: subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: plainText(view), Charset: 'UTF-8' },
          Html: { Data: emailHtml(view), Charset: 'UTF-8' },
        },
      },
    },
    EmailTags: [
      { Name: 'mdr-case', Value: tagValue(view.caseId) },
      { Name: 'mdr-notification', Value: tagValue(view.notificationId) },
    ],
    ...(config.configurationSetName ? { ConfigurationSetName: config.configurationSetName } : {}),
  };
}

/** SendEmail succeeded: sent with the SES message id. */
export function emailSent(out: { MessageId?: string; $metadata?: { httpStatusCode?: number } }): DeliveryOutcome {
  return { kind: 'sent', status: out.$metadata?.httpStatusCode ?? 200, ...(out.MessageId ? { providerMessageId: out.MessageId } : {}) };
}

/** Throttling (TooManyRequests, LimitExceeded) and 5xx retry; MessageRejected, unverified sender, paused sending, bad input: rejected. */
export function classifyEmailError(e: unknown): DeliveryOutcome {
  return classifyAwsError(e, 'SES SendEmail');
}
