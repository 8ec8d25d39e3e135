import { inRange, isNonPublic, ipKey, parseCidr, parseIp } from '../../../shared/investigation/ip';

describe('ip', () => {
  test('parses IPv4 and IPv6 in their usual spellings, one key per address', () => {
    expect(parseIp('203.0.113.7')).toEqual({ v: 4, n: 0xcb007107 });
    expect(parseIp('255.255.255.255')).toEqual({ v: 4, n: 0xffffffff });
    expect(ipKey(parseIp('2001:DB8::1')!)).toBe(ipKey(parseIp('2001:db8:0:0:0:0:0:1')!));
    expect(parseIp('::1')).toEqual({ v: 6, n: 1n });
    expect(parseIp('::')).toEqual({ v: 6, n: 0n });
    expect(parseIp('fe80::1%eth0')).toEqual(parseIp('fe80::1'));
    // An IPv4-mapped IPv6 address is the IPv4 address.
    expect(parseIp('::ffff:203.0.113.7')).toEqual(parseIp('203.0.113.7'));
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')).toEqual({ v: 6, n: (0x0001000200030004n << 64n) | (0x00050006n << 32n) | 0x01020304n });
  });

  test('rejects what is not an address', () => {
    for (const s of ['ec2.amazonaws.com', 'AWS Internal', '256.1.1.1', '1.2.3', '01.2.3.4x', '1::2::3', '1:2:3:4:5:6:7:8:9', ':::', 'g::1', '']) expect(parseIp(s)).toBeUndefined();
  });

  test('CIDR blocks cover their range; host bits are ignored; single addresses are /32 or /128', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ v: 4, start: 0x0a000000, end: 0x0affffff });
    expect(parseCidr('0.0.0.0/0')).toEqual({ v: 4, start: 0, end: 0xffffffff });
    expect(parseCidr('198.51.100.4')).toEqual({ v: 4, start: 0xc6336404, end: 0xc6336404 });
    const r = parseCidr('2001:db8:abcd::/48');
    expect(inRange(parseIp('2001:db8:abcd:ffff::1')!, r)).toBe(true);
    expect(inRange(parseIp('2001:db8:abce::1')!, r)).toBe(false);
    expect(inRange(parseIp('10.0.0.1')!, r)).toBe(false);
    expect(inRange(parseIp('192.0.2.1')!, parseCidr('::ffff:192.0.2.0/120'))).toBe(true);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length must be 0 to 32/);
    expect(() => parseCidr('office')).toThrow(/not an IP address or CIDR block/);
  });

  test('non-public addresses', () => {
    for (const s of ['10.1.1.1', '172.31.255.255', '192.168.0.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '203.0.113.9', '::1', 'fd00::1', 'fe80::1', '2001:db8::1', '224.0.0.1']) {
      expect([s, isNonPublic(parseIp(s)!)]).toEqual([s, true]);
    }
    for (const s of ['8.8.8.8', '172.32.0.1', '2a00:1450::1']) expect([s, isNonPublic(parseIp(s)!)]).toEqual([s, false]);
  });
});
