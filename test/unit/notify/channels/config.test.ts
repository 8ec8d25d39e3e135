import { ConfigError, parseCustomerConfig } from '../../../../shared/config/customer-config';

const base = { tenantId: 'acme' };
const withChannels = (channels: Record<string, unknown>) => ({
  ...base,
  channels,
  escalation: { routes: [{ policy: 'p' }], policies: [{ name: 'p', tiers: [{ delaySeconds: 0, channels: Object.keys(channels), targets: ['secops'] }] }] },
});

function fieldOf(input: unknown): string | undefined {
  try {
    parseCustomerConfig(input);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e.field;
    throw e;
  }
}

describe('channel configuration (parseChannels)', () => {
  it('accepts all six kinds', () => {
    const channels = {
      hook: { kind: 'webhook', url: 'https://hooks.example.com/mdr', secretId: 'mdr/hook' },
      legacy: { kind: 'webhook', url: 'http://127.0.0.1:8080/h' },
      pd: { kind: 'pagerduty', secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:mdr/pd-AbCdEf', region: 'eu' },
      slackhook: { kind: 'slack', mode: 'webhook', secretId: 'mdr/slack-hook', includeObservables: true },
      slackbot: { kind: 'slack', mode: 'bot', secretId: 'mdr/slack-bot', channelId: 'C0123ABCD', timeoutMs: 5000 },
      teams: { kind: 'teams', secretId: 'mdr/teams' },
      mail: { kind: 'email', from: 'MDR <mdr@example.com>', to: ['soc@example.com'], recipients: { secops: ['a@example.com'] } },
      text: { kind: 'sms', recipients: { secops: ['+15550100001'] }, senderId: 'ACME', smsType: 'Transactional' },
    };
    const cfg = parseCustomerConfig(withChannels(channels));
    expect(Object.keys(cfg.channels)).toEqual(Object.keys(channels));
    expect(cfg.channels.slackbot).toEqual({ kind: 'slack', mode: 'bot', secretId: 'mdr/slack-bot', channelId: 'C0123ABCD', timeoutMs: 5000 });
    expect(cfg.channels.legacy).toEqual({ kind: 'webhook', url: 'http://127.0.0.1:8080/h' });
    expect(parseCustomerConfig(withChannels({ s: { kind: 'slack', secretId: 'x', channelId: 'C0123ABCD' } })).channels.s).toMatchObject({ mode: 'bot' });
    // Pinning Acknowledge clicks to the customer's workspace.
    expect(parseCustomerConfig(withChannels({ s: { kind: 'slack', secretId: 'x', teamId: 'T0123ABC' } })).channels.s).toMatchObject({ mode: 'webhook', teamId: 'T0123ABC' });
    expect(fieldOf(withChannels({ s: { kind: 'slack', secretId: 'x', teamId: 'workspace' } }))).toBe('channels.s.teamId');
  });

  it.each([
    [{ kind: 'pagerduty' }, 'channels.c.secretId'],
    [{ kind: 'pagerduty', secretId: 'has spaces' }, 'channels.c.secretId'],
    [{ kind: 'pagerduty', secretId: 'x', routingKey: 'R0UT1NG' }, 'channels.c.routingKey'],
    [{ kind: 'pagerduty', secretId: 'x', region: 'ap' }, 'channels.c.region'],
    [{ kind: 'pagerduty', secretId: 'x', url: 'http://events.example.com/v2/enqueue' }, 'channels.c.url'],
    [{ kind: 'slack', mode: 'bot', secretId: 'x' }, 'channels.c.channelId'],
    [{ kind: 'slack', mode: 'bot', secretId: 'x', channelId: '#general' }, 'channels.c.channelId'],
    [{ kind: 'slack', mode: 'webhook', secretId: 'x', webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, 'channels.c.webhookUrl'],
    [{ kind: 'slack', mode: 'carrier', secretId: 'x' }, 'channels.c.mode'],
    [{ kind: 'teams', secretId: 'x', token: 't' }, 'channels.c.token'],
    [{ kind: 'teams' }, 'channels.c.secretId'],
    [{ kind: 'email', to: ['a@example.com'] }, 'channels.c.from'],
    [{ kind: 'email', from: 'not-an-address' }, 'channels.c.from'],
    [{ kind: 'email', from: 'a@example.com', to: ['ok@example.com', 'nope'] }, 'channels.c.to[1]'],
    [{ kind: 'email', from: 'a@example.com', recipients: { secops: [] } }, 'channels.c.recipients.secops'],
    [{ kind: 'sms', to: ['5550100'] }, 'channels.c.to[0]'],
    [{ kind: 'sms', senderId: 'WAY-TOO-LONG-ID' }, 'channels.c.senderId'],
    [{ kind: 'sms', smsType: 'Urgent' }, 'channels.c.smsType'],
    [{ kind: 'webhook', url: 'http://hooks.example.com' }, 'channels.c.url'],
    [{ kind: 'webhook', url: 'https://hooks.example.com', signingSecret: 's' }, 'channels.c.signingSecret'],
    [{ kind: 'teams', secretId: 'x', timeoutMs: 60_000 }, 'channels.c.timeoutMs'],
    [{ kind: 'teams', secretId: 'x', includeObservables: 'yes' }, 'channels.c.includeObservables'],
    [{ kind: 'teams', secretId: 'x', colour: 'red' }, 'channels.c.colour'],
    [{ kind: 'fax' }, 'channels.c.kind'],
  ])('refuses %j naming %s', (channel, field) => {
    expect(fieldOf(withChannels({ c: channel }))).toBe(field);
  });
});
