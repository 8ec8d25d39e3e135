import fc from 'fast-check';
import { compileRules, type RuleSourceFile } from '../../../../shared/detect/sigma';
import { CountingContext } from './helpers';

const ls = { product: 'aws', service: 'cloudtrail' };

function manyRules(n: number): RuleSourceFile[] {
  const files: RuleSourceFile[] = [];
  for (let i = 0; i < n; i++) {
    files.push({
      path: `r${i}.yml`,
      text: `title: r${i}\nid: r${i}\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName: Action${i}\n    Probe${i}|exists: true\n  condition: sel\n`,
    });
  }
  return files;
}

describe('index by required literal values', () => {
  test('rules requiring another eventName are not tested at all', () => {
    const set = compileRules(manyRules(500));
    expect(set.indexStats(ls)).toEqual({ rules: 500, indexed: 500, unindexed: 0, fields: ['eventName'] });
    const ctx = new CountingContext({ eventName: 'action42', Probe42: 1 });
    expect(set.evaluateWith(ls, ctx).map((r) => r.id)).toEqual(['r42']);
    // Only r42 looked at its own probe field; no other rule ran.
    const probes = [...ctx.reads.keys()].filter((k) => k.startsWith('Probe'));
    expect(probes).toEqual(['Probe42']);
    // What the bench's probe stage counts: the one candidate, untested, whether or not it then matches.
    expect(set.candidateCount({ logsource: ls, raw: { eventName: 'Action42' } })).toBe(1);
    expect(set.candidateCount({ logsource: ls, raw: { eventName: 'Other' } })).toBe(0);
  });

  test('OR of selections on the same field stays indexable; NOT and OR across fields do not', () => {
    const files: RuleSourceFile[] = [
      { path: 'a.yml', text: 'title: a\nid: a\nlogsource: {product: aws}\ndetection:\n  x: {eventName: A}\n  y: {eventName: [B, C]}\n  condition: x or y\n' },
      { path: 'b.yml', text: 'title: b\nid: b\nlogsource: {product: aws}\ndetection:\n  x: {eventName: A}\n  condition: not x\n' },
      { path: 'c.yml', text: "title: c\nid: c\nlogsource: {product: aws}\ndetection:\n  x: {eventName: 'Get*'}\n  condition: x\n" },
      { path: 'd.yml', text: 'title: d\nid: d\nlogsource: {product: aws}\ndetection:\n  x: {eventName: A}\n  y: {other: B}\n  condition: x or y\n' },
    ];
    const set = compileRules(files);
    expect(set.indexStats({ product: 'aws' })).toMatchObject({ indexed: 2, unindexed: 2 });
    expect(set.evaluate({ product: 'aws' }, { eventName: 'c' }).map((r) => r.id)).toEqual(['a', 'b']);
    expect(set.evaluate({ product: 'aws' }, { eventName: 'Z' }).map((r) => r.id)).toEqual(['b']);
    expect(set.evaluate({ product: 'aws' }, { eventName: 'GetObject' }).map((r) => r.id)).toEqual(['b', 'c']);
    expect(set.evaluate({ product: 'aws' }, { eventName: 'A' }).map((r) => r.id)).toEqual(['a', 'd']);
    // The two unindexed rules are tested on every event; `a` is a candidate only where its names are.
    expect(set.candidateCount({ logsource: { product: 'aws' }, raw: { eventName: 'A' } })).toBe(3);
    expect(set.candidateCount({ logsource: { product: 'aws' }, raw: { eventName: 'Z' } })).toBe(2);
    expect(set.evaluate({ product: 'aws' }, { other: 'b' }).map((r) => r.id)).toEqual(['b', 'd']);
  });

  test('indexed lookups agree with the matcher on numbers, arrays and case', () => {
    const files: RuleSourceFile[] = [
      { path: 'n.yml', text: 'title: n\nid: n\nlogsource: {product: w}\ndetection:\n  x: {EventID: 4688}\n  condition: x\n' },
      { path: 's.yml', text: 'title: s\nid: s\nlogsource: {product: w}\ndetection:\n  x: {Tag|cased: Admin}\n  condition: x\n' },
    ];
    const set = compileRules(files);
    const ids = (e: Record<string, unknown>) => set.evaluate({ product: 'w' }, e).map((r) => r.id);
    expect(ids({ EventID: '4688' })).toEqual(['n']);
    expect(ids({ EventID: '4688.0' })).toEqual(['n']);
    expect(ids({ EventID: [1, 4688] })).toEqual(['n']);
    expect(ids({ Tag: ['x', 'Admin'] })).toEqual(['s']);
    expect(ids({ Tag: 'admin' })).toEqual([]);
  });

  test('every indexed result equals the unindexed rule-by-rule answer', () => {
    const set = compileRules(manyRules(50));
    const events = [{ eventName: 'Action7', Probe7: 0 }, { eventName: 'ACTION7' }, { eventName: ['Action3', 'Action9'], Probe9: 'x', Probe3: 'y' }, {}];
    for (const e of events) {
      const brute = set.rulesFor(ls).filter((r) => r.matches(e)).map((r) => r.id);
      expect(set.evaluate(ls, e).map((r) => r.id)).toEqual(brute);
    }
  });
});

