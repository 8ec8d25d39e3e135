import { createHash } from 'node:crypto';
import type { CaseStatus } from '../../contracts/case-event';
import type { Entities } from '../../contracts/finding';
import type { NotificationRequest } from '../../contracts/notification';
import type { Severity } from '../../contracts/severity';

/** The case as re-read just before sending; wins over what the request carried. */
export interface CurrentCaseInfo {
  title?: string;
  severity?: Severity;
  status?: CaseStatus;
  tags?: readonly string[];
  /** Raw observables; only rendered when the channel sets `includeObservables: true`. */
  entities?: Entities;
}

/** Everything a channel builder needs besides its configuration and secret. */
export interface ChannelMessage {
  notification: NotificationRequest;
  current?: CurrentCaseInfo;
  /** Base URL of case pages; the case link is `<base>/<caseId>` unless `caseUrl` is given. */
  caseLinkBase: string;
  /** The case page link for this notification (signed view link), when the case API and link secret are configured. */
  caseUrl?: string;
  /** Signed acknowledgement link for this notification, built by the ack service. */
  ackUrl?: string;
}

/** What every channel renders, computed once: current values, links, and observables only when allowed. */
export interface MessageView {
  notificationId: string;
  tenantId: string;
  caseId: string;
  caseVersion: number;
  severity: Severity;
  status: CaseStatus;
  title: string;
  reason: NotificationRequest['reason'];
  tier: number;
  target: string;
  caseUrl: string;
  ackUrl?: string;
  /** Present only with `includeObservables: true` and non-empty entities. */
  observables?: Partial<Record<keyof Entities, string[]>>;
}

/** Per kind, at most this many observables are rendered. */
export const MAX_OBSERVABLES_PER_KIND = 10;

export function caseUrl(caseLinkBase: string, caseId: string): string {
  return `${caseLinkBase.replace(/\/+$/, '')}/${encodeURIComponent(caseId)}`;
}

export function viewOf(msg: ChannelMessage, includeObservables = false): MessageView {
  const n = msg.notification;
  const view: MessageView = {
    notificationId: n.notificationId,
    tenantId: n.tenantId,
    caseId: n.caseId,
    caseVersion: n.caseVersion,
    severity: msg.current?.severity ?? n.severity,
    status: msg.current?.status ?? n.status,
    title: msg.current?.title ?? n.title,
    reason: n.reason,
    tier: n.tier,
    target: n.target,
    caseUrl: msg.caseUrl ?? caseUrl(msg.caseLinkBase, n.caseId),
    ...(msg.ackUrl ? { ackUrl: msg.ackUrl } : {}),
  };
  const entities = msg.current?.entities;
  if (includeObservables && entities) {
    const obs: Partial<Record<keyof Entities, string[]>> = {};
    for (const [kind, values] of Object.entries(entities) as [keyof Entities, string[]][]) {
      if (Array.isArray(values) && values.length) obs[kind] = values.slice(0, MAX_OBSERVABLES_PER_KIND);
    }
    if (Object.keys(obs).length) view.observables = obs;
  }
  return view;
}

const REASON_TEXT: Record<NotificationRequest['reason'], string> = {
  case_opened: 'New case',
  escalated: 'Escalated case',
  reminder: 'Reminder: case still unresolved',
  resend: 'Case (sent again on request)',
  sync_acknowledge: 'Case acknowledged',
  sync_resolve: 'Case resolved',
};

export function reasonText(reason: NotificationRequest['reason']): string {
  return REASON_TEXT[reason] ?? reason;
}

export function severityLabel(s: Severity): string {
  return s.toUpperCase();
}

/** Truncates to `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One line per observable kind: `users: alice, bob`. */
export function observableLines(view: MessageView): string[] {
  return Object.entries(view.observables ?? {}).map(([kind, values]) => `${kind}: ${(values as string[]).join(', ')}`);
}

/** `[HIGH] title`: the one-line headline every channel starts with. */
export function headline(view: MessageView): string {
  return `[${severityLabel(view.severity)}] ${view.title.replace(/\s+/g, ' ').trim()}`;
}

/** The plain-text body shared by email and fallbacks. */
export function plainText(view: MessageView): string {
  const lines = [
    `${reasonText(view.reason)}: ${headline(view)}`,
    '',
    `Severity: ${view.severity}`,
    `Status:   ${view.status}`,
    `Case:     ${view.caseId}`,
    `Open:     ${view.caseUrl}`,
  ];
  if (view.ackUrl) lines.push(`Acknowledge: ${view.ackUrl}`);
  const obs = observableLines(view);
  if (obs.length) lines.push('', 'Observables:', ...obs.map((l) => `  ${l}`));
  lines.push('', `Tenant ${view.tenantId} · escalation tier ${view.tier} · notification ${view.notificationId}`);
  return lines.join('\n');
}

/** A short hash for keys that would exceed a vendor's length limit. */
export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** Thrown by builders when configuration or a secret makes the request impossible; delivery turns it into `rejected`. */
export class ChannelSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelSetupError';
  }
}

/** A secret-held or configured endpoint, returned as given (trimmed): https, or plain http to loopback only. */
export function checkEndpoint(raw: string, what: string): string {
  const url = raw.trim();
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ChannelSetupError(`${what} is not an absolute URL`);
  }
  if (u.protocol === 'https:') return url;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return url;
  throw new ChannelSetupError(`${what} must use https (plain http only to loopback)`);
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Reads a secret value: the plain string, or from a JSON object (Secrets
 * Manager's key/value form) the first of `keys` that holds a string.
 */
export function secretField(raw: string, keys: readonly string[], what: string): string {
  const s = raw.trim();
  if (s.startsWith('{')) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(s) as Record<string, unknown>;
    } catch {
      throw new ChannelSetupError(`${what} secret is not valid JSON`);
    }
    for (const k of keys) {
      const v = obj[k];
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
    throw new ChannelSetupError(`${what} secret has none of the keys ${keys.join(', ')}`);
  }
  if (!s) throw new ChannelSetupError(`${what} secret is empty`);
  return s;
}

/** Resolves a notification target to recipients: a named group, the target itself when it looks right, else the defaults. */
export function resolveRecipients(
  target: string,
  opts: { to?: readonly string[]; recipients?: Readonly<Record<string, readonly string[]>> },
  looksLikeAddress: (s: string) => boolean,
): string[] {
  const named = opts.recipients?.[target];
  if (named?.length) return [...named];
  if (looksLikeAddress(target)) return [target];
  return [...(opts.to ?? [])];
}

export const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
