import type { CaseRecord } from '../../../shared/cases/model';
import type { NotificationRequest } from '../../../shared/contracts/notification';
import type { ChannelsConfig } from '../../../shared/notify/channels';
import type { NotificationLedger } from '../../../shared/notify/ledger';
import { deliver, type NotifyContext } from '../../../shared/notify/notify-service';
import { pagerDutyReceiver } from '../../support/receivers/pagerduty';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

/** A ledger in memory: this test is about which requests reach PagerDuty, not about DynamoDB. */
function memoryLedger(): NotificationLedger & { sent: string[] } {
  const state = new Map<string, string>();
  const sent: string[] = [];
  return {
    sent,
    async claim(id) {
      if (state.get(id) === 'sent') return 'already-sent';
      state.set(id, 'sending');
      return 'claimed';
    },
    async release(id) {
      state.set(id, 'failed');
    },
    async markSent(id) {
      state.set(id, 'sent');
      sent.push(id);
    },
    async markRejected(id) {
      state.set(id, 'rejected');
    },
  };
}

const kase = { caseId: 'case-0123456789abcdef0123', status: 'ACKNOWLEDGED', title: 'Root sign-in', severity: 'critical', tags: [] } as unknown as CaseRecord;

function request(reason: NotificationRequest['reason'], channel: string, origin?: string): NotificationRequest {
  return {
    notificationId: `${reason}-${channel}-${origin ?? 'none'}`,
    tenantId: 'acme',
    caseId: kase.caseId,
    caseVersion: 2,
    run: 1,
    loop: 0,
    tier: 0,
    channel,
    target: 'incident',
    severity: 'critical',
    status: 'ACKNOWLEDGED',
    title: kase.title,
    reason,
    ...(origin ? { origin } : {}),
  };
}

describe('keeping PagerDuty incidents in step with the case', () => {
  const receiver = pagerDutyReceiver(ROUTING_KEY);
  let ctx: NotifyContext;

  beforeAll(async () => {
    const origin = await receiver.start();
    const channels: ChannelsConfig = {
      pd: { kind: 'pagerduty', secretId: 'mdr/pd', url: `${origin}/v2/enqueue` },
      hook: { kind: 'webhook', url: 'http://127.0.0.1:9/unused' },
    } as ChannelsConfig;
    ctx = {
      ledger: memoryLedger(),
      cases: { getCase: async () => kase },
      channels,
      delivery: { secret: async () => ROUTING_KEY },
      caseLinkBase: 'https://mdr.example/cases',
      now: () => new Date(),
      leaseSeconds: 30,
    };
  });

  afterAll(() => receiver.stop());

  it('acknowledges and resolves the incident when the case changes elsewhere', async () => {
    expect(await deliver(ctx, request('sync_acknowledge', 'pd', 'ack-link'))).toMatchObject({ kind: 'sent' });
    expect(await deliver(ctx, request('sync_resolve', 'pd', 'api'))).toMatchObject({ kind: 'sent' });
    const actions = receiver.accepted.map((r) => (r.json as { event_action: string; dedup_key: string }));
    expect(actions).toEqual([
      expect.objectContaining({ event_action: 'acknowledge', dedup_key: `mdr-${kase.caseId}` }),
      expect.objectContaining({ event_action: 'resolve', dedup_key: `mdr-${kase.caseId}` }),
    ]);
    expect(receiver.violations).toEqual([]);
  });

  it('does not echo an acknowledgement back to PagerDuty when it came from PagerDuty', async () => {
    const before = receiver.requests.length;
    expect(await deliver(ctx, request('sync_acknowledge', 'pd', 'pagerduty'))).toMatchObject({ kind: 'skipped' });
    expect(receiver.requests.length).toBe(before);
  });

  it('skips channels that keep no incident, without recording a send', async () => {
    expect(await deliver(ctx, request('sync_acknowledge', 'hook', 'api'))).toMatchObject({ kind: 'skipped' });
  });
});
