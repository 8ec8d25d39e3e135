import { caseViewUrl, DEFAULT_VIEW_LINK_TTL_MS, issueViewToken } from '../ack/view-token';
import { LINK_TEXT_ID } from '../ack/link-token';
import type { CaseStore } from '../cases/store';
import type { NotificationRequest } from '../contracts/notification';
import type { ChannelsConfig } from './channels';
import { deliverVia, syncCaseState, type DeliveryContext, type DeliveryOutcome } from './channels/index';
import type { NotificationLedger } from './ledger';

export interface NotifyContext {
  ledger: NotificationLedger;
  cases: Pick<CaseStore, 'getCase'>;
  channels: ChannelsConfig;
  /** Secrets, SDK clients and clock the channel drivers use. */
  delivery: DeliveryContext;
  caseLinkBase: string;
  /** The signed acknowledgement link of a notification, when ack links are configured. */
  ackUrl?: (n: NotificationRequest) => Promise<string | undefined>;
  /** The case page link (signed view link) of a notification, when configured; else `caseLinkBase/<caseId>`. */
  caseUrl?: (n: NotificationRequest) => Promise<string | undefined>;
  now: () => Date;
  /** How long a claimed delivery is held before another attempt may take over: the function timeout. */
  leaseSeconds: number;
}

/** Channel kinds with an incident of their own that follows the case's acknowledge and resolve. */
const INCIDENT_CHANNELS: readonly string[] = ['pagerduty'];

export type NotifyResult = { kind: 'sent' | 'duplicate' | 'skipped'; reason?: string } | DeliveryOutcome;

/** Page only while nobody has taken the case; reminders only while it is still open. */
function stillWanted(n: NotificationRequest, status: string | undefined): boolean {
  if (status === undefined || n.reason === 'sync_acknowledge' || n.reason === 'sync_resolve') return true;
  if (n.reason === 'reminder') return status === 'ACKNOWLEDGED' || status === 'IN_PROGRESS';
  if (n.reason === 'resend') return status === 'NEW' || status === 'ACKNOWLEDGED' || status === 'IN_PROGRESS';
  return status === 'NEW';
}

/**
 * The case page link a notification carries: a view token for the
 * notification's target (a policy target id; acts on the page are attributed
 * to it), valid for DEFAULT_VIEW_LINK_TTL_MS. Undefined when the target
 * cannot name a viewer; the message then carries the plain case link.
 */
export function notificationViewUrl(caseApiUrl: string, secret: string, n: Pick<NotificationRequest, 'caseId' | 'target'>, now: Date): string | undefined {
  if (!LINK_TEXT_ID.test(n.target)) return undefined;
  const token = issueViewToken({ caseId: n.caseId, viewer: n.target, expiresAt: now.getTime() + DEFAULT_VIEW_LINK_TTL_MS }, secret);
  return caseViewUrl(caseApiUrl, n.caseId, token);
}

/** The signed case page link, or nothing (the plain case link) when it cannot be issued for this target. */
async function caseLink(ctx: NotifyContext, n: NotificationRequest): Promise<{ caseUrl?: string }> {
  const url = await ctx.caseUrl?.(n);
  return url ? { caseUrl: url } : {};
}

/**
 * Delivers one notification at most once per id (as far as the channel
 * allows: a crash after the receiver answered repeats it with the same
 * delivery id). Re-reads the case first: title and severity are current, and
 * a case acknowledged or resolved meanwhile is not paged.
 */
export async function deliver(ctx: NotifyContext, n: NotificationRequest): Promise<NotifyResult> {
  const channel = ctx.channels[n.channel];
  const at = ctx.now().toISOString();
  if (!channel) {
    await ctx.ledger.markRejected(n.notificationId, n.caseId, at, `unknown channel "${n.channel}"`);
    return { kind: 'rejected', status: 0, reason: `unknown channel "${n.channel}"` };
  }
  const sync = n.reason === 'sync_acknowledge' ? 'acknowledge' : n.reason === 'sync_resolve' ? 'resolve' : undefined;
  if (sync && !INCIDENT_CHANNELS.includes(channel.kind)) return { kind: 'skipped', reason: `${channel.kind} keeps no incident to sync` };
  // Never echo a change back to the channel it came from (PagerDuty told us; PagerDuty knows).
  if (sync && channel.kind === n.origin) return { kind: 'skipped', reason: `change came from ${n.origin}` };
  const current = await ctx.cases.getCase(n.caseId);
  if (!stillWanted(n, current?.status)) return { kind: 'skipped', reason: `case is ${current?.status}` };
  const claim = await ctx.ledger.claim(n.notificationId, n.caseId, ctx.now(), ctx.leaseSeconds);
  if (claim === 'already-sent') return { kind: 'duplicate' };
  if (claim !== 'claimed') {
    const retryAfterSeconds = Math.max(1, Math.ceil((claim.leaseEndsAt.getTime() - ctx.now().getTime()) / 1000));
    return { kind: 'retry', reason: 'another delivery of this notification is in progress', retryAfterSeconds };
  }
  const outcome = sync
    ? ((await syncCaseState(channel, n.caseId, sync, ctx.delivery)) ?? { kind: 'sent' as const, status: 0 })
    : await deliverVia(
    channel,
    {
      notification: n,
      current: current && { title: current.title, severity: current.severity, status: current.status, tags: current.tags, entities: current.entities },
      caseLinkBase: ctx.caseLinkBase,
      ...(await caseLink(ctx, n)),
      // Reminders go to people who already acknowledged: no ack link.
      ackUrl: n.reason === 'reminder' ? undefined : await ctx.ackUrl?.(n),
    },
    ctx.delivery,
  );
  const done = ctx.now().toISOString();
  if (outcome.kind === 'sent') {
    await ctx.ledger.markSent(n.notificationId, n.caseId, done, { channel: n.channel, target: n.target, tier: n.tier, status: outcome.status });
  } else if (outcome.kind === 'rejected') {
    await ctx.ledger.markRejected(n.notificationId, n.caseId, done, outcome.reason);
  } else {
    await ctx.ledger.release(n.notificationId, n.caseId, outcome.reason);
  }
  return outcome;
}
