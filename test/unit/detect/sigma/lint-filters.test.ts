import { compileRules, lintRules, type RuleSourceFile } from '../../../../shared/detect/sigma';

const rule = `title: rar
id: rar-1
logsource: {category: process_creation, product: windows}
detection:
  s:
    Image|endswith: '\\rar.exe'
  condition: s
`;

describe('meta-filters', () => {
  const filter = `title: admins may use rar
logsource: {category: process_creation, product: windows}
filter:
  rules: [rar-1]
  selection:
    User|startswith: adm_
  condition: selection
`;
  const ls = { category: 'process_creation', product: 'windows' };

  test('the filter removes matches for the rules it names', () => {
    const set = compileRules([{ path: 'r.yml', text: rule }, { path: 'f.yml', text: filter }]);
    expect(set.evaluate(ls, { Image: 'C:\\rar.exe', User: 'bob' }).map((r) => r.id)).toEqual(['rar-1']);
    expect(set.evaluate(ls, { Image: 'C:\\rar.exe', User: 'adm_bob' })).toEqual([]);
    expect(set.rules[0].matches({ Image: 'C:\\rar.exe', User: 'adm_bob' })).toBe(false);
  });

  test('a filter for another logsource does not apply', () => {
    const other = filter.replace('product: windows', 'product: linux');
    const set = compileRules([{ path: 'r.yml', text: rule }, { path: 'f.yml', text: other }]);
    expect(set.evaluate(ls, { Image: 'C:\\rar.exe', User: 'adm_bob' }).map((r) => r.id)).toEqual(['rar-1']);
  });

  test('a bad filter is a load error naming the filter', () => {
    const bad = filter.replace('condition: selection', 'condition: nope');
    expect(() => compileRules([{ path: 'r.yml', text: rule }, { path: 'f.yml', text: bad }])).toThrow(/f\.yml.*unknown search identifier 'nope'/);
  });
});

describe('lintRules', () => {
  test('one line per document with status and reason', () => {
    const files: RuleSourceFile[] = [
      { path: 'ok.yml', text: rule },
      { path: 'bad.yml', text: rule.replace('rar-1', 'bad-1').replace('endswith', 'endswiths') },
      { path: 'unsup.yml', text: rule.replace('rar-1', 'u-1').replace("Image|endswith: '\\rar.exe'", "Image|re: '(a|a)*'") },
      { path: 'yaml.yml', text: 'title: [broken\n' },
      {
        path: 'corr.yml',
        text: 'title: c\nid: c-1\ncorrelation:\n  type: event_count\n  rules: [rar-1]\n  timespan: 1h\n  condition: {gte: 3}\n---\ntitle: d\nid: d-1\ncorrelation:\n  type: event_count\n  rules: [ghost]\n  timespan: 1h\n  condition: {gte: 3}\n',
      },
    ];
    const out = lintRules(files);
    expect(out).toEqual([
      { file: 'ok.yml', id: 'rar-1', status: 'ok' },
      { file: 'bad.yml', id: 'bad-1', status: 'error', reason: expect.stringMatching(/unknown modifier 'endswiths'/) },
      { file: 'unsup.yml', id: 'u-1', status: 'unsupported', reason: expect.stringMatching(/alternation/) },
      { file: 'yaml.yml', id: undefined, status: 'error', reason: expect.stringMatching(/bad YAML/) },
      { file: 'corr.yml', id: 'c-1', status: 'ok' },
      { file: 'corr.yml', id: 'd-1', status: 'error', reason: expect.stringMatching(/unknown rule 'ghost'/) },
    ]);
  });

  test('lint keeps going where compileRules stops', () => {
    const files = [{ path: 'a.yml', text: rule.replace('endswith', 'nope') }, { path: 'b.yml', text: rule.replace('rar-1', 'rar-2') }];
    expect(() => compileRules(files)).toThrow();
    expect(lintRules(files).map((r) => r.status)).toEqual(['error', 'ok']);
  });

  test('a filter without rules is an error', () => {
    const f = 'title: f\nid: f-1\nlogsource: {product: windows}\nfilter:\n  sel: {User: x}\n  condition: sel\n';
    expect(lintRules([{ path: 'f.yml', text: f }])[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/needs 'rules'/) });
  });

  test('v1 aggregations are unsupported with a reason', () => {
    const v1 = rule.replace('condition: s', "condition: 's | count() by User > 5'");
    expect(lintRules([{ path: 'v1.yml', text: v1 }])[0]).toMatchObject({ status: 'unsupported', reason: expect.stringMatching(/correlation rules/) });
  });
});
