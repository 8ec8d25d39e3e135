import type { NotificationRequest } from '../contracts/notification';
import type { WebhookChannelConfig } from './channels';
import { signatureHeader } from './signature';

export const SIGNATURE_HEADER = 'x-mdr-signature';
export const DELIVERY_HEADER = 'x-mdr-delivery-id';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The webhook body: what happened to which case, with its link; no raw observables. */
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
      url: `${caseLinkBase.replace(/\/$/, '')}/${encodeURIComponent(n.caseId)}`,
    },
    escalation: { run: n.run, loop: n.loop, tier: n.tier, target: n.target },
  });
}

export function webhookRequest(
  n: NotificationRequest,
  channel: WebhookChannelConfig,
  secrets: readonly string[],
  caseLinkBase: string,
  nowSeconds: number,
): HttpRequest {
  const body = webhookBody(n, caseLinkBase);
  return {
    url: channel.url,
    body,
    timeoutMs: channel.timeoutMs ?? 10_000,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'serverless-mdr-notify/1',
      [DELIVERY_HEADER]: n.notificationId,
      [SIGNATURE_HEADER]: signatureHeader(secrets, nowSeconds, body),
    },
  };
}
