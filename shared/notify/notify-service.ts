import type { CaseStore } from '../cases/store';
import type { NotificationRequest } from '../contracts/notification';
import type { ChannelsConfig } from './channels';
import { post, type DeliveryOutcome } from './http';
import type { NotificationLedger } from './ledger';
import { webhookRequest } from './webhook';

export interface NotifyContext {
  ledger: NotificationLedger;
  cases: Pick<CaseStore, 'getCase'>;
  channels: ChannelsConfig;
  secrets: (channel: string) => Promise<readonly string[]>;
  caseLinkBase: string;
  now: () => Date;
  /** How long a claimed delivery is held before another attempt may take over: the function timeout. */
  leaseSeconds: number;
}

export type NotifyResult = { kind: 'sent' | 'duplicate' | 'skipped' } | DeliveryOutcome;

/**
 * Delivers one notification at most once per id (as far as HTTP allows: a
 * crash after the receiver answered repeats it with the same delivery id).
 * Re-reads the case first: an acknowledged or resolved case is not paged.
 */
export async function deliver(ctx: NotifyContext, n: NotificationRequest): Promise<NotifyResult> {
  const channel = ctx.channels[n.channel];
  const at = ctx.now().toISOString();
  if (!channel) {
    await ctx.ledger.markRejected(n.notificationId, n.caseId, at, `unknown channel "${n.channel}"`);
    return { kind: 'rejected', status: 0, reason: `unknown channel "${n.channel}"` };
  }
  const current = await ctx.cases.getCase(n.caseId);
  if (current && current.status !== 'NEW') return { kind: 'skipped' };
  const claim = await ctx.ledger.claim(n.notificationId, n.caseId, ctx.now(), ctx.leaseSeconds);
  if (claim === 'already-sent') return { kind: 'duplicate' };
  if (claim === 'in-progress') return { kind: 'retry', reason: 'another delivery of this notification is in progress' };
  const request = {
    ...n,
    title: current?.title ?? n.title,
    severity: current?.severity ?? n.severity,
  };
  const outcome = await post(webhookRequest(request, channel, await ctx.secrets(n.channel), ctx.caseLinkBase, Math.floor(ctx.now().getTime() / 1000)));
  if (outcome.kind === 'sent') {
    await ctx.ledger.markSent(n.notificationId, n.caseId, ctx.now().toISOString(), { channel: n.channel, status: outcome.status });
  } else if (outcome.kind === 'rejected') {
    await ctx.ledger.markRejected(n.notificationId, n.caseId, ctx.now().toISOString(), outcome.reason);
  } else {
    await ctx.ledger.release(n.notificationId, n.caseId, outcome.reason);
  }
  return outcome;
}
