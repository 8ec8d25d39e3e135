import { loadError, matcher } from './helpers';

describe('selections: maps AND, lists OR', () => {
  const m = matcher(`
sel:
  EventLog: Security
  EventID:
    - 517
    - 1102
condition: sel`);

  test('all map entries must hold', () => {
    expect(m({ EventLog: 'Security', EventID: 517 })).toBe(true);
    expect(m({ EventLog: 'Security', EventID: 1102 })).toBe(true);
    expect(m({ EventLog: 'System', EventID: 517 })).toBe(false);
    expect(m({ EventID: 517 })).toBe(false);
  });

  test('a value list is OR', () => {
    expect(m({ EventLog: 'Security', EventID: 4624 })).toBe(false);
  });

  test('a list of maps is OR of ANDs', () => {
    const l = matcher(`
sel:
  - Image|endswith: '\\example.exe'
  - Description|contains: Test executable
    Company: ACME
condition: sel`);
    expect(l({ Image: 'C:\\x\\example.exe' })).toBe(true);
    expect(l({ Description: 'a test executable!', Company: 'acme' })).toBe(true);
    expect(l({ Description: 'a test executable!' })).toBe(false);
    expect(l({ Image: 'C:\\x\\other.exe' })).toBe(false);
  });
});

describe('numbers', () => {
  const m = matcher('sel:\n  EventID: 4688\ncondition: sel');
  test('rule number matches equal number and numeric string', () => {
    expect(m({ EventID: 4688 })).toBe(true);
    expect(m({ EventID: '4688' })).toBe(true);
    expect(m({ EventID: '4688.0' })).toBe(true);
    expect(m({ EventID: 4689 })).toBe(false);
  });
  test('no hex coercion', () => {
    expect(matcher('sel:\n  F: 16\ncondition: sel')({ F: '0x10' })).toBe(false);
  });
  test('unquoted hex in YAML stays the written text', () => {
    const h = matcher('sel:\n  TicketOptions: 0x40810000\ncondition: sel');
    expect(h({ TicketOptions: '0x40810000' })).toBe(true);
    expect(h({ TicketOptions: 1082195968 })).toBe(false);
  });
  test('rule string matches number event as text', () => {
    expect(matcher("sel:\n  F: '12'\ncondition: sel")({ F: 12 })).toBe(true);
  });
  test('booleans', () => {
    const b = matcher('sel:\n  F: true\ncondition: sel');
    expect(b({ F: true })).toBe(true);
    expect(b({ F: 'True' })).toBe(true);
    expect(b({ F: false })).toBe(false);
  });
});

describe('null, empty and exists are distinct', () => {
  const isNull = matcher('sel:\n  F: null\ncondition: sel');
  const exists = matcher('sel:\n  F|exists: true\ncondition: sel');
  const notExists = matcher('sel:\n  F|exists: false\ncondition: sel');
  test('null: absent or null', () => {
    expect(isNull({})).toBe(true);
    expect(isNull({ F: null })).toBe(true);
    expect(isNull({ F: '' })).toBe(false);
    expect(isNull({ F: 'x' })).toBe(false);
  });
  test('exists: present, whatever the value (even null or empty)', () => {
    expect(exists({ F: null })).toBe(true);
    expect(exists({ F: '' })).toBe(true);
    expect(exists({})).toBe(false);
    expect(notExists({})).toBe(true);
    expect(notExists({ F: 1 })).toBe(false);
  });
  test('null in a list is one alternative', () => {
    const m = matcher("sel:\n  F:\n    - null\n    - ''\ncondition: sel");
    expect(m({})).toBe(true);
    expect(m({ F: '' })).toBe(true);
    expect(m({ F: 'a' })).toBe(false);
  });
  test('exists takes a boolean', () => {
    expect(loadError('sel:\n  F|exists: yes\ncondition: sel')).toMatch(/boolean/);
  });
});

describe('string modifiers', () => {
  test('contains / startswith / endswith', () => {
    expect(matcher('s:\n  F|contains: mid\ncondition: s')({ F: 'xxMIDxx' })).toBe(true);
    expect(matcher('s:\n  F|contains: mid\ncondition: s')({ F: 'xxMIxx' })).toBe(false);
    expect(matcher('s:\n  F|startswith: ab\ncondition: s')({ F: 'ABc' })).toBe(true);
    expect(matcher('s:\n  F|startswith: ab\ncondition: s')({ F: 'cab' })).toBe(false);
    expect(matcher('s:\n  F|endswith: .EXE\ncondition: s')({ F: 'a.exe' })).toBe(true);
    expect(matcher('s:\n  F|endswith: .EXE\ncondition: s')({ F: 'a.exe ' })).toBe(false);
  });
  test('wildcards inside contains still work', () => {
    const m = matcher("s:\n  F|contains: 'a*c'\ncondition: s");
    expect(m({ F: 'xxabbbcxx' })).toBe(true);
    expect(m({ F: 'xxcbbbaxx' })).toBe(false);
  });
  test('all turns the list into AND', () => {
    const m = matcher(`
s:
  CommandLine|contains|all:
    - ' -nop '
    - ' -enc '
condition: s`);
    expect(m({ CommandLine: 'powershell -nop -w hidden -enc AAA' })).toBe(true);
    expect(m({ CommandLine: 'powershell -nop -w hidden' })).toBe(false);
  });
  test('numbers take string modifiers as text', () => {
    expect(matcher('s:\n  F|startswith: 46\ncondition: s')({ F: 4688 })).toBe(true);
  });
});

