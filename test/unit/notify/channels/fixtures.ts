import type { NotificationRequest } from '../../../../shared/contracts/notification';
import type { HttpResponseInfo } from '../../../../shared/notify/http';
import type { ChannelMessage } from '../../../../shared/notify/channels/message';

export const notification: NotificationRequest = {
  notificationId: '0123456789abcdef0123456789abcdef',
  tenantId: 'acme',
  caseId: 'case-42',
  caseVersion: 3,
  run: 1,
  loop: 0,
  tier: 1,
  channel: 'oncall',
  target: 'secops',
  severity: 'medium',
  status: 'NEW',
  title: 'Stale title from the request',
  reason: 'case_opened',
};

/** A message whose current case info differs from the request (re-read before sending) and carries raw observables. */
export function message(over: Partial<ChannelMessage> = {}): ChannelMessage {
  return {
    notification,
    current: {
      title: 'CloudTrail logging stopped by quinn',
      severity: 'high',
      status: 'NEW',
      entities: { users: ['quinn'], hosts: [], ips: ['203.0.113.9'], accounts: ['111122223333'], resources: [] },
    },
    caseLinkBase: 'https://soc.example.com/cases/',
    ackUrl: 'https://ack.example.com/a/tok123',
    ...over,
  };
}

export function response(status: number, body = '', headers: Record<string, string> = {}): HttpResponseInfo {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, body, header: (n) => lower[n.toLowerCase()] };
}

/** The raw observables a message must not leak unless configured. */
export const OBSERVABLES = ['quinn', '203.0.113.9', '111122223333'];
