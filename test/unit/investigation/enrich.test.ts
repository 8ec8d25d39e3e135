import type { Observable } from '../../../shared/contracts/investigation';
import { compileContext, parseContextDocument } from '../../../shared/investigation/context';
import { enrichObservables } from '../../../shared/investigation/enrich';
import type { GeoLookup } from '../../../shared/investigation/geo';
import { parseThreatIntel, ThreatIntelIndex } from '../../../shared/investigation/threat-intel';

const context = compileContext(
  parseContextDocument({
    assets: [{ id: 'web', name: 'Web tier', owner: 'platform-team', environment: 'prod', criticality: 'high', match: { instanceIds: ['i-0web1'] } }],
    vipUsers: [{ user: 'ceo@example.com' }],
    knownRanges: [{ name: 'office', cidrs: ['198.51.100.0/24'] }],
    allowLists: [{ name: 'scanner', type: 'ip', values: ['192.0.2.10'], reason: 'weekly scan' }],
    accountAliases: { '111122223333': 'prod' },
    owners: [{ owner: 'exec-office', type: 'user', values: ['ceo@*'] }],
  }),
);
const intel = new ThreatIntelIndex([parseThreatIntel('tor', '203.0.113.50,tor-exit,90'), parseThreatIntel('feed', '203.0.113.0/24,scanner,40\n203.0.113.50,malicious')]);
/** A stand-in with a table of its own; the real lookup is tested in geo.test.ts. */
const geo: GeoLookup = { country: (ip) => ({ '203.0.113.50': 'NL', '8.8.8.8': 'US' })[ip] };

const observables: Observable[] = [
  { type: 'ip', value: '203.0.113.50' },
  { type: 'user', value: 'ceo@example.com' },
  { type: 'instance', value: 'i-0web1' },
  { type: 'account', value: '111122223333' },
  { type: 'ip', value: '198.51.100.9' },
  { type: 'ip', value: '192.0.2.10' },
  { type: 'host', value: 'unknown-host' },
  { type: 'user', value: 'ceo@example.com' },
];

describe('enrichObservables', () => {
  const out = enrichObservables(observables, { context, intel, geo });

  test('one entity per observable with something to say, in type then value order', () => {
    expect(out.map((e) => `${e.type}:${e.value}`)).toEqual(['user:ceo@example.com', 'account:111122223333', 'ip:192.0.2.10', 'ip:198.51.100.9', 'ip:203.0.113.50', 'instance:i-0web1']);
  });

  test('labels and facts per kind', () => {
    const by = (v: string) => out.find((e) => e.value === v)!;
    expect(by('ceo@example.com')).toEqual({ type: 'user', value: 'ceo@example.com', labels: ['vip', 'owner'], owner: 'exec-office' });
    expect(by('111122223333')).toEqual({ type: 'account', value: '111122223333', labels: ['alias'], alias: 'prod' });
    expect(by('i-0web1')).toEqual({
      type: 'instance',
      value: 'i-0web1',
      labels: ['asset', 'criticality:high', 'owner'],
      asset: { id: 'web', name: 'Web tier', environment: 'prod', criticality: 'high' },
      owner: 'platform-team',
    });
    expect(by('198.51.100.9').labels).toEqual(['known-range:office']);
    expect(by('192.0.2.10')).toEqual({ type: 'ip', value: '192.0.2.10', labels: ['allow-listed:scanner'], allowListed: ['scanner'] });
    const tor = by('203.0.113.50');
    expect(tor.labels).toEqual(['threat-intel:malicious', 'threat-intel:scanner', 'threat-intel:tor-exit', 'geo']);
    expect(tor.geo).toEqual({ country: 'NL' });
    // Highest confidence first.
    expect(tor.intel).toEqual([
      { list: 'tor', category: 'tor-exit', confidence: 90 },
      { list: 'feed', category: 'scanner', confidence: 40 },
      { list: 'feed', category: 'malicious' },
    ]);
  });

  test('deterministic: input order does not change the output', () => {
    expect(enrichObservables([...observables].reverse(), { context, intel, geo })).toEqual(out);
  });

  test('with no sources nothing is said; geo alone labels public addresses', () => {
    expect(enrichObservables(observables, {})).toEqual([]);
    expect(enrichObservables([{ type: 'ip', value: '8.8.8.8' }], { geo })).toEqual([{ type: 'ip', value: '8.8.8.8', labels: ['geo'], geo: { country: 'US' } }]);
  });
});
