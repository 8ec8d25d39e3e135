import { parseCondition } from '../../../../shared/detect/sigma/condition';
import { loadError, matcher } from './helpers';

/** Three selections on fields A, B, C; an event sets the ones that should be true. */
const sels = 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\n';
function truth(cond: string): (a: boolean, b: boolean, c: boolean) => boolean {
  const m = matcher(`${sels}condition: ${cond}`);
  return (a, b, c) => m({ ...(a && { A: 1 }), ...(b && { B: 1 }), ...(c && { C: 1 }) });
}
const all3 = [false, true].flatMap((a) => [false, true].flatMap((b) => [false, true].map((c) => [a, b, c] as const)));

describe('precedence: or < and < not < x of < ()', () => {
  test.each([
    ['a or b and c', (a: boolean, b: boolean, c: boolean) => a || (b && c)],
    ['a and b or c', (a: boolean, b: boolean, c: boolean) => (a && b) || c],
    ['not a and b', (a: boolean, b: boolean) => !a && b],
    ['not a or b', (a: boolean, b: boolean) => !a || b],
    ['not (a or b)', (a: boolean, b: boolean) => !(a || b)],
    ['a and (b or c)', (a: boolean, b: boolean, c: boolean) => a && (b || c)],
    ['not not a', (a: boolean) => a],
    ['a AND NOT b', (a: boolean, b: boolean) => a && !b],
    ['not 1 of them', (a: boolean, b: boolean, c: boolean) => !(a || b || c)],
    ['all of them and not c', () => false],
  ])('%s', (cond, expected) => {
    const t = truth(cond);
    for (const [a, b, c] of all3) expect([a, b, c, t(a, b, c)]).toEqual([a, b, c, expected(a, b, c)]);
  });
});

describe('x of', () => {
  const m = (cond: string) =>
    matcher(`selection_a:\n  A: 1\nselection_b:\n  B: 1\nfilter:\n  F: 1\n_hidden:\n  H: 1\ncondition: ${cond}`);
  test('1 of pattern', () => {
    const t = m('1 of selection_*');
    expect(t({ B: 1 })).toBe(true);
    expect(t({ F: 1 })).toBe(false);
  });
  test('any of is 1 of', () => {
    expect(m('any of selection_*')({ A: 1 })).toBe(true);
  });
  test('all of pattern', () => {
    const t = m('all of selection_*');
    expect(t({ A: 1, B: 1 })).toBe(true);
    expect(t({ A: 1 })).toBe(false);
  });
  test('them leaves out _ identifiers', () => {
    expect(m('1 of them')({ H: 1 })).toBe(false);
    expect(m('all of them')({ A: 1, B: 1, F: 1 })).toBe(true);
  });
  test('a pattern not starting with _ leaves out _ identifiers', () => {
    expect(m('1 of *')({ H: 1 })).toBe(false);
    expect(() => m('1 of *hidden')).toThrow(/matches no search identifier/);
  });
  test('a pattern starting with _ includes them', () => {
    expect(m('1 of _*')({ H: 1 })).toBe(true);
  });
  test('patterns match whole names, wildcards anywhere', () => {
    expect(m('1 of sel*_a')({ A: 1 })).toBe(true);
    expect(m('1 of sel*_a')({ B: 1 })).toBe(false);
    expect(() => m('1 of selection')).toThrow(/matches no search identifier/);
  });
  test('x of combined with not', () => {
    const t = m('1 of selection_* and not 1 of filter*');
    expect(t({ A: 1 })).toBe(true);
    expect(t({ A: 1, F: 1 })).toBe(false);
  });
});

describe('condition lists are OR', () => {
  test('either condition fires', () => {
    const t = matcher(`${sels}condition:\n  - a and b\n  - c`);
    expect(t({ C: 1 })).toBe(true);
    expect(t({ A: 1, B: 1 })).toBe(true);
    expect(t({ A: 1 })).toBe(false);
  });
});

describe('condition errors', () => {
  test.each([
    ['a and missing', /unknown search identifier 'missing'/],
    ['a and', /ends unexpectedly/],
    ['(a or b', /unclosed parenthesis/],
    ['a b', /unexpected 'b'/],
    ['a )', /unexpected '\)'/],
    ['2 of them', /not in the Sigma specification/],
    ['a | count() > 5', /aggregation/],
  ])('%s', (cond, re) => {
    expect(loadError(`${sels}condition: '${cond}'`)).toMatch(re);
  });

  test('missing condition', () => {
    expect(loadError(sels)).toMatch(/condition/);
  });

  test('parse tree shape', () => {
    expect(parseCondition('a or b and not c', ['a', 'b', 'c'])).toEqual({
      t: 'or',
      args: [{ t: 'id', name: 'a' }, { t: 'and', args: [{ t: 'id', name: 'b' }, { t: 'not', arg: { t: 'id', name: 'c' } }] }],
    });
  });
});
