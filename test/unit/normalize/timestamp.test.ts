import fc from 'fast-check';
import { parseTimestamp } from '../../../shared/normalize/sources/timestamp';

/** Date.parse's answer, NaN compared as a value. */
const same = (s: string) => expect(Object.is(parseTimestamp(s), Date.parse(s)) ? s : `${s}: ${parseTimestamp(s)} vs ${Date.parse(s)}`).toBe(s);

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Timestamps of the fast path's shape, with any two digits in each place (month 13, hour 24, second 60…) and 0–12 fraction digits. */
const isoLike = fc
  .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), fc.option(fc.nat({ max: 12 }).chain((k) => digits(k)), { nil: undefined }))
  .map(([y, mo, d, h, mi, s, frac]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac === undefined ? '' : `.${frac}`}Z`);

/** The same, one character replaced or removed, or lower-cased. */
const mutated = fc.tuple(isoLike, fc.nat(), fc.constantFrom('', ' ', '-', ':', '.', 'T', 'Z', 't', 'z', '+', '9', '/', 'x')).map(([s, i, c]) => {
  const k = i % s.length;
  return `${s.slice(0, k)}${c}${s.slice(k + 1)}`;
});

describe('parseTimestamp', () => {
  it('is Date.parse for the forms telemetry carries, and for what merely looks like them', () => {
    for (const s of [
      '2026-03-02T09:00:00Z',
      '2026-03-02T09:00:00.1Z',
      '2026-03-02T09:00:00.12Z',
      '2026-03-02T09:00:00.123Z',
      '2026-03-02T09:00:00.1234567Z',
      '2026-03-02T09:00:00.9999999Z',
      '2026-03-02T09:00:00.123456789Z',
      '2026-03-02T09:00:00.123456789012Z',
      '2026-03-02T09:00:00.0009000000Z',
      '2026-03-02T09:00:00.00090000000Z',
      '2026-02-30T00:00:00Z',
      '2024-02-29T23:59:59.999Z',
      '2026-03-02T24:00:00Z',
      '2026-03-02T23:60:00Z',
      '2026-03-02T23:59:60Z',
      '2026-03-02T09:00:00.Z',
      '2026-13-02T09:00:00Z',
      '2026-00-10T09:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-03-02t09:00:00z',
      '+002026-03-02T09:00:00Z',
      '2026-03-02T09:00Z',
      '2026-03-02 09:00:00Z',
      '2026-03-02T09:00:00+00:00',
      '2026/03/02T09:00:00Z',
      'Mon, 02 Mar 2026 09:00:00 GMT',
      '',
      'not a time',
    ]) {
      same(s);
    }
  });

  it('agrees with Date.parse on generated and mutated timestamps, in any order (the day it remembers never leaks)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(isoLike, mutated, fc.string()), { minLength: 1, maxLength: 20 }), (list) => {
        for (const s of list) same(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('days in a row: each answer is the day of its own text, not the remembered one', () => {
    const days = ['2026-03-01', '2026-03-02', '2026-03-01', '2026-13-01', '2026-03-01', '2025-12-31'];
    for (const d of days) for (const t of ['00:00:00Z', '12:34:56.789Z', '23:59:59.9999999Z']) same(`${d}T${t}`);
  });
});
