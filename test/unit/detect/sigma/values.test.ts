import { compilePattern, foldPattern, parsePattern, QMARK, STAR, toNumber } from '../../../../shared/detect/sigma/values';
import { matcher } from './helpers';

describe('escape rules (spec: Escaping)', () => {
  test.each([
    [String.raw`C:\Windows`, ['C:\\Windows']],
    [String.raw`C:\\Windows`, ['C:\\Windows']],
    [String.raw`a\*b`, ['a*b']],
    [String.raw`a\?b`, ['a?b']],
    [String.raw`a\\*`, ['a\\', STAR]],
    [String.raw`a\\\*`, ['a\\*']],
    [String.raw`a\\\\b`, ['a\\\\b']],
    [String.raw`a\\\b`, ['a\\\\b']],
    ['a*b?c', ['a', STAR, 'b', QMARK, 'c']],
    ['**a', [STAR, 'a']],
  ])('%s parses', (raw, parts) => {
    expect(parsePattern(raw)).toEqual(parts);
  });
});

describe('pattern compilation picks the cheapest matcher', () => {
  test.each([
    ['abc', 'exact'],
    ['abc*', 'prefix'],
    ['*abc', 'suffix'],
    ['*abc*', 'contains'],
    ['*', 'any'],
    ['a*b', 'glob'],
    ['a?c', 'glob'],
  ])('%s is %s', (raw, kind) => {
    expect(compilePattern(parsePattern(raw)).kind).toBe(kind);
  });

  test.each([
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxbc', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['*a*b*c*', 'xxaxxbxxcxx', true],
    ['*a*b*c*', 'xxcxxbxxa', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['?', '', false],
    ['*?*', 'x', true],
  ])('glob %s on %s → %s', (raw, s, want) => {
    expect(compilePattern(foldPattern(parsePattern(raw))).match(s)).toBe(want);
  });
});

describe('strict numbers', () => {
  test.each([
    ['42', 42],
    ['-1.5', -1.5],
    [' 7 ', 7],
    ['0x10', undefined],
    ['1e3', 1000],
    ['abc', undefined],
    ['', undefined],
  ])('%s → %s', (s, n) => {
    expect(toNumber(s)).toBe(n);
  });
});

describe('string matching in rules', () => {
  test('case-insensitive by default, both ways', () => {
    const m = matcher('sel:\n  Image: C:\\Windows\\System32\\CMD.exe\ncondition: sel');
    expect(m({ Image: 'c:\\windows\\system32\\cmd.exe' })).toBe(true);
    expect(m({ Image: 'C:\\WINDOWS\\SYSTEM32\\CMD.EXE' })).toBe(true);
    expect(m({ Image: 'C:\\Windows\\System32\\cmd.exe.bak' })).toBe(false);
  });

  test('wildcards * and ? in plain values', () => {
    const m = matcher("sel:\n  Image: '*\\prog?.exe'\ncondition: sel");
    expect(m({ Image: 'C:\\x\\progA.exe' })).toBe(true);
    expect(m({ Image: 'C:\\x\\progAB.exe' })).toBe(false);
  });

  test('escaped wildcard is literal', () => {
    const m = matcher(String.raw`sel:
  Value: 'what\?'
condition: sel`);
    expect(m({ Value: 'what?' })).toBe(true);
    expect(m({ Value: 'whatx' })).toBe(false);
  });

  test('escaped backslash before wildcard keeps the wildcard', () => {
    const m = matcher(String.raw`sel:
  Path: 'C:\\*'
condition: sel`);
    expect(m({ Path: 'C:\\Temp' })).toBe(true);
    expect(m({ Path: 'C:Temp' })).toBe(false);
  });

  test('empty string matches only empty string', () => {
    const m = matcher("sel:\n  F: ''\ncondition: sel");
    expect(m({ F: '' })).toBe(true);
    expect(m({ F: 'x' })).toBe(false);
    expect(m({})).toBe(false);
    expect(m({ F: null })).toBe(false);
  });

  test('cased makes matching case-sensitive', () => {
    const m = matcher('sel:\n  F|cased: AbC\ncondition: sel');
    expect(m({ F: 'AbC' })).toBe(true);
    expect(m({ F: 'abc' })).toBe(false);
    const c = matcher('sel:\n  F|contains|cased: AbC\ncondition: sel');
    expect(c({ F: 'xxAbCxx' })).toBe(true);
    expect(c({ F: 'xxabcxx' })).toBe(false);
  });
});