describe('prefix / suffix / substring index', () => {
  const win = { product: 'windows', category: 'process_creation' };
  function winRules(entries: string[]): RuleSourceFile[] {
    return entries.map((e, i) => ({
      path: `w${i}.yml`,
      text: `title: w${i}\nid: w${i}\nlogsource: {product: windows, category: process_creation}\ndetection:\n  s:\n    ${e}\n  condition: s\n`,
    }));
  }

  test('endswith / startswith / contains / globs are all indexed', () => {
    const set = compileRules(
      winRules(["Image|endswith: '\\cmd.exe'", "Image|startswith: 'C:\\Temp\\'", "CommandLine|contains: 'mimikatz'", "CommandLine: '*sekurlsa*logon*'", "Image|endswith: 'x'"]),
    );
    expect(set.indexStats(win)).toMatchObject({ rules: 5, indexed: 5, unindexed: 0 });
    const ids = (e: Record<string, unknown>) => set.evaluate(win, e).map((r) => r.id);
    expect(ids({ Image: 'C:\\Windows\\System32\\CMD.EXE' })).toEqual(['w0']);
    expect(ids({ Image: 'c:\\temp\\a.exe' })).toEqual(['w1']);
    expect(ids({ Image: 'c:\\temp\\cmd.exe' })).toEqual(['w0', 'w1']);
    expect(ids({ CommandLine: 'run MimiKatz sekurlsa::logonpasswords' })).toEqual(['w2', 'w3']);
    expect(ids({ Image: 'box' })).toEqual(['w4']);
  });

  test('indexed evaluation equals brute force on random rules and events (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '.', '\\');
    const word = fc.string({ unit: alphabet, minLength: 1, maxLength: 5 });
    const mod = fc.constantFrom('', '|contains', '|startswith', '|endswith', '|contains|all');
    const ruleArb = fc.record({ field: fc.constantFrom('A', 'B'), mod, values: fc.array(word, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), fc.array(fc.record({ A: word, B: fc.array(word, { maxLength: 2 }) }), { maxLength: 6 }), (specs, events) => {
        const files = specs.map((r, i) => ({
          path: `p${i}.yml`,
          text: `title: p${i}\nid: p${i}\nlogsource: {product: x}\ndetection:\n  s:\n    ${r.field}${r.mod}:\n${r.values.map((v) => `      - '${v.replace(/'/g, "''")}'`).join('\n')}\n  condition: s\n`,
        }));
        const set = compileRules(files);
        for (const e of events) {
          const brute = set.rules.filter((r) => r.matches(e)).map((r) => r.id);
          expect(set.evaluate({ product: 'x' }, e).map((r) => r.id)).toEqual(brute);
        }
      }),
      { numRuns: 200 },
    );
  });
});
