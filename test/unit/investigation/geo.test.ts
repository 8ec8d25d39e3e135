import { join } from 'node:path';
import { GeoDataError, GeoIp, geoDirs, GEO_DIR_ENV, lookup4, parseGeoCsv } from '../../../shared/investigation/geo';

const FIXTURE_DIR = join(__dirname, 'fixtures', 'geo');

describe('geo: small fixture', () => {
  const geo = new GeoIp({ dir: FIXTURE_DIR });

  test('IPv4: range hits, nested ranges win inside their parent, gaps are unknown', () => {
    expect(geo.country('1.0.0.1')).toBe('AU');
    expect(geo.country('5.1.0.255')).toBe('FR');
    expect(geo.country('5.1.1.0')).toBeUndefined();
    expect(geo.country('8.8.8.3')).toBe('DE');
    expect(geo.country('8.8.8.8')).toBe('US');
    expect(geo.country('8.8.8.17')).toBe('NL');
    expect(geo.country('8.8.8.200')).toBe('US');
    expect(geo.country('8.8.9.0')).toBeUndefined();
    expect(geo.country('9.9.9.9')).toBeUndefined();
  });

  test('IPv6: two 64-bit halves, nested range, unknown outside', () => {
    expect(geo.country('2a00:ffff::1')).toBe('GB');
    expect(geo.country('2a00:1:abcd::1')).toBe('IE');
    expect(geo.country('2a00:2::1')).toBe('GB');
    expect(geo.country('2c0f:fb50::1')).toBe('ZA');
    expect(geo.country('2a01::1')).toBeUndefined();
  });

  test('private, reserved and non-addresses have no country', () => {
    for (const ip of ['10.0.0.1', '192.168.1.1', '127.0.0.1', '::1', 'fd12::1', 'ec2.amazonaws.com']) expect(geo.country(ip)).toBeUndefined();
  });

  test('flattening: out-of-order and partially overlapping ranges, adjacent same-country segments merged', () => {
    const t = parseGeoCsv('100,200,AA\n150,160,BB\n50,120,CC\n155,155,AA\n', 4);
    const at = (n: number) => lookup4(t, n);
    expect([at(49), at(50), at(99), at(100), at(120), at(121), at(150), at(155), at(156), at(161), at(200), at(201)]).toEqual([
      undefined, 'CC', 'CC', 'AA', 'AA', 'AA', 'BB', 'AA', 'BB', 'AA', 'AA', undefined,
    ]);
  });

  test('a corrupt file fails with its line; a missing directory names where it looked', () => {
    expect(() => parseGeoCsv('1,2,AU\n3,x,AU\n', 4, 'f.csv')).toThrow('f.csv line 2: expected start,end,CC');
    expect(() => parseGeoCsv('5,4,AU\n', 4, 'f.csv')).toThrow(/line 1: range 5-4 is out of order/);
    const missing = new GeoIp({ dir: join(FIXTURE_DIR, 'nowhere') });
    expect(() => missing.country('8.8.8.8')).toThrow(GeoDataError);
    expect(() => missing.country('8.8.8.8')).toThrow(/not found in .*nowhere/);
    // Non-public addresses never need the data.
    expect(missing.country('10.0.0.1')).toBeUndefined();
  });

  test('directory: option, then the environment override, then the installed package', () => {
    expect(geoDirs({ dir: '/a', env: { [GEO_DIR_ENV]: '/b' } })).toEqual(['/a']);
    expect(geoDirs({ env: { [GEO_DIR_ENV]: '/b' } })).toEqual(['/b']);
    expect(geoDirs({ env: {} })[0]).toMatch(/@ip-location-db[/\\]geo-whois-asn-country$/);
  });
});

describe('geo: the installed package data', () => {
  const geo = new GeoIp({ env: {} });

  test('well-known public addresses', () => {
    // 8.8.8.8 lies in 100663296–134874623 (6.0.0.0–8.10.x) US; 1.1.1.1 in 16843008–16843263 AU;
    // 2001:4860:4860::8888 in a US range of the IPv6 file (all checked in the CSVs).
    expect(geo.country('8.8.8.8')).toBe('US');
    expect(geo.country('1.1.1.1')).toBe('AU');
    expect(geo.country('2001:4860:4860::8888')).toBe('US');
  });

  test('a single address nested inside another country range (2.58.197.15 BE inside a DE block)', () => {
    expect(geo.country('2.58.197.14')).toBe('DE');
    expect(geo.country('2.58.197.15')).toBe('BE');
    expect(geo.country('2.58.197.16')).toBe('DE');
  });
});
