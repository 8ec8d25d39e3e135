import { parseThreatIntel, ThreatIntelError, ThreatIntelIndex } from '../../../shared/investigation/threat-intel';

const TEXT = `# tor exits, refreshed daily
203.0.113.50,tor-exit,90,Tor exit node
198.51.100.0/24,scanner,,Mass scanner, seen on many honeypots

2001:db8:bad::/48
192.0.2.7 , c2 , 75
`;

function errorOf(f: () => unknown): ThreatIntelError {
  try {
    f();
  } catch (e) {
    if (e instanceof ThreatIntelError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('threat-intel lists', () => {
  test('text: entries with defaults, comments and blank lines skipped, description keeps its commas', () => {
    expect(parseThreatIntel('feed', TEXT)).toEqual({
      name: 'feed',
      entries: [
        { indicator: '203.0.113.50', category: 'tor-exit', confidence: 90, description: 'Tor exit node' },
        { indicator: '198.51.100.0/24', category: 'scanner', description: 'Mass scanner, seen on many honeypots' },
        { indicator: '2001:db8:bad::/48', category: 'malicious' },
        { indicator: '192.0.2.7', category: 'c2', confidence: 75 },
      ],
    });
  });

  test('JSON: name from the document', () => {
    const list = parseThreatIntel('file', JSON.stringify({ name: 'partners-feed', entries: [{ indicator: '203.0.113.9', category: 'phishing', confidence: 60, description: 'Kit host' }] }));
    expect(list).toEqual({ name: 'partners-feed', entries: [{ indicator: '203.0.113.9', category: 'phishing', confidence: 60, description: 'Kit host' }] });
  });

  test('errors name the list and the line or entry', () => {
    expect(errorOf(() => parseThreatIntel('feed', '# ok\n10.0.0.1\nnot-an-ip,x')).message).toBe('threat-intel list feed: line 3: "not-an-ip" is not an IP address or CIDR block');
    expect(errorOf(() => parseThreatIntel('feed', '10.0.0.1,bad category')).where).toBe('line 1');
    expect(errorOf(() => parseThreatIntel('feed', '10.0.0.1,x,101')).reason).toMatch(/confidence/);
    expect(errorOf(() => parseThreatIntel('f', '{"entries":[{"indicator":"10.0.0.1","category":"x"},{"indicator":"10.0.0.1/99","category":"x"}]}')).where).toBe('entries[1].indicator');
    expect(errorOf(() => parseThreatIntel('f', '{"entries":[{"indicator":"10.0.0.1"}]}')).where).toBe('entries[0].category');
    expect(errorOf(() => parseThreatIntel('f', '{"entries": 3}')).where).toBe('entries');
    expect(errorOf(() => parseThreatIntel('f', '{"entries": [')).reason).toMatch(/not valid JSON/);
  });

  test('lookup: exact addresses in any spelling, blocks, across lists', () => {
    const idx = new ThreatIntelIndex([parseThreatIntel('feed', TEXT), parseThreatIntel('mine', '198.51.100.77,watch,50')]);
    expect(idx.lookup('203.0.113.50')).toEqual([{ list: 'feed', category: 'tor-exit', confidence: 90, description: 'Tor exit node' }]);
    expect(idx.lookup('::ffff:203.0.113.50')).toHaveLength(1);
    expect(idx.lookup('198.51.100.77').map((h) => `${h.list}:${h.category}`)).toEqual(['mine:watch', 'feed:scanner']);
    expect(idx.lookup('2001:DB8:BAD:1::1').map((h) => h.category)).toEqual(['malicious']);
    expect(idx.lookup('203.0.113.51')).toEqual([]);
    expect(idx.lookup('example.com')).toEqual([]);
    expect(idx.size).toBe(5);
  });
});
