import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { stableId } from '../../shared/hash';
import { runs } from './fuzz/support';

/** The definition: sha256 of the UTF-8 of each part followed by NUL, first 32 hex digits. */
const reference = (parts: readonly string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p}\0`, 'utf8');
  return h.digest('hex').slice(0, 32);
};

describe('stableId', () => {
  test('is the sha256 of the parts, each followed by NUL: pinned', () => {
    expect(stableId('tenant-a', 'rule-1', 'event-1')).toBe(reference(['tenant-a', 'rule-1', 'event-1']));
    // Computed outside Node: printf 'a\0b\0' | sha256sum
    expect(stableId('a', 'b')).toBe('8fb20ef63ced4145fc2e983ffe597d1d');
    expect(stableId()).toBe(reference([]));
    expect(stableId('')).toBe(reference(['']));
  });

  test('ASCII, non-ASCII, lone surrogates, NUL, long parts and their mixes give the reference id, calls interleaved', () => {
    const cases: string[][] = [
      ['x'],
      ['é', 'ascii'],
      ['ascii', '漢字', 'z'],
      ['\ud800', 'a'],
      ['pair \ud83d\ude00'],
      ['a\0b', 'c'],
      ['\u007f', '\u0080'],
      ['a'.repeat(4094)],
      ['a'.repeat(4095)],
      ['a'.repeat(4096)],
      ['a'.repeat(2000), 'b'.repeat(2094)],
      ['a'.repeat(2000), 'b'.repeat(2095)],
      ['a'.repeat(9000), 'é'],
      ['short'],
    ];
    for (let round = 0; round < 2; round++) for (const parts of cases) expect(stableId(...parts)).toBe(reference(parts));
  });

  test('any strings (property)', () => {
    const part = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        expect(stableId(...parts)).toBe(reference(parts));
      }),
      runs(500),
    );
  });
});
