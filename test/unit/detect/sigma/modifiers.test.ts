import fc from 'fast-check';
import { base64Offsets } from '../../../../shared/detect/sigma/modifiers';
import { compileRules } from '../../../../shared/detect/sigma';
import { loadError, matcher } from './helpers';

describe('windash', () => {
  test('all five dash variants, each occurrence independently', () => {
    const m = matcher("s:\n  CommandLine|windash|contains: ' -exec bypass -nop'\ncondition: s");
    for (const a of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      for (const b of ['-', '/', '\u2015']) expect(m({ CommandLine: `ps ${a}exec bypass ${b}nop x` })).toBe(true);
    }
    expect(m({ CommandLine: 'ps +exec bypass -nop' })).toBe(false);
  });
  test('many dashes use a character class (no 5^n blow-up)', () => {
    const m = matcher("s:\n  C|windash|contains: '-a -b -c -d -e -f -g'\ncondition: s");
    expect(m({ C: 'x /a \u2013b -c /d \u2014e -f \u2015g' })).toBe(true);
    expect(m({ C: 'x /a \u2013b -c /d \u2014e -f +g' })).toBe(false);
  });
});

describe('base64 family', () => {
  test('base64 encodes the value', () => {
    expect(matcher('s:\n  F|base64: hello\ncondition: s')({ F: 'aGVsbG8=' })).toBe(true);
    expect(matcher('s:\n  F|base64|contains: hello\ncondition: s')({ F: 'xxaGVsbG8=xx' })).toBe(true);
  });
  test('base64offset gives the three stable shifts', () => {
    expect(base64Offsets(Buffer.from('test'))).toEqual(['dGVzd', 'Rlc3', '0ZXN0']);
  });
  test('base64offset|contains finds the value at any byte offset (property)', () => {
    const m = matcher('s:\n  F|base64offset|contains: Invoke-Mimikatz\ncondition: s');
    fc.assert(
      fc.property(fc.string(), fc.string(), (pre, post) => {
        expect(m({ F: Buffer.from(pre + 'Invoke-Mimikatz' + post).toString('base64') })).toBe(true);
      }),
    );
    expect(m({ F: Buffer.from('Invoke-Mimikatx').toString('base64') })).toBe(false);
  });
  test('utf16le|base64offset|contains (PowerShell -enc payloads)', () => {
    const m = matcher('s:\n  F|wide|base64offset|contains: IEX\ncondition: s');
    for (const pre of ['', 'a', 'ab', '$x=1;']) {
      expect(m({ F: Buffer.from(`${pre}IEX (New-Object Net.WebClient)`, 'utf16le').toString('base64') })).toBe(true);
    }
    expect(m({ F: Buffer.from('IEX', 'utf8').toString('base64') })).toBe(false);
  });
  test('utf16be and utf16 (BOM)', () => {
    expect(matcher('s:\n  F|utf16be|base64: cmd\ncondition: s')({ F: Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64') })).toBe(true);
    expect(
      matcher('s:\n  F|utf16|base64: cmd\ncondition: s')({ F: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }),
    ).toBe(true);
  });
  test('encoding a wildcard is an error', () => {
    expect(loadError("s:\n  F|base64: 'a*'\ncondition: s")).toMatch(/wildcards/);
  });
});

describe('numeric comparisons', () => {
  test.each([
    ['lt', 5, [[4, true], [5, false], ['4.5', true], [-1, true], ['x', false]]],
    ['lte', 5, [[5, true], [5.01, false]]],
    ['gt', -1.5, [[-1, true], [-1.5, false], ['-1.4', true], ['-2', false]]],
    ['gte', 0.5, [[0.5, true], ['0.49', false], [null, false]]],
  ] as const)('%s %s', (op, n, cases) => {
    const m = matcher(`s:\n  F|${op}: ${n}\ncondition: s`);
    for (const [v, want] of cases) expect([v, m({ F: v })]).toEqual([v, want]);
  });
  test('hex strings are not numbers', () => {
    expect(matcher('s:\n  F|gt: 1\ncondition: s')({ F: '0x10' })).toBe(false);
  });
  test('non-numeric rule value is an error', () => {
    expect(loadError('s:\n  F|gt: abc\ncondition: s')).toMatch(/needs a number/);
  });
});

describe('time-part modifiers', () => {
  const ev = { T: '2024-03-10T23:45:00Z' };
  test.each([
    ['minute', 45],
    ['hour', 23],
    ['day', 10],
    ['week', 10],
    ['month', 3],
    ['year', 2024],
  ])('%s', (part, n) => {
    expect(matcher(`s:\n  T|${part}: ${n}\ncondition: s`)(ev)).toBe(true);
    expect(matcher(`s:\n  T|${part}: ${n + 1}\ncondition: s`)(ev)).toBe(false);
  });
  test('combined with comparisons (off-hours)', () => {
    const m = matcher('s:\n  T|hour|gte: 22\ncondition: s');
    expect(m(ev)).toBe(true);
    expect(m({ T: '2024-03-10T08:00:00Z' })).toBe(false);
    expect(m({ T: 'not a date' })).toBe(false);
  });
  test('epoch numbers', () => {
    expect(matcher('s:\n  T|year: 2024\ncondition: s')({ T: Date.UTC(2024, 0, 1) })).toBe(true);
  });
});

describe('cidr', () => {
  test('IPv4', () => {
    const m = matcher("s:\n  ip|cidr:\n    - 10.0.0.0/8\n    - 192.168.1.0/24\ncondition: s");
    expect(m({ ip: '10.200.1.1' })).toBe(true);
    expect(m({ ip: '192.168.1.77' })).toBe(true);
    expect(m({ ip: '192.168.2.1' })).toBe(false);
    expect(m({ ip: 'not-an-ip' })).toBe(false);
  });
  test('IPv6', () => {
    const m = matcher("s:\n  ip|cidr: 'fe80::/10'\ncondition: s");
    expect(m({ ip: 'fe80::1' })).toBe(true);
    expect(m({ ip: '2001:db8::1' })).toBe(false);
  });
  test('bad network is an error', () => {
    expect(loadError("s:\n  ip|cidr: '10.0.0.0/33'\ncondition: s")).toMatch(/prefix/);
    expect(loadError("s:\n  ip|cidr: 'x/8'\ncondition: s")).toMatch(/not a CIDR/);
  });
});

describe('expand', () => {
  const opts = { placeholders: { Admins: ['root', 'adm_*'] } };
  test('placeholders expand to the configured values (wildcards allowed)', () => {
    const m = matcher('s:\n  user|expand: \'%Admins%\'\ncondition: s', opts);
    expect(m({ user: 'root' })).toBe(true);
    expect(m({ user: 'ADM_bob' })).toBe(true);
    expect(m({ user: 'bob' })).toBe(false);
  });
  test('escaped percent is literal; placeholders only with expand', () => {
    const m = matcher(String.raw`s:
  v|expand: '\%x%Admins%'
condition: s`, opts);
    expect(m({ v: '%xroot' })).toBe(true);
    expect(matcher("s:\n  user: '%Admins%'\ncondition: s", opts)({ user: '%admins%' })).toBe(true);
  });
  test('expand after contains/startswith/endswith substitutes the same way (placeholders are marked on the rule text)', () => {
    const c = matcher("s:\n  CommandLine|contains|expand: '%Admins%'\ncondition: s", opts);
    expect(c({ CommandLine: 'whoami /user root x' })).toBe(true);
    expect(c({ CommandLine: 'net user ADM_eve' })).toBe(true);
    expect(c({ CommandLine: 'net user eve' })).toBe(false);
    const e = matcher("s:\n  user|endswith|expand: '@%Admins%'\ncondition: s", opts);
    expect(e({ user: 'x@root' })).toBe(true);
    expect(e({ user: 'x@root.example' })).toBe(false);
    const set = compileRules([{ path: 'e.yml', text: "title: t\nid: e\nlogsource: {product: x}\ndetection:\n  s:\n    u|contains|expand: '%Nope%'\n  condition: s\n" }]);
    expect(set.unsupported[0].reason).toMatch(/%Nope% has no configured values/);
  });
  test('an unconfigured placeholder makes the rule unsupported', () => {
    const set = compileRules([{ path: 'e.yml', text: "title: t\nid: e\nlogsource: {product: x}\ndetection:\n  s:\n    u|expand: '%Nope%'\n  condition: s\n" }]);
    expect(set.rules).toHaveLength(0);
    expect(set.unsupported[0].reason).toMatch(/%Nope% has no configured values/);
  });
});

describe('fieldref', () => {
  test('alone: equal to another field (case-insensitive)', () => {
    const m = matcher('s:\n  a|fieldref: b\ncondition: s');
    expect(m({ a: 'X', b: 'x' })).toBe(true);
    expect(m({ a: 'X', b: 'y' })).toBe(false);
    expect(m({ a: 'X' })).toBe(false);
  });
  test('with startswith / endswith / contains', () => {
    expect(matcher('s:\n  a|fieldref|startswith: b\ncondition: s')({ a: 'userX', b: 'user' })).toBe(true);
    expect(matcher('s:\n  a|fieldref|endswith: b\ncondition: s')({ a: 'userX', b: 'user' })).toBe(false);
    expect(matcher('s:\n  a|fieldref|endswith: b\ncondition: s')({ a: 'Xuser', b: 'user' })).toBe(true);
    expect(matcher('s:\n  a|fieldref|contains: b\ncondition: s')({ a: 'xxuserxx', b: 'USER' })).toBe(true);
  });
  test('with neq', () => {
    const m = matcher('s:\n  a|fieldref|neq: b\ncondition: s');
    expect(m({ a: 'x', b: 'y' })).toBe(true);
    expect(m({ a: 'x', b: 'x' })).toBe(false);
  });
});

describe('neq', () => {
  test('present and different from every value', () => {
    const m = matcher('s:\n  F|neq:\n    - a\n    - b\ncondition: s');
    expect(m({ F: 'c' })).toBe(true);
    expect(m({ F: 'A' })).toBe(false);
    expect(m({ F: 'b' })).toBe(false);
    expect(m({})).toBe(false);
  });
  test('numbers', () => {
    const m = matcher('s:\n  F|neq: 4\ncondition: s');
    expect(m({ F: 5 })).toBe(true);
    expect(m({ F: '4' })).toBe(false);
  });
});

describe('modifier chain errors', () => {
  test.each([
    ['F|contains|re: x', /cannot follow 're'|needs an unmodified string/],
    ['F|re|contains: x', /cannot follow 're'/],
    ['F|exists|contains: true', /cannot be combined/],
    ['F|lt|gt: 1', /only one of/],
    ['F|contains|contains: x', /repeated/],
    ['F|windash|cidr: 1.2.3.4/8', /needs an unmodified string/],
  ])('%s', (entry, re) => {
    expect(loadError(`s:\n  ${entry}\ncondition: s`)).toMatch(re);
  });
});
