import type { CaseRecord } from '../../../shared/cases/model';
import type { NotificationRequest } from '../../../shared/contracts/notification';
import type { ChannelsConfig } from '../../../shared/notify/channels';
import type { NotificationLedger } from '../../../shared/notify/ledger';
import { deliver, type NotifyContext } from '../../../shared/notify/notify-service';

const NOW = new Date('2026-12-02T10:00:10.000Z');

/** A delivery another attempt holds, with the lease ending at `leaseEndsAt`. */
function heldLedger(leaseEndsAt: Date, calls: string[]): NotificationLedger {
  return {
    claim: async () => ({ state: 'in-progress', leaseEndsAt }),
    release: async (id) => void calls.push(`release ${id}`),
    markSent: async (id) => void calls.push(`sent ${id}`),
    markRejected: async (id) => void calls.push(`rejected ${id}`),
  };
}

function context(ledger: NotificationLedger): NotifyContext {
  return {
    ledger,
    cases: { getCase: async () => ({ caseId: 'case-1', status: 'NEW', title: 'Root sign-in', severity: 'high', tags: [] }) as unknown as CaseRecord },
    // Port 9 (discard): a delivery that got this far would fail loudly; none may.
    channels: { hook: { kind: 'webhook', url: 'http://127.0.0.1:9/hook' } } as ChannelsConfig,
    delivery: { secret: async () => 'unused' },
    caseLinkBase: 'https://mdr.example/cases',
    now: () => NOW,
    leaseSeconds: 30,
  };
}

const request = {
  notificationId: 'n-1',
  tenantId: 'acme',
  caseId: 'case-1',
  caseVersion: 1,
  run: 1,
  loop: 0,
  tier: 0,
  channel: 'hook',
  target: 'on-call',
  severity: 'high',
  status: 'NEW',
  title: 'Root sign-in',
  reason: 'escalated',
} as NotificationRequest;

describe('a notification another attempt is delivering', () => {
  it('is retried when that attempt\'s lease ends, without sending or releasing anything', async () => {
    const calls: string[] = [];
    const result = await deliver(context(heldLedger(new Date(NOW.getTime() + 20_000), calls)), request);
    expect(result).toEqual({ kind: 'retry', reason: expect.stringContaining('in progress'), retryAfterSeconds: 20 });
    expect(calls).toEqual([]);
  });

  it('is retried after a second at least when the lease has just ended', async () => {
    const result = await deliver(context(heldLedger(new Date(NOW.getTime() - 5_000), [])), request);
    expect(result).toMatchObject({ kind: 'retry', retryAfterSeconds: 1 });
  });
});
