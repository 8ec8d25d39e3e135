import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileContext, ContextError, parseContextDocument } from '../../../shared/investigation/context';

const doc = {
  version: '7',
  assets: [
    { id: 'web', name: 'Web tier', owner: 'platform-team', environment: 'prod', criticality: 'high', match: { instanceIds: ['i-0web1'], hosts: ['web-*'], ips: ['10.20.0.0/16', '2001:db8:20::/48'] } },
    { id: 'exports', name: 'Customer exports', match: { buckets: ['customer-export*'], accounts: ['111122223333'] } },
  ],
  vipUsers: [{ user: 'ceo@example.com', reason: 'Chief executive' }, { user: 'arn:aws:iam::*:user/breakglass-*' }],
  knownRanges: [{ name: 'office', cidrs: ['198.51.100.0/24'] }, { name: 'vpn', cidrs: ['198.51.100.128/25', '2001:db8:ff::/48'] }],
  allowLists: [
    { name: 'scanner', type: 'ip', values: ['192.0.2.10'], reason: 'Weekly vulnerability scan' },
    { name: 'ci-keys', type: 'access_key', values: ['AKIAEXAMPLECI*'], reason: 'CI pipeline keys' },
  ],
  accountAliases: { '111122223333': 'prod' },
  owners: [{ owner: 'iam-team', type: 'role', values: ['Deploy*'] }],
};

describe('parseContextDocument', () => {
  test('accepts the documented shape, from an object or JSON text; every list is optional', () => {
    expect(parseContextDocument(JSON.stringify(doc))).toEqual(parseContextDocument(doc));
    expect(parseContextDocument({})).toEqual({ assets: [], vipUsers: [], knownRanges: [], allowLists: [], accountAliases: {}, owners: [] });
  });

  test('the shipped example parses', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'config', 'context.example.json'), 'utf8');
    const parsed = parseContextDocument(text);
    expect(parsed.assets.length).toBeGreaterThan(0);
    expect(parsed.knownRanges.length).toBeGreaterThan(0);
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['not JSON', '{', '(document)', /not valid JSON/],
    ['an array', [], '(document)', /JSON object/],
    ['misspelt list', { vipUser: [] }, 'vipUser', /unknown field/],
    ['asset without id', { assets: [{ match: { hosts: ['a'] } }] }, 'assets[0].id', /non-empty string/],
    ['asset matching nothing', { assets: [{ id: 'a', match: {} }] }, 'assets[0].match', /at least one/],
    ['bad criticality', { assets: [{ id: 'a', criticality: 'huge', match: { hosts: ['a'] } }] }, 'assets[0].criticality', /low, medium, high, critical/],
    ['bad CIDR', { knownRanges: [{ name: 'x', cidrs: ['10.0.0.0/8', '10.0.0.0/40'] }] }, 'knownRanges[0].cidrs[1]', /prefix length/],
    ['duplicate range name', { knownRanges: [{ name: 'x', cidrs: ['10.0.0.0/8'] }, { name: 'x', cidrs: ['10.0.0.0/8'] }] }, 'knownRanges[1].name', /duplicate/],
    ['allow list without reason', { allowLists: [{ name: 'a', type: 'ip', values: ['10.0.0.1'] }] }, 'allowLists[0].reason', /non-empty/],
    ['allow list of unknown type', { allowLists: [{ name: 'a', type: 'email', values: ['x'], reason: 'r' }] }, 'allowLists[0].type', /one of user, role/],
    ['allow list ip not a CIDR', { allowLists: [{ name: 'a', type: 'ip', values: ['scanner'], reason: 'r' }] }, 'allowLists[0].values[0]', /not an IP/],
    ['bad alias key', { accountAliases: { prod: '1234' } }, 'accountAliases.prod', /12-digit/],
    ['bad asset account', { assets: [{ id: 'a', match: { accounts: ['12'] } }] }, 'assets[0].match.accounts[0]', /12-digit/],
  ];
  test.each(bad)('%s → ContextError naming the field', (_, input, field, reason) => {
    let err: unknown;
    try {
      parseContextDocument(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContextError);
    expect((err as ContextError).field).toBe(field);
    expect((err as ContextError).reason).toMatch(reason);
  });
});

