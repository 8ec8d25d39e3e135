import fc from 'fast-check';
import { jsonString, jsonStringList, plainJsonString } from '../../shared/json-text';
import { runs } from './fuzz/support';

describe('json-text', () => {
  const odd = ['', 'plain', 'quo"te', 'back\\slash', 'nl\n', 'ctl\u0001', 'del\u007f', 'é漢字', 'lone \ud800', 'lone \udfff x', 'pair \ud83d\ude00', '\u2028'];

  test('jsonString and jsonStringList write what JSON.stringify writes: odd strings', () => {
    for (const s of odd) expect(jsonString(s)).toBe(JSON.stringify(s));
    expect(jsonStringList(odd)).toBe(JSON.stringify(odd));
    expect(jsonStringList([])).toBe('[]');
    expect(plainJsonString('a b-c.d')).toBe(true);
    expect(plainJsonString('a"b')).toBe(false);
  });

  test('any strings (property)', () => {
    const str = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(fc.array(str, { maxLength: 6 }), (list) => {
        for (const s of list) expect(jsonString(s)).toBe(JSON.stringify(s));
        expect(jsonStringList(list)).toBe(JSON.stringify(list));
      }),
      runs(500),
    );
  });
});
