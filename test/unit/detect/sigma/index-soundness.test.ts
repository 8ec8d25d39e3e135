import fc from 'fast-check';
import { compileRules, type RuleSourceFile } from '../../../../shared/detect/sigma';
import { CountingContext } from './helpers';
import { regexLiterals } from '../../../../shared/detect/sigma/regex-literals';

/**
 * The literal index may only skip a rule that cannot match: every indexed
 * answer must equal testing each rule on its own. These cases are the ones
 * where an index could wrongly skip a rule.
 */

const LS = { product: 'x' };

function rules(detections: string[], logsource = '{product: x}'): RuleSourceFile[] {
  return detections.map((d, i) => ({ path: `r${i}.yml`, text: `title: r${i}\nid: r${i}\nlogsource: ${logsource}\ndetection:\n${d.replace(/^/gm, '  ')}\n` }));
}

/** Rule ids the indexed rule set returns, after checking they equal the rule-by-rule answer. */
function fired(files: RuleSourceFile[], event: Record<string, unknown>): string[] {
  const set = compileRules(files, { strict: true });
  const brute = set.rules.filter((r) => r.matches(event)).map((r) => r.id);
  const indexed = set.evaluate(LS, event).map((r) => r.id);
  expect(indexed).toEqual(brute);
  return indexed;
}

