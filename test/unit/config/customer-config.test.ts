import { ConfigError, parseCustomerConfig } from '../../../shared/config/customer-config';

const valid = {
  tenantId: 'acme',
  channels: { webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' } },
};

function errorOf(input: unknown): ConfigError {
  try {
    parseCustomerConfig(input);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('customer configuration', () => {
  it('fills safe defaults', () => {
    const c = parseCustomerConfig(valid);
    expect(c).toMatchObject({ resourcePrefix: 'mdr-acme', correlationWindowMinutes: 60, maxAlertsPerCase: 150, logRetentionDays: 90 });
    expect(c.escalation.routes[0].policy).toBe('default');
  });

  it.each([
    [{ ...valid, tenantId: 'Acme Corp' }, 'tenantId'],
    [{ ...valid, correlationWindowMinutes: 2 }, 'correlationWindowMinutes'],
    [{ ...valid, correlationWindowMinutes: 24 * 60 + 1 }, 'correlationWindowMinutes'],
    [{ ...valid, provider: { accountId: '123', region: 'us-east-1', busName: 'b' } }, 'provider.accountId'],
    [{ ...valid, channels: { hook: { kind: 'carrier-pigeon', url: 'https://x.example' } } }, 'channels.hook.kind'],
    [{ ...valid, channels: { hook: { kind: 'webhook', url: 'http://hooks.example.com' } } }, 'channels.hook.url'],
    [
      { ...valid, escalation: { routes: [{ policy: 'p' }], policies: [{ name: 'p', tiers: [{ delaySeconds: 0, channels: ['nope'], targets: [] }] }] } },
      'escalation.policies[0].tiers[0].channels',
    ],
    [{ ...valid, escalation: { routes: [{ policy: 'missing' }], policies: [] } }, 'escalation.routes[0].policy'],
  ])('names the bad field (%#)', (input, field) => {
    const e = errorOf(input);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
  });

  it('allows plain http only for loopback receivers', () => {
    expect(() => parseCustomerConfig({ ...valid, channels: { webhook: { kind: 'webhook', url: 'http://127.0.0.1:8080/h' } } })).not.toThrow();
  });
});

describe('escalation policy options', () => {
  const withPolicy = (extra: Record<string, unknown>) => ({
    ...valid,
    escalation: { routes: [{ policy: 'p' }], policies: [{ name: 'p', tiers: [{ delaySeconds: 0, channels: ['webhook'], targets: ['a'] }], ...extra }] },
  });

  it('accepts repeat, reminders and quiet hours', () => {
    expect(() =>
      parseCustomerConfig(withPolicy({ repeat: 2, reminderSeconds: 1800, quietHours: { timeZone: 'Europe/Berlin', start: '22:00', end: '07:00', overrideSeverities: ['critical'] } })),
    ).not.toThrow();
  });

  it.each([
    [{ repeat: 9 }, 'escalation.policies[0].repeat'],
    [{ reminderSeconds: 5 }, 'escalation.policies[0].reminderSeconds'],
    [{ quietHours: { timeZone: 'Mars/Olympus', start: '22:00', end: '07:00', overrideSeverities: [] } }, 'escalation.policies[0].quietHours'],
    [{ quietHours: { timeZone: 'UTC', start: '25:00', end: '07:00', overrideSeverities: [] } }, 'escalation.policies[0].quietHours'],
  ])('names the bad option (%#)', (extra, field) => {
    expect(errorOf(withPolicy(extra)).field).toBe(field);
  });
});
