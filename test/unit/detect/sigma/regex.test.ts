import { checkRegex } from '../../../../shared/detect/sigma/regex';
import { SigmaError } from '../../../../shared/detect/sigma/errors';

function outcome(p: string, flags = ''): string {
  try {
    const r = checkRegex(p, flags);
    return `ok ${r.flags}`;
  } catch (e) {
    const s = e as SigmaError;
    return `${s.unsupported ? 'unsupported' : 'error'}: ${s.reason}`;
  }
}

describe('regex safety analysis', () => {
  test.each([
    String.raw`\\Windows\\System32\\[a-z]+\.exe$`,
    String.raw`^(cmd|powershell)\.exe`,
    String.raw`(?:ab)+c`,
    String.raw`(abc|def)+`,
    String.raw`\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}`,
    String.raw`[(+*]+`,
    String.raw`(?<name>x)y`,
    String.raw`\x41\u0042`,
    String.raw`((ab)*c)*`,
    String.raw`\d+(\.\d+)*`,
    String.raw`(\w+\\)+`,
    String.raw`(a\d*)+`,
  ])('accepts %s', (p) => {
    expect(outcome(p)).toMatch(/^ok/);
  });

  test.each([
    [String.raw`(a+)+$`, /nested quantifiers/],
    [String.raw`(\w*\s?)*x`, /nested quantifiers/],
    [String.raw`((ab)*c?)*`, /nested quantifiers/],
    [String.raw`(a.*)*`, /nested quantifiers/],
    [String.raw`^(a?a?)+b`, /nested quantifiers/],
    [String.raw`(xa?a?)+`, /nested quantifiers/],
    [String.raw`(a?)+`, /nested quantifiers/],
    [String.raw`(\d+\.?)+`, /nested quantifiers/],
    [String.raw`(a|a)*b`, /alternation/],
    [String.raw`(\w|\d)+`, /alternation/],
    [String.raw`(ab|ac){2,}`, /alternation/],
    [String.raw`(a)\1`, /backreference/],
    [String.raw`foo(?=bar)`, /lookaround/],
    [String.raw`(?<!x)y`, /lookaround/],
    [String.raw`\Aabc\Z`, /escape/],
    [String.raw`(?>a)`, /atomic/],
  ])('refuses %s', (p, reason) => {
    const o = outcome(p);
    expect(o).toMatch(/^unsupported/);
    expect(o).toMatch(reason);
  });

  test('case-insensitive flag makes A|a overlap', () => {
    expect(outcome('(A|a)+')).toMatch(/^ok/);
    expect(outcome('(A|a)+', 'i')).toMatch(/alternation/);
  });

  test('inline flags at the start become RegExp flags', () => {
    expect(checkRegex('(?is)a.b', '')).toEqual({ source: 'a.b', flags: 'is' });
    expect(outcome('(?x)a')).toMatch(/inline flag 'x'/);
  });

  test('syntax errors are load errors, not unsupported', () => {
    expect(outcome('(abc')).toMatch(/^error/);
    expect(outcome('[abc')).toMatch(/^error/);
    expect(outcome('*a')).toMatch(/^error/);
  });

  test('an accepted pattern still matches in linear-ish time on hostile input', () => {
    const { source, flags } = checkRegex(String.raw`^\d+(\.\d+)*x`, '');
    const re = new RegExp(source, flags);
    const start = Date.now();
    re.test('1'.repeat(20000) + '.1'.repeat(5000) + 'y');
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