describe('regex literals (what a |re rule requires)', () => {
  test.each([
    ['(?i)(pacu|kali)', ['pacu', 'kali']],
    ['^(python-requests|curl)/[0-9]+', ['python-requests/', 'curl/']],
    ['exfil|dump|temp[0-9]+', ['exfil', 'dump', 'temp']],
    ['ab?cdef', ['cdef']],
    ['\\.exe$', ['.exe']],
    ['(?<name>foo)bar', ['foobar']],
  ])('%s needs one of %j', (re, want) => {
    expect(regexLiterals(re.replace(/^\(\?i\)/, ''))).toEqual(want);
  });

  test.each(['\\d+', 'a*', '(a|b?)', 'x?y?', '[abc]+', '.*'])('%s needs nothing (no literal is certain)', (re) => {
    // A requirement derived from these could skip events that match.
    const lits = regexLiterals(re);
    expect(lits === undefined || lits.every((l) => l.length <= 1)).toBe(true);
  });

  test('every string a regex matches contains one of its literals, lower-cased (property)', () => {
    const atom = fc.constantFrom('a', 'b', 'B', '-', '.', '[ab]', '\\d', '😀', 'σ', 'Σ', '\\.', '\\x41', '^', '$', '\\b');
    const quant = fc.constantFrom('', '', '?', '*', '+', '{2}', '{0,1}', '{1,3}', '+?');
    const piece = fc.tuple(atom, quant).map(([a, q]) => (['^', '$', '\\b'].includes(a) ? a : a + q));
    const seq = fc.array(piece, { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
    const group = fc.tuple(fc.array(seq, { minLength: 1, maxLength: 3 }), quant).map(([alts, q]) => `(${alts.join('|')})${q}`);
    const regex = fc.array(fc.oneof(seq, group), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(''));
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'B', 'A', '-', '.', '1', 'σ', 'ς', 'Σ', '😀', 'x'), maxLength: 8 });
    fc.assert(
      fc.property(regex, fc.boolean(), fc.array(text, { minLength: 1, maxLength: 8 }), (src, ci, texts) => {
        let re: RegExp;
        try {
          re = new RegExp(src, ci ? 'i' : '');
        } catch {
          return;
        }
        const lits = regexLiterals(src);
        if (lits === undefined) return;
        for (const t of texts) if (re.test(t)) expect(lits.some((l) => t.toLowerCase().includes(l))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test('non-ASCII letters are not used as literals (case folding differs from regex /i)', () => {
    // /σ/i matches "ς", which lower-cases to itself, not to "σ".
    expect(regexLiterals('σ')).toBeUndefined();
    const files = rules(["s:\n  T|re: '(?i)σοφος'\ncondition: s"]);
    expect(fired(files, { T: 'ΣΟΦΟΣ' })).toEqual(['r0']);
    expect(fired(files, { T: 'σοφος' })).toEqual(['r0']);
  });

  test('|re rules are indexed and still fire on the events they match', () => {
    const files = rules(["s:\n  UA|re: '(?i)(pacu|kali)'\ncondition: s", "s:\n  UA|re: '^curl/[0-9]+$'\ncondition: s", "s:\n  UA|re: '[0-9]+'\ncondition: s"]);
    const set = compileRules(files, { strict: true });
    expect(set.indexStats(LS)).toMatchObject({ indexed: 2, unindexed: 1 });
    expect(fired(files, { UA: 'Boto3 PACU/1.0' })).toEqual(['r0', 'r2']);
    expect(fired(files, { UA: 'curl/8' })).toEqual(['r1', 'r2']);
    expect(fired(files, { UA: 'CURL/8' })).toEqual(['r2']);
    expect(fired(files, { UA: ['x', 'kali'] })).toEqual(['r0']);
    expect(fired(files, { UA: 12 })).toEqual(['r2']);
  });
});

describe('cidr index', () => {
  const files = rules([
    "s:\n  ip|cidr: ['203.0.113.0/24', '10.0.0.0/8']\n  ro: false\ncondition: s",
    "s:\n  ip|cidr: '0.0.0.0/0'\ncondition: s",
    "s:\n  ip|cidr: '2001:db8::/32'\ncondition: s",
    "s:\n  ip|cidr: '198.51.100.7'\ncondition: s",
  ]);

  test('IPv4 networks are indexed; IPv6 ones are tested on every event', () => {
    const set = compileRules(files, { strict: true });
    expect(set.indexStats(LS)).toMatchObject({ indexed: 3, unindexed: 1 });
  });

  test.each([
    [{ ip: '203.0.113.9', ro: false }, ['r0', 'r1']],
    [{ ip: '10.200.1.1', ro: 'false' }, ['r0', 'r1']],
    [{ ip: '10.200.1.1', ro: true }, ['r1']],
    [{ ip: ['192.0.2.1', '10.0.0.1'], ro: false }, ['r0', 'r1']],
    [{ ip: '198.51.100.7' }, ['r1', 'r3']],
    [{ ip: '198.51.100.8' }, ['r1']],
    [{ ip: '2001:db8::1' }, ['r2']],
    [{ ip: '010.0.0.1', ro: false }, []],
    [{ ip: 3405803777 }, []],
    [{}, []],
  ])('%j fires %j', (event, want) => {
    expect(fired(files, event)).toEqual(want);
  });

  // Every prefix length keys its table differently (the network bits alone): the edges of the address space and of the
  // mask lengths, /1, /31 and /32 among them, each beside its first address outside.
  const edges = rules([
    "s:\n  ip|cidr: '128.0.0.0/1'\ncondition: s",
    "s:\n  ip|cidr: '255.255.255.254/31'\ncondition: s",
    "s:\n  ip|cidr: '192.168.0.0/16'\ncondition: s",
    "s:\n  ip|cidr: '255.255.255.255/32'\ncondition: s",
    "s:\n  ip|cidr: '0.0.0.0/31'\ncondition: s",
  ]);
  test.each([
    ['128.0.0.0', ['r0']],
    ['127.255.255.255', []],
    ['255.255.255.254', ['r0', 'r1']],
    ['255.255.255.255', ['r0', 'r1', 'r3']],
    ['255.255.255.253', ['r0']],
    ['192.168.255.255', ['r0', 'r2']],
    ['192.169.0.0', ['r0']],
    ['0.0.0.1', ['r4']],
    ['0.0.0.2', []],
  ])('%s fires %j (prefix lengths /1 to /32)', (ip, want) => {
    expect(fired(edges, { ip })).toEqual(want);
  });
});

describe('requirements never skip a rule that can match', () => {
  test('not, 1 of, all of, keywords, null, exists, neq, fieldref', () => {
    const files = rules([
      'a: {E: Start}\nf: {U: bot}\ncondition: a and not f',
      'a: {E: Start}\ncondition: not a',
      'a: {E: Start}\nb: {E|startswith: Stop}\ncondition: 1 of them',
      'a: {E: Start}\nb: {K: v}\ncondition: 1 of them',
      'a: {E: Start}\nb: {K: v}\ncondition: all of them',
      'k: [needle]\ncondition: k',
      'a: {E: Start, K: null}\ncondition: a',
      'a: {E: null}\ncondition: a',
      'a: {E|exists: false}\ncondition: a',
      'a: {E|neq: Start}\ncondition: a',
      'a: {E|fieldref: K}\ncondition: a',
      "a: {E: ['Start', null]}\ncondition: a",
    ]);
    expect(fired(files, { E: 'Start' })).toEqual(['r0', 'r2', 'r3', 'r6', 'r11']);
    expect(fired(files, { E: 'start', U: 'bot' })).toEqual(['r2', 'r3', 'r6', 'r11']);
    expect(fired(files, { E: 'Start', K: 'v' })).toEqual(['r0', 'r2', 'r3', 'r4', 'r11']);
    expect(fired(files, { E: 'Stopper', note: 'a NEEDLE here' })).toEqual(['r1', 'r2', 'r5', 'r9']);
    expect(fired(files, { K: 'v' })).toEqual(['r1', 'r3', 'r7', 'r8', 'r11']);
    expect(fired(files, { E: null })).toEqual(['r1', 'r7', 'r11']);
    expect(fired(files, { E: 'x', K: 'X' })).toEqual(['r1', 'r9', 'r10']);
  });

  test('wildcards, case folding, |cased, numbers and booleans', () => {
    const files = rules([
      "a: {E: 'Get*Policy'}\ncondition: a",
      "a: {E|cased: 'GetObject'}\ncondition: a",
      'a: {N: 4688}\ncondition: a',
      'a: {B: true}\ncondition: a',
      "a: {E: 'Get?bject'}\ncondition: a",
      "a: {E|windash|contains: ' -enc '}\ncondition: a",
    ]);
    expect(fired(files, { E: 'GETBUCKETPOLICY' })).toEqual(['r0']);
    expect(fired(files, { E: 'GetObject' })).toEqual(['r1', 'r4']);
    expect(fired(files, { E: 'getobject' })).toEqual(['r4']);
    expect(fired(files, { N: '4688.0' })).toEqual(['r2']);
    expect(fired(files, { N: [1, 4688] })).toEqual(['r2']);
    expect(fired(files, { B: 'TRUE' })).toEqual(['r3']);
    expect(fired(files, { E: 'x \u2013enc y' })).toEqual(['r5']);
  });

  test('prefixes and suffixes outside the Basic Multilingual Plane', () => {
    const files = rules(["a: {E|startswith: '😀go'}\ncondition: a", "a: {E|endswith: 'x😀'}\ncondition: a", "a: {E|contains: '😀😀'}\ncondition: a"]);
    expect(fired(files, { E: '😀GoHome' })).toEqual(['r0']);
    expect(fired(files, { E: 'boX😀' })).toEqual(['r1']);
    expect(fired(files, { E: 'a😀😀b' })).toEqual(['r2']);
  });

  test("a candidate's other conditions decide, each field is read once per event, and missing fields fail them", () => {
    const files = rules(['a: {E: [A1, A2], U|contains: evil, T: Root}\ncondition: a', 'a: {U|contains: evil, T: [Root, IAMUser]}\ncondition: a']);
    const set = compileRules(files, { strict: true });
    const ctx = new CountingContext({ E: 'A1', U: 'evil', T: 'IAMUser' });
    expect(set.evaluateWith(LS, ctx).map((r) => r.id)).toEqual(['r1']);
    // Two rules test U and T: the event's fields are read once, not once per rule.
    for (const n of ctx.reads.values()) expect(n).toBeLessThanOrEqual(1);
    expect(fired(files, { E: 'a2', U: 'so EVIL', T: 'root' })).toEqual(['r0', 'r1']);
    expect(fired(files, { E: 'a2', U: ['x', 'evil'], T: ['IAMUser', 'Root'] })).toEqual(['r0', 'r1']);
    expect(fired(files, { E: 'a2', T: 'Root' })).toEqual([]);
  });

  test('secondary checks of every kind accept what the rule accepts', () => {
    // Twenty distinct event names make `E` each rule's index key; the other condition is checked second.
    const other: Array<[string, unknown, unknown]> = [
      ["P|startswith: 'ab'", 'ABx', 'xab'],
      ["S|endswith: 'yz'", 'xYZ', 'yzx'],
      ["C|contains: 'mid'", 'aMIDb', 'mi d'],
      ["I|cidr: '10.0.0.0/8'", '10.9.9.9', '11.0.0.1'],
      ['N: 5', '5.0', 6],
    ];
    const files = Array.from({ length: 20 }, (_, i) => rules([`s:
  E: V${i}
  ${other[i % 5][0]}
condition: s`])[0]).map((f, i) => ({
      path: `k${i}.yml`,
      text: f.text.replace(/r0/g, `k${i}`),
    }));
    for (let i = 0; i < 20; i++) {
      const [test, yes, no] = other[i % 5];
      const field = test.split(/[|:]/)[0];
      expect(fired(files, { E: `v${i}`, [field]: yes })).toEqual([`k${i}`]);
      expect(fired(files, { E: `V${i}`, [field]: ['zz', yes] })).toEqual([`k${i}`]);
      expect(fired(files, { E: `V${i}`, [field]: no })).toEqual([]);
    }
  });

  test('field mappings are used by the index as by the rule', () => {
    const win = { product: 'windows', category: 'process_creation' };
    const set = compileRules(rules(["s:\n  Image|endswith: '\\evil.exe'\n  EventID: 4688\ncondition: s"], '{product: windows, category: process_creation}'), {
      strict: true,
      fieldMappings: [{ logsource: win, fields: { Image: 'NewProcessName' } }],
    });
    expect(set.evaluate(win, { EventID: 4688, NewProcessName: 'C:\\t\\EVIL.exe' }).map((r) => r.id)).toEqual(['r0']);
  });

  test('OCSF-target rules are indexed on the OCSF event, vendor rules on the raw record', () => {
    const set = compileRules(
      [
        ...rules(["s:\n  src_endpoint.ip|cidr: '203.0.113.0/24'\n  class_uid: 3002\ncondition: s"], '{product: ocsf}'),
        { path: 'v.yml', text: "title: v\nid: v\nlogsource: {product: x}\ndetection:\n  s: {eventName: ConsoleLogin}\n  condition: s\n" },
      ],
      { strict: true },
    );
    const ocsf = { class_uid: 3002, src_endpoint: { ip: '203.0.113.5' } };
    expect(set.evaluateEvent({ logsource: LS, raw: { eventName: 'consolelogin' }, ocsf }).map((r) => r.id)).toEqual(['r0', 'v']);
    expect(set.evaluateEvent({ logsource: LS, raw: { eventName: 'x' }, ocsf: { ...ocsf, class_uid: '3002' } }).map((r) => r.id)).toEqual(['r0']);
    expect(set.evaluateEvent({ logsource: LS, raw: {}, ocsf: { class_uid: 3002, src_endpoint: { ip: '203.0.114.5' } } })).toEqual([]);
  });
});

describe('per-event sharing never carries one answer to another event or rule', () => {
  test('rules sharing a field test each get its answer, and the answer is recomputed for the next event', () => {
    const files = rules([
      "a: {E: StopLogging, S: cloudtrail}\ncondition: a",
      "a: {E: DeleteTrail, S: cloudtrail}\ncondition: a",
      "a: {E: [StopLogging, DeleteTrail]}\nf: {S: cloudtrail}\ncondition: a and not f",
    ]);
    const set = compileRules(files, { strict: true });
    const seq: Array<[Record<string, unknown>, string[]]> = [
      [{ E: 'StopLogging', S: 'cloudtrail' }, ['r0']],
      [{ E: 'StopLogging', S: 'other' }, ['r2']],
      [{ E: 'DeleteTrail', S: 'CloudTrail' }, ['r1']],
      [{ E: 'DeleteTrail' }, ['r2']],
      [{ E: 'stoplogging', S: ['x', 'cloudtrail'] }, ['r0']],
    ];
    // Twice over the same rule set: nothing from one event may leak into the next.
    for (let pass = 0; pass < 2; pass++) for (const [event, want] of seq) expect(set.evaluate(LS, event).map((r) => r.id)).toEqual(want);
    for (const [event, want] of seq) expect(fired(files, event)).toEqual(want);
  });

  test('the remembered probe answer of a value is the same for every spelling and every event carrying it', () => {
    const files = rules(["a: {E|startswith: Get}\ncondition: a", "a: {E: GetObject}\ncondition: a", "a: {U|contains: curl}\ncondition: a"]);
    const set = compileRules(files, { strict: true });
    for (let i = 0; i < 3; i++) {
      expect(set.evaluate(LS, { E: 'GetObject', U: 'curl/8' }).map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
      expect(set.evaluate(LS, { E: 'GETOBJECT' }).map((r) => r.id)).toEqual(['r0', 'r1']);
      expect(set.evaluate(LS, { E: 'GetObjectAcl', U: 'GetObject' }).map((r) => r.id)).toEqual(['r0']);
      // The same text on another field answers for that field only.
      expect(set.evaluate(LS, { U: 'GetObject' })).toEqual([]);
      expect(set.evaluate(LS, { E: ['PutObject', 'GetObject'] }).map((r) => r.id)).toEqual(['r0', 'r1']);
    }
  });

  test('fields whose values never repeat (addresses, ids) stay exact past the remembered-values limit', () => {
    const files = rules(["a: {IP|cidr: '10.0.0.0/8'}\ncondition: a", "a: {IP|startswith: '10.1.'}\ncondition: a", "a: {ID|endswith: '7'}\ncondition: a"]);
    const set = compileRules(files, { strict: true });
    const want = (i: number) => [...(i % 3 === 0 ? ['r0'] : []), ...(i % 3 === 0 && (i >> 8) % 256 === 1 ? ['r1'] : []), ...(i % 10 === 7 ? ['r2'] : [])];
    for (let i = 0; i < 12_000; i++) {
      const ip = i % 3 === 0 ? `10.${(i >> 8) % 256}.${i % 256}.1` : `192.0.${(i >> 8) % 256}.${i % 256}`;
      const got = set.evaluate(LS, { IP: ip, ID: `id-${i}` }).map((r) => r.id);
      if (got.join() !== want(i).join()) expect([i, got]).toEqual([i, want(i)]);
    }
  });

  test('non-string values (numbers, booleans, objects, nested arrays) are tested on their text', () => {
    const files = rules([
      "a: {P|contains: '\"policyname\":\"x'}\ncondition: a",
      "a: {N: '12'}\ncondition: a",
      "a: {B|startswith: tr}\ncondition: a",
      "a: {L: deep}\ncondition: a",
    ]);
    expect(fired(files, { P: { policyName: 'x1' } })).toEqual(['r0']);
    expect(fired(files, { N: 12 })).toEqual(['r1']);
    expect(fired(files, { B: true })).toEqual(['r2']);
    expect(fired(files, { L: [['x', ['DEEP']]] })).toEqual(['r3']);
    expect(fired(files, { P: null, N: null, B: false, L: [] })).toEqual([]);
  });

  test('a meta-filter applies to indexed evaluation as to the rule alone', () => {
    const files = [
      ...rules(["a: {E: StopLogging}\ncondition: a"]),
      { path: 'f.yml', text: "title: f\nid: f\nlogsource: {product: x}\nfilter:\n  rules: [r0]\n  s: {U|endswith: '/ci'}\n  condition: s\n" },
    ];
    expect(fired(files, { E: 'StopLogging', U: 'role/ci' })).toEqual([]);
    expect(fired(files, { E: 'StopLogging', U: 'role/admin' })).toEqual(['r0']);
  });
});

describe('indexed evaluation equals rule-by-rule evaluation (property)', () => {
  // Few characters and short words, so rules and events often meet.
  const word = fc.string({ unit: fc.constantFrom('a', 'B', 'c', '-', '1', '.', 'é', '😀'), minLength: 1, maxLength: 3 });
  const ipArb = fc.constantFrom('10.0.0.1', '10.1.2.3', '203.0.113.7', '192.0.2.1', '2001:db8::1', 'x');
  const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const fieldTest = fc.oneof(
    fc.record({ f: fc.constantFrom('A', 'B', 'C.d'), mod: fc.constantFrom('', '|contains', '|startswith', '|endswith', '|contains|all', '|cased', '|neq', '|windash|contains'), vals: fc.array(word, { minLength: 1, maxLength: 3 }) }).map(
      (t) => `${t.f}${t.mod}: [${t.vals.map(quoted).join(', ')}]`,
    ),
    fc.record({ f: fc.constantFrom('A', 'B'), re: fc.constantFrom('a(b|c)', '^1+\\.', '(?i)b-?c', '[ab]c', 'aB|1.', '😀a', 'c?a', '(?i)(a|c)+b') }).map((t) => `${t.f}|re: ${quoted(t.re)}`),
    fc.constantFrom('IP|cidr: 10.0.0.0/8', "IP|cidr: ['203.0.113.0/24', '2001:db8::/32']", 'A: null', 'B|exists: true', 'A|fieldref: B', 'N: 1', 'N|gt: 0'),
  );
  const selection = fc.array(fieldTest, { minLength: 1, maxLength: 3 }).map((ts) => `{${[...new Map(ts.map((t) => [t.split(':')[0], t])).values()].join(', ')}}`);
  const ruleArb = fc.record({
    sels: fc.array(selection, { minLength: 1, maxLength: 3 }),
    cond: fc.constantFrom('sel0', 'not sel0', '1 of sel*', 'all of sel*', 'sel0 and not 1 of sel*', 'sel0 or kw', 'kw and sel0'),
    kw: word,
  });
  const eventArb = fc.record(
    {
      A: fc.oneof(word, fc.array(word, { maxLength: 2 }), fc.constant(null)),
      B: fc.oneof(word, fc.integer({ min: -1, max: 2 })),
      C: fc.record({ d: word }),
      IP: ipArb,
      N: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom('1', '1.0', 'x')),
    },
    { requiredKeys: [] },
  );

  test('random rules of every kind over random events', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 6 }), fc.array(eventArb, { minLength: 1, maxLength: 6 }), (specs, events) => {
        const files = specs.map((r, i) => {
          const body = [...r.sels.map((s, j) => `  sel${j}: ${s}`), `  kw: [${quoted(r.kw)}]`, `  condition: ${r.cond}`].join('\n');
          return { path: `p${i}.yml`, text: `title: p${i}\nid: p${i}\nlogsource: {product: x}\ndetection:\n${body}\n` };
        });
        const set = compileRules(files, { strict: true });
        for (const e of events) {
          const brute = set.rules.filter((r) => r.matches(e)).map((r) => r.id);
          expect(set.evaluate(LS, e).map((r) => r.id)).toEqual(brute);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('one rule set over a stream where events recur: answers kept between events (remembered probes, per-event stamps) change nothing', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), fc.array(eventArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { minLength: 5, maxLength: 40 }), (specs, events, order) => {
        const files = specs.map((r, i) => {
          const body = [...r.sels.map((s, j) => `  sel${j}: ${s}`), `  kw: [${quoted(r.kw)}]`, `  condition: ${r.cond}`].join('\n');
          return { path: `p${i}.yml`, text: `title: p${i}\nid: p${i}\nlogsource: {product: x}\ndetection:\n${body}\n` };
        });
        const set = compileRules(files, { strict: true });
        const want = events.map((e) => set.rules.filter((r) => r.matches(e)).map((r) => r.id));
        for (const k of order) expect(set.evaluate(LS, events[k % events.length]).map((r) => r.id)).toEqual(want[k % events.length]);
      }),
      { numRuns: 500 },
    );
  });
});
