/**
 * `Date.parse(s)`, with a fast path for the form telemetry nearly always
 * carries: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (CloudTrail, Okta, GuardDuty,
 * Windows' SystemTime with its seven fraction digits). Date.parse took
 * 300–400 ns a call, as much as mapping the rest of a CloudTrail record;
 * here the clock digits are read directly and the day comes from Date.parse
 * once per day seen, so the answer is Date.parse's own: V8 rolls
 * `2026-02-30` over to March, truncates a fraction of up to nine digits to
 * milliseconds, refuses minute or second 60. Anything else, `24:00:00`,
 * longer fractions and lower-case `t`/`z` included, goes to Date.parse.
 */
export function parseTimestamp(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== Z || s.charCodeAt(10) !== T || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH || s.charCodeAt(13) !== COLON || s.charCodeAt(16) !== COLON) {
    return Date.parse(s);
  }
  const h = twoDigits(s, 11);
  const m = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return Date.parse(s);
  let ms = 0;
  if (n > 20) {
    // `.` and one to nine digits before the Z; digits past the third are dropped, as Date.parse drops them. Past nine
    // digits V8 counts only significant ones (`.0009000000` is 9 ms): left to Date.parse.
    if (s.charCodeAt(19) !== DOT || n === 21 || n > 30) return Date.parse(s);
    for (let i = 20; i < n - 1; i++) {
      const d = s.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) return Date.parse(s);
      if (i < 23) ms = ms * 10 + d;
    }
    if (n === 22) ms *= 100;
    else if (n === 23) ms *= 10;
  }
  if (!(lastDay.length === 10 && s.startsWith(lastDay))) {
    if (twoDigits(s, 0) < 0 || twoDigits(s, 2) < 0 || twoDigits(s, 5) < 0 || twoDigits(s, 8) < 0) return Date.parse(s);
    lastDay = s.slice(0, 10);
    lastDayMs = Date.parse(`${lastDay}T00:00:00Z`);
  }
  if (Number.isNaN(lastDayMs)) return Date.parse(s);
  return lastDayMs + h * 3_600_000 + m * 60_000 + sec * 1000 + ms;
}

const Z = 90;
const T = 84;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const ZERO = 48;

/** The last day seen (`YYYY-MM-DD`) and Date.parse of its midnight: events come day by day. */
let lastDay = '';
let lastDayMs = Number.NaN;

/** The two decimal digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO;
  const b = s.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
