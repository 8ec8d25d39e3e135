import { ValueMemo } from '../../../../shared/detect/sigma/value-memo';

/** A fresh string with the same characters (as JSON.parse gives for every event), not the literal's interned copy. */
const fresh = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('ValueMemo', () => {
  it('returns what was remembered for an equal string, not only the same object', () => {
    const m = new ValueMemo<number>(64);
    m.set('DescribeInstances', 1);
    m.set('aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22', 2);
    expect(m.get(fresh('DescribeInstances'))).toBe(1);
    expect(m.get(fresh('aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22'))).toBe(2);
    expect(m.size).toBe(2);
  });

  it('never answers for a value it was not given, even one its slot is computed alike for', () => {
    // Same length, same sampled characters: only the ones in between differ.
    const m = new ValueMemo<string>(64);
    const a = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22';
    const b = 'aws-cli/2.15.31 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22';
    m.set(a, 'a');
    expect(m.get(b)).toBeUndefined();
    m.set(b, 'b');
    expect(m.get(fresh(a))).toBe('a');
    expect(m.get(fresh(b))).toBe('b');
  });

  it('empty and one-character strings are values like any other', () => {
    const m = new ValueMemo<number>(16);
    m.set('', 0);
    m.set('x', 1);
    expect(m.get('')).toBe(0);
    expect(m.get('x')).toBe(1);
    expect(m.get('y')).toBeUndefined();
  });

  it('setting a remembered value again replaces its answer without counting it twice', () => {
    const m = new ValueMemo<number>(16);
    m.set('errorCode', 1);
    m.set(fresh('errorCode'), 2);
    expect(m.get('errorCode')).toBe(2);
    expect(m.size).toBe(1);
  });

  it('forgets rather than answers wrongly when full, and clear() empties it', () => {
    const m = new ValueMemo<number>(16);
    const values = Array.from({ length: 500 }, (_, i) => `10.${i >> 8}.${i & 255}.7`);
    values.forEach((v, i) => m.set(v, i));
    expect(m.size).toBeLessThanOrEqual(16);
    let remembered = 0;
    values.forEach((v, i) => {
      const got = m.get(fresh(v));
      if (got !== undefined) {
        expect(got).toBe(i);
        remembered++;
      }
    });
    expect(remembered).toBe(m.size);
    m.clear();
    expect(m.size).toBe(0);
    expect(values.every((v) => m.get(v) === undefined)).toBe(true);
  });
});