describe('re modifier', () => {
  test('case-sensitive, unanchored by default', () => {
    const m = matcher("s:\n  F|re: 'ab+c'\ncondition: s");
    expect(m({ F: 'xxabbbcxx' })).toBe(true);
    expect(m({ F: 'xxABBCxx' })).toBe(false);
  });
  test('i flag', () => {
    expect(matcher("s:\n  F|re|i: 'ab+c'\ncondition: s")({ F: 'ABBC' })).toBe(true);
  });
  test('m and s flags', () => {
    expect(matcher("s:\n  F|re: '^b$'\ncondition: s")({ F: 'a\nb' })).toBe(false);
    expect(matcher("s:\n  F|re|m: '^b$'\ncondition: s")({ F: 'a\nb' })).toBe(true);
    expect(matcher("s:\n  F|re: 'a.b'\ncondition: s")({ F: 'a\nb' })).toBe(false);
    expect(matcher("s:\n  F|re|s: 'a.b'\ncondition: s")({ F: 'a\nb' })).toBe(true);
  });
  test('leading (?i) becomes a flag', () => {
    expect(matcher("s:\n  F|re: '(?i)abc'\ncondition: s")({ F: 'ABC' })).toBe(true);
  });
  test('backslashes are regex escapes, not Sigma escapes', () => {
    const m = matcher(String.raw`s:
  F|re: '\\Temp\\[a-z]+\.exe$'
condition: s`);
    expect(m({ F: 'C:\\Temp\\evil.exe' })).toBe(true);
    expect(m({ F: 'C:\\Temp\\evil.exe.txt' })).toBe(false);
  });
  test('flag modifier without re is an error', () => {
    expect(loadError('s:\n  F|i: x\ncondition: s')).toMatch(/must follow 're'/);
  });
});

describe('keyword searches', () => {
  test('keywords match inside any string value of the event, nested too', () => {
    const m = matcher(`
keywords:
  - 'event::clear'
  - 'event::drop'
condition: keywords`);
    expect(m({ a: { b: ['x', 'mimikatz event::CLEAR now'] } })).toBe(true);
    expect(m({ a: 'event::list' })).toBe(false);
  });
  test("'|all' keywords are AND", () => {
    const m = matcher(`
keywords:
  '|all':
    - OabVirtualDirectory
    - ' -ExternalUrl '
condition: keywords`);
    expect(m({ msg: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true);
    expect(m({ msg: 'Set-OabVirtualDirectory', other: ' -ExternalUrl ' })).toBe(true);
    expect(m({ msg: 'Set-OabVirtualDirectory' })).toBe(false);
  });
  test('a keyword list mixed with maps is OR', () => {
    const m = matcher(`
sel:
  - F: a
  - needle
condition: sel`);
    expect(m({ F: 'a' })).toBe(true);
    expect(m({ G: 'hayneedlestack' })).toBe(true);
    expect(m({ G: 'hay' })).toBe(false);
  });
});

describe('field access', () => {
  test('dotted path into nested objects', () => {
    const m = matcher('s:\n  userIdentity.type: Root\ncondition: s');
    expect(m({ userIdentity: { type: 'Root' } })).toBe(true);
    expect(m({ userIdentity: { type: 'IAMUser' } })).toBe(false);
    expect(m({ userIdentity: 'Root' })).toBe(false);
  });
  test('a literal dotted key wins over the nested path', () => {
    const m = matcher('s:\n  a.b: literal\ncondition: s');
    expect(m({ 'a.b': 'literal', a: { b: 'nested' } })).toBe(true);
    expect(m({ 'a.b': 'other', a: { b: 'literal' } })).toBe(false);
  });
  test('partially dotted keys resolve', () => {
    expect(matcher('s:\n  a.b.c: x\ncondition: s')({ 'a.b': { c: 'x' } })).toBe(true);
    expect(matcher('s:\n  a.b.c: x\ncondition: s')({ a: { 'b.c': 'x' } })).toBe(true);
  });
  test('arrays: any element matches', () => {
    const m = matcher('s:\n  tags: admin\ncondition: s');
    expect(m({ tags: ['user', 'ADMIN'] })).toBe(true);
    expect(m({ tags: ['user'] })).toBe(false);
    const p = matcher('s:\n  items.name: x\ncondition: s');
    expect(p({ items: [{ name: 'y' }, { name: 'x' }] })).toBe(true);
    expect(p({ items: [{ name: 'y' }] })).toBe(false);
  });
  test('string modifiers see objects as compact JSON', () => {
    const m = matcher('s:\n  requestParameters|contains: \'"policyName":"admin\'\ncondition: s');
    expect(m({ requestParameters: { policyName: 'AdminAccess', x: 1 } })).toBe(true);
    expect(m({ requestParameters: { policyName: 'ReadOnly' } })).toBe(false);
  });
  test('a plain value on an object field compares whole JSON text', () => {
    const m = matcher('s:\n  o: \'{"a":1}\'\ncondition: s');
    expect(m({ o: { a: 1 } })).toBe(true);
    expect(m({ o: { a: 2 } })).toBe(false);
  });
});

describe('load errors', () => {
  test('unknown modifier', () => {
    expect(loadError('s:\n  F|containz: x\ncondition: s')).toMatch(/unknown modifier 'containz'/);
  });
  test('nested map value', () => {
    expect(loadError('s:\n  F:\n    G: x\ncondition: s')).toMatch(/map as value/);
  });
  test('empty value list', () => {
    expect(loadError('s:\n  F: []\ncondition: s')).toMatch(/empty value list/);
  });
});