describe('ContextIndex', () => {
  const ctx = compileContext(parseContextDocument(doc));

  test('VIPs by name or ARN pattern, case-insensitive; only users', () => {
    expect(ctx.vip({ type: 'user', value: 'CEO@example.com' })).toHaveLength(1);
    expect(ctx.vip({ type: 'user', value: 'breakglass-1', arn: 'arn:aws:iam::111122223333:user/breakglass-1' })).toHaveLength(1);
    expect(ctx.vip({ type: 'user', value: 'breakglass-1' })).toHaveLength(0);
    expect(ctx.vip({ type: 'role', value: 'ceo@example.com' })).toHaveLength(0);
  });

  test('known ranges: every range holding the address, IPv4 and IPv6', () => {
    expect(ctx.knownRanges({ type: 'ip', value: '198.51.100.200' }).map((r) => r.name)).toEqual(['office', 'vpn']);
    expect(ctx.knownRanges({ type: 'ip', value: '198.51.100.5' }).map((r) => r.name)).toEqual(['office']);
    expect(ctx.knownRanges({ type: 'ip', value: '2001:db8:ff:1::9' }).map((r) => r.name)).toEqual(['vpn']);
    expect(ctx.knownRanges({ type: 'ip', value: '203.0.113.1' })).toEqual([]);
    expect(ctx.knownRanges({ type: 'host', value: '198.51.100.5' })).toEqual([]);
  });

  test('assets by instance id, host pattern, address, bucket pattern and account', () => {
    expect(ctx.assets({ type: 'instance', value: 'i-0web1' }).map((a) => a.id)).toEqual(['web']);
    expect(ctx.assets({ type: 'host', value: 'WEB-07' }).map((a) => a.id)).toEqual(['web']);
    expect(ctx.assets({ type: 'host', value: 'db-01' })).toEqual([]);
    expect(ctx.assets({ type: 'ip', value: '10.20.3.4' }).map((a) => a.id)).toEqual(['web']);
    expect(ctx.assets({ type: 'ip', value: '2001:db8:20::5' }).map((a) => a.id)).toEqual(['web']);
    expect(ctx.assets({ type: 'bucket', value: 'customer-exports' }).map((a) => a.id)).toEqual(['exports']);
    expect(ctx.assets({ type: 'account', value: '111122223333' }).map((a) => a.id)).toEqual(['exports']);
  });

  test('allow lists by type; owners explicit first, else from the asset; aliases', () => {
    expect(ctx.allowLists({ type: 'ip', value: '192.0.2.10' }).map((a) => a.name)).toEqual(['scanner']);
    expect(ctx.allowLists({ type: 'access_key', value: 'AKIAEXAMPLECI0000001' }).map((a) => a.name)).toEqual(['ci-keys']);
    expect(ctx.allowLists({ type: 'user', value: 'AKIAEXAMPLECI0000001' })).toEqual([]);
    expect(ctx.owner({ type: 'role', value: 'DeployRole' })).toBe('iam-team');
    expect(ctx.owner({ type: 'instance', value: 'i-0web1' })).toBe('platform-team');
    expect(ctx.owner({ type: 'instance', value: 'i-other' })).toBeUndefined();
    expect(ctx.alias({ type: 'account', value: '111122223333' })).toBe('prod');
    expect(ctx.version).toBe('7');
  });

  test('a wildcard pattern is anchored and treats regex characters literally', () => {
    const c = compileContext(parseContextDocument({ owners: [{ owner: 'x', type: 'bucket', values: ['logs.(prod)*'] }] }));
    expect(c.owner({ type: 'bucket', value: 'logs.(prod)-eu' })).toBe('x');
    expect(c.owner({ type: 'bucket', value: 'logsX(prod)-eu' })).toBeUndefined();
    expect(c.owner({ type: 'bucket', value: 'old-logs.(prod)' })).toBeUndefined();
  });
});
