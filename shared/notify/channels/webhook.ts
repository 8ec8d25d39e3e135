import type { NotificationRequest } from '../../contracts/notification';
import type { ChannelConfig, SignedWebhookChannelConfig, WebhookChannelConfig } from '../channels';
import { classifyHttpStatus, excerpt, type DeliveryOutcome, type HttpRequest, type HttpResponseInfo } from '../http';
import { signatureHeader } from '../signature';
import { caseUrl, ChannelSetupError, checkEndpoint, viewOf, type ChannelMessage, type MessageView } from './message';

export const SIGNATURE_HEADER = 'x-mdr-signature';
export const DELIVERY_HEADER = 'x-mdr-delivery-id';
export const WEBHOOK_USER_AGENT = 'serverless-mdr-notify/1';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The webhook body (schema `webhook-notification/1.x`): the case, its links, the escalation step; observables only when configured. */
export function webhookPayload(view: MessageView, n: Pick<NotificationRequest, 'run' | 'loop' | 'tier' | 'target'>): Record<string, unknown> {
  return {
    type: 'mdr.notification',
    version: '1.1',
    deliveryId: view.notificationId,
    reason: view.reason,
    tenantId: view.tenantId,
    case: {
      id: view.caseId,
      version: view.caseVersion,
      title: view.title,
      severity: view.severity,
      status: view.status,
      url: view.caseUrl,
      ...(view.ackUrl ? { ackUrl: view.ackUrl } : {}),
    },
    escalation: { run: n.run, loop: n.loop, tier: n.tier, target: n.target },
    ...(view.observables ? { observables: view.observables } : {}),
  };
}

/** The foundation's body (version 1.0, no ack link): kept for callers that still build from a bare request. */
export function webhookBody(n: NotificationRequest, caseLinkBase: string): string {
  return JSON.stringify({
    type: 'mdr.notification',
    version: '1.0',
    deliveryId: n.notificationId,
    reason: n.reason,
    tenantId: n.tenantId,
    case: {
      id: n.caseId,
      version: n.caseVersion,
      title: n.title,
      severity: n.severity,
      status: n.status,
      url: caseUrl(caseLinkBase, n.caseId),
    },
    escalation: { run: n.run, loop: n.loop, tier: n.tier, target: n.target },
  });
}

function signedRequest(url: string, body: string, deliveryId: string, secrets: readonly string[], timeoutMs: number | undefined, nowSeconds: number): HttpRequest {
  if (!secrets.length) throw new ChannelSetupError('webhook has no signing secret');
  return {
    url,
    body,
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      [DELIVERY_HEADER]: deliveryId,
      [SIGNATURE_HEADER]: signatureHeader(secrets, nowSeconds, body),
    },
  };
}

/** The foundation's builder; accepts any channel config so existing callers compile, but only webhooks build. */
export function webhookRequest(
  n: NotificationRequest,
  channel: WebhookChannelConfig | ChannelConfig,
  secrets: readonly string[],
  caseLinkBase: string,
  nowSeconds: number,
): HttpRequest {
  if (channel.kind !== 'webhook') throw new ChannelSetupError(`webhookRequest cannot build a ${channel.kind} request; use deliverVia`);
  return signedRequest(channel.url, webhookBody(n, caseLinkBase), n.notificationId, secrets, channel.timeoutMs, nowSeconds);
}

/** Pure builder: the signed POST for one notification (current case values, case and ack links). */
export function buildWebhookRequest(msg: ChannelMessage, config: SignedWebhookChannelConfig, secrets: readonly string[], nowSeconds: number): HttpRequest {
  checkEndpoint(config.url, 'webhook url');
  const view = viewOf(msg, config.includeObservables === true);
  const body = JSON.stringify(webhookPayload(view, msg.notification));
  return signedRequest(config.url, body, view.notificationId, secrets, config.timeoutMs, nowSeconds);
}

/**
 * The signing secrets held in a secret value: a plain string, a JSON list,
 * or `{"current": …, "previous": …}` (both signed during a rotation).
 */
export function parseSigningSecrets(raw: string): string[] {
  const s = raw.trim();
  if (!s) throw new ChannelSetupError('webhook signing secret is empty');
  if (!s.startsWith('[') && !s.startsWith('{')) return [s];
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new ChannelSetupError('webhook signing secret is not valid JSON');
  }
  const list = Array.isArray(v)
    ? v
    : typeof v === 'object' && v !== null
      ? [(v as Record<string, unknown>).current, (v as Record<string, unknown>).previous, ...((v as { secrets?: unknown[] }).secrets ?? [])]
      : [];
  const secrets = list.filter((x): x is string => typeof x === 'string' && x.length > 0);
  if (!secrets.length) throw new ChannelSetupError('webhook signing secret holds no secrets');
  return [...new Set(secrets)];
}

/** Generic status reading, with the receiver's explanation in the reason. */
export function classifyWebhookResponse(res: HttpResponseInfo): DeliveryOutcome {
  return classifyHttpStatus(res, res.body ? excerpt(res.body) : undefined);
}
