import { ConfigError, parseCustomerConfig } from '../../../shared/config/customer-config';
import { parseInvestigation } from '../../../shared/config/investigation-config';

const fieldOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.field;
    throw e;
  }
  throw new Error('no ConfigError');
};

describe('investigation configuration', () => {
  it('takes inline context and intel, and S3 objects it must be allowed to read', () => {
    const c = parseInvestigation({
      context: { accountAliases: { '111122223333': 'prod' } },
      intel: [
        { name: 'feed', uri: 's3://sec-bucket/intel/feed.txt' },
        { name: 'inline-feed', entries: [{ indicator: '203.0.113.0/24', category: 'scanner' }] },
      ],
      refreshSeconds: 60,
      runbooks: { 'attack.t1562.008': ['Re-enable the trail.'] },
    });
    expect(c.source.context).toEqual({ inline: { accountAliases: { '111122223333': 'prod' } } });
    expect(c.objects).toEqual([{ bucket: 'sec-bucket', key: 'intel/feed.txt' }]);
    expect(c.source.refreshSeconds).toBe(60);
    expect(c.runbooks['attack.t1562.008']).toEqual(['Re-enable the trail.']);
  });

  it('names the field of a bad context document, intel list or runbook', () => {
    expect(fieldOf(() => parseInvestigation({ context: { accountAliases: { nope: 'prod' } } }))).toMatch(/^investigation\.context\.accountAliases/);
    expect(fieldOf(() => parseInvestigation({ context: 'https://example.com/context.json' }))).toBe('investigation.context');
    expect(fieldOf(() => parseInvestigation({ intel: [{ name: 'feed', entries: [{ indicator: 'not-an-ip', category: 'x' }] }] }))).toMatch(/^investigation\.intel\[0\]\.entries\[0\]/);
    expect(fieldOf(() => parseInvestigation({ intel: [{ name: 'feed' }] }))).toBe('investigation.intel[0]');
    expect(fieldOf(() => parseInvestigation({ runbooks: { x: [] } }))).toBe('investigation.runbooks.x');
  });

  it('is part of the customer configuration, empty by default, with response actions all disabled', () => {
    const c = parseCustomerConfig({ tenantId: 'acme', channels: { webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' } } });
    expect(c.investigation).toEqual({ source: {}, objects: [], runbooks: {} });
    expect(Object.values(c.response.actions).every((a) => !a.enabled)).toBe(true);
    expect(c.suppressions).toEqual([]);
    expect(c.logGroups).toEqual([]);
  });
});
