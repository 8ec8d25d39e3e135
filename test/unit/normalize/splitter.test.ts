import fc from 'fast-check';
import { RecordSplitter, unwrapText, type Unwrapped, type UnwrapOptions } from '../../../shared/normalize/envelopes';
import { fixtureText } from './helpers';

/** Feeds text in chunks of `size` characters and concatenates the results. */
function split(text: string, size: number, options?: UnwrapOptions): Unwrapped {
  const s = new RecordSplitter(options);
  const out: Unwrapped = { records: [], failures: [] };
  const add = (u: Unwrapped) => {
    out.records.push(...u.records);
    out.failures.push(...u.failures);
  };
  for (let i = 0; i < text.length; i += size) add(s.push(text.slice(i, i + size)));
  add(s.end());
  return out;
}

const SIZES = [1, 3, 17, 256, 1 << 20];

describe('RecordSplitter (streaming)', () => {
  const inputs: [string, string][] = [
    ['CloudTrail log file', fixtureText('cloudtrail', 'logfile.json')],
    ['pretty CloudTrail log file', JSON.stringify(JSON.parse(fixtureText('cloudtrail', 'logfile.json')), null, 2)],
    ['JSON array', fixtureText('okta', 'logs-api-page.json')],
    ['NDJSON', fixtureText('windows', 'evtx-dump.ndjson')],
    ['single document', fixtureText('cloudtrail', 'eventbridge-create-user.json')],
    ['Graph page', fixtureText('defender', 'alerts-v2-page.json')],
    ['VPC flow text', fixtureText('vpcflow', 'custom-v5.log')],
    ['auditd text', fixtureText('linux', 'audit.log')],
  ];
  for (const [name, text] of inputs) {
    test(`${name}: same records as unwrapText at every chunk size`, () => {
      const whole = unwrapText(text);
      expect(whole.failures).toEqual([]);
      for (const size of SIZES) expect(split(text, size)).toEqual(whole);
    });
  }

  test('bad NDJSON lines are reported with line and offset, like unwrapText', () => {
    const a = '{"n":1}';
    const text = `${a}\n{"n": 2, "s": "unterminated\n{"n":1,"o":{"p":2}\n${a}\nnot json\n{"n":3}{"n":4}\n{"n": 5,}\n{"x": [1, 2`;
    const whole = unwrapText(text);
    expect(whole.records).toEqual([{ n: 1 }, { n: 1 }, { n: 3 }, { n: 4 }]);
    for (const size of SIZES) {
      const got = split(text, size);
      expect(got.records).toEqual(whole.records);
      expect(got.failures.map((f) => [f.line, f.offset, f.reason.split(':')[0]])).toEqual(whole.failures.map((f) => [f.line, f.offset, f.reason.split(':')[0]]));
    }
  });

  test('a CloudTrail log file: bad elements are reported by index, the rest go on', () => {
    const text = '{"Records":[{"a":1},\n"oops",\n{"b": 2,},\n{"c":3},\n7]}';
    for (const size of SIZES) {
      const got = split(text, size);
      expect(got.records).toEqual([{ a: 1 }, { c: 3 }]);
      expect(got.failures.map((f) => [f.index, f.reason.split(':')[0]])).toEqual([
        [1, 'Records element is not a JSON object'],
        [2, 'malformed JSON'],
        [4, 'Records element is not a JSON object'],
      ]);
    }
  });

  test('a truncated log file reports the cut element', () => {
    const text = '{"Records":[{"a":1},{"b":{"c":';
    for (const size of SIZES) {
      const got = split(text, size);
      expect(got.records).toEqual([{ a: 1 }]);
      expect(got.failures).toEqual([{ line: 1, offset: 20, index: 1, reason: 'truncated JSON document (unexpected end of input)', input: '{"b":{"c":' }]);
    }
    expect(split('{"Records":[{"a":1},', 4).failures[0].reason).toMatch(/Records array not closed after 1 elements/);
  });

  test('oversized records are skipped without buffering them', () => {
    const big = `{"blob":"${'x'.repeat(5000)}"}`;
    const text = `{"Records":[{"a":1},${big},{"b":2}]}`;
    const s = new RecordSplitter({ maxRecordChars: 1000 });
    const got: Unwrapped = { records: [], failures: [] };
    for (let i = 0; i < text.length; i += 100) {
      const u = s.push(text.slice(i, i + 100));
      got.records.push(...u.records);
      got.failures.push(...u.failures);
      // The internal buffer never holds much more than the limit.
      expect((s as unknown as { buf: string }).buf.length).toBeLessThan(1200);
    }
    const e = s.end();
    got.records.push(...e.records);
    expect(got.records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(got.failures).toHaveLength(1);
    expect(got.failures[0].reason).toBe('record exceeds 1000 characters');
    const nd = split(`{"a":1}\n${big}\n{"b":2}\n`, 64, { maxRecordChars: 1000 });
    expect(nd.records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(nd.failures.map((f) => f.line)).toEqual([2]);
    const longLine = split(`2 111 eni-1 ${'9'.repeat(3000)}\n2 111122223333 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 1 1772452800 1772452860 ACCEPT OK\n`, 50, { maxRecordChars: 1000 });
    expect(longLine.records).toHaveLength(1);
    expect(longLine.failures).toHaveLength(1);
  });

  test('concatenated containers and empty input', () => {
    expect(split('{"Records":[{"a":1}]}\n{"Records":[{"b":2}]}', 5).records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(split('[{"a":1}][{"b":2}]', 2).records).toEqual([{ a: 1 }, { b: 2 }]);
    expect(split('', 5)).toEqual({ records: [], failures: [] });
    expect(split(' \n ', 1)).toEqual({ records: [], failures: [] });
    // A short document that only starts like a log file is still a document.
    expect(split('{"Rec":1}', 1).records).toEqual([{ Rec: 1 }]);
  });
});

describe('RecordSplitter agrees with unwrapText on arbitrary input', () => {
  const rec = fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { maxKeys: 4 });
  const line = fc.oneof(
    rec.map((r) => JSON.stringify(r)),
    rec.map((r) => JSON.stringify(r, null, 2)),
    rec.map((r) => JSON.stringify(r).slice(0, -1)), // truncated
    fc.string({ maxLength: 10 }), // garbage
  );

  test('records match for any mix of good, truncated and garbage documents and any chunking', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (lines, size) => {
        const text = lines.join('\n');
        const whole = unwrapText(text);
        const got = split(text, size);
        expect(got.records).toEqual(whole.records);
        expect(got.failures.length > 0).toBe(whole.failures.length > 0);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('strings with escapes, cut anywhere', () => {
  // Backslash runs and escaped quotes are where a string scanner that jumps to the next quote could go wrong.
  const tricky = fc.array(fc.constantFrom('\\', '"', 'a', '\n', '}', ']', ','), { maxLength: 8 }).map((cs) => cs.join(''));
  const rec = fc.dictionary(tricky, tricky, { maxKeys: 3 });

  test('NDJSON, pretty-printed documents, arrays and log files of such records: the same records and failures at every chunking', () => {
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 4 }), fc.constantFrom('ndjson', 'pretty', 'array', 'records'), fc.integer({ min: 1, max: 9 }), (recs, shape, size) => {
        // Pretty-printed documents go through the whole-text scanner, the others through JSON.parse and the splitter.
        const text =
          shape === 'ndjson' || shape === 'pretty'
            ? recs.map((r) => JSON.stringify(r, null, shape === 'pretty' ? 2 : undefined)).join('\n')
            : shape === 'array'
              ? JSON.stringify(recs)
              : JSON.stringify({ Records: recs });
        const whole = unwrapText(text);
        expect(whole.records).toEqual(recs);
        expect(whole.failures).toEqual([]);
        expect(split(text, size)).toEqual(whole);
      }),
      { numRuns: 1500, seed: 11 },
    );
  });

  test('a raw newline inside a string breaks only its own record, wherever the chunks are cut', () => {
    const text = '{"a":"x\\\\"}\n{"b":"y\\"\nz"}\n{"c":"\\\\\\""}';
    const whole = unwrapText(text);
    expect(whole.records).toEqual([{ a: 'x\\' }, { c: '\\"' }]);
    expect(whole.failures.map((f) => [f.line, f.reason])).toEqual([
      [2, 'truncated or malformed JSON document'],
      [3, 'unexpected text outside a JSON document'],
    ]);
    for (let size = 1; size <= text.length; size++) expect(split(text, size)).toEqual(whole);
  });
});
