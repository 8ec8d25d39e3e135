import { compileRules, RuleLoadError, RuleUnsupportedError, type RuleSourceFile } from '../../../../shared/detect/sigma';

function rule(id: string, logsource: string, detection: string, extra = ''): string {
  return `title: rule ${id}\nid: ${id}\nlevel: high\n${extra}logsource:\n${logsource}\ndetection:\n${detection}\n`;
}

const files: RuleSourceFile[] = [
  {
    path: 'aws/root.yml',
    text: rule('root', '  product: aws\n  service: cloudtrail', '  s:\n    userIdentity.type: Root\n  condition: s', 'tags:\n  - attack.t1078\n'),
  },
  {
    path: 'aws/multi.yml',
    text:
      rule('stop-logging', '  product: aws\n  service: cloudtrail', '  s:\n    eventName:\n      - StopLogging\n      - DeleteTrail\n  condition: s') +
      '---\n' +
      rule('any-aws', '  product: aws', '  s:\n    eventSource|endswith: .amazonaws.com\n  condition: s'),
  },
  { path: 'win/cmd.yml', text: rule('cmd', '  product: windows\n  category: process_creation', "  s:\n    Image|endswith: '\\cmd.exe'\n  condition: s") },
];

describe('compileRules / RuleSet', () => {
  const set = compileRules(files);

  test('loads every document of every file with metadata', () => {
    expect(set.rules.map((r) => r.id)).toEqual(['root', 'stop-logging', 'any-aws', 'cmd']);
    const root = set.rules[0];
    expect(root).toMatchObject({ title: 'rule root', level: 'high', file: 'aws/root.yml', tags: ['attack.t1078'], falsepositives: [] });
    expect(root.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
    expect(root.version).toMatch(/^[0-9a-f]{16}$/);
  });

  test('logsource routing: named fields must be equal (case-insensitive), others are wildcards', () => {
    expect(set.rulesFor({ product: 'AWS', service: 'CloudTrail' }).map((r) => r.id)).toEqual(['root', 'stop-logging', 'any-aws']);
    expect(set.rulesFor({ product: 'aws', service: 'guardduty' }).map((r) => r.id)).toEqual(['any-aws']);
    expect(set.rulesFor({ product: 'aws' }).map((r) => r.id)).toEqual(['any-aws']);
    expect(set.rulesFor({ product: 'windows', category: 'process_creation', service: 'sysmon' }).map((r) => r.id)).toEqual(['cmd']);
    expect(set.rulesFor({ product: 'windows' })).toEqual([]);
  });

  test('evaluate returns matching rules in load order', () => {
    const ls = { product: 'aws', service: 'cloudtrail' };
    const ev = { eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', userIdentity: { type: 'Root' } };
    expect(set.evaluate(ls, ev).map((r) => r.id)).toEqual(['root', 'stop-logging', 'any-aws']);
    expect(set.evaluate(ls, { eventName: 'deletetrail' }).map((r) => r.id)).toEqual(['stop-logging']);
    expect(set.evaluate(ls, { eventName: 'ListBuckets' })).toEqual([]);
    // Same event, other logsource: the CloudTrail rules do not see it.
    expect(set.evaluate({ product: 'aws', service: 's3' }, ev).map((r) => r.id)).toEqual(['any-aws']);
  });

  test('version is a content hash: formatting-insensitive, content-sensitive', () => {
    const a = compileRules([{ path: 'a.yml', text: 'title: t\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n' }]).rules[0];
    const b = compileRules([{ path: 'b.yml', text: 'logsource:\n  product: aws\ntitle: t   # comment\ndetection:\n  s:\n    F: 1\n  condition: s\n' }]).rules[0];
    const c = compileRules([{ path: 'c.yml', text: 'title: t\nlogsource: {product: aws}\ndetection: {s: {F: 2}, condition: s}\n' }]).rules[0];
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
    // Without an id, the rule is identified by its version.
    expect(a.id).toBe(a.version);
  });

  test('level defaults to medium; unknown top-level keys are kept', () => {
    const r = compileRules([{ path: 'a.yml', text: 'title: t\ncustom_key: 1\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n' }]);
    expect(r.rules[0].level).toBe('medium');
  });
});

describe('RuleLoadError names file, rule and reason', () => {
  function err(text: string): RuleLoadError {
    try {
      compileRules([{ path: 'dir/bad.yml', text }]);
    } catch (e) {
      expect(e).toBeInstanceOf(RuleLoadError);
      return e as RuleLoadError;
    }
    throw new Error('expected a load error');
  }

  test.each([
    ['title: t\nid: x1\nlogsource: {product: aws}\ndetection: {s: {F|nope: 1}, condition: s}\n', 'x1', /unknown modifier 'nope'/],
    ['title: t\nid: x2\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s and t}\n', 'x2', /unknown search identifier 't'/],
    ['id: x3\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n', 'x3', /missing 'title'/],
    ['title: t\nid: x4\nlogsource: {product: aws}\n', 'x4', /missing 'detection'/],
    ['title: t\nid: x5\nlogsource: {product: aws}\ndetection: {s: {F: 1}}\n', 'x5', /condition/],
    ['title: t\nid: x6\nlevel: severe\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n', 'x6', /level/],
    ['title: t\nid: x7\ndetection: {s: {F: 1}, condition: s}\n', 'x7', /logsource/],
    // A map among the tags, one whose toString is no function included: a load error, not a TypeError.
    ['title: t\nid: x8\ntags: [attack.t1078, {toString: false}]\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n', 'x8', /'tags' must be a list of strings \(an entry is a map\)/],
    ['title: t\nid: x9\nfalsepositives: [[nested]]\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n', 'x9', /'falsepositives' must be a list of strings \(an entry is a list\)/],
  ])('%#', (text, id, reason) => {
    const e = err(text);
    expect(e.file).toBe('dir/bad.yml');
    expect(e.ruleId).toBe(id);
    expect(e.reason).toMatch(reason);
    expect(e.message).toContain('dir/bad.yml');
  });

  test("a Sigma v1 'action' is unsupported with its value shown, a map included", () => {
    const rules = compileRules([{ path: 'v1.yml', text: 'title: t\nid: v1\naction: {toString: false}\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n' }]);
    expect(rules.unsupported.map((u) => u.reason)).toEqual([`rule collections with 'action: {"toString":false}' are Sigma v1 and not supported`]);
  });

  test('numbers and booleans among the tags read as their text, as YAML wrote them', () => {
    const rules = compileRules([{ path: 'n.yml', text: 'title: t\nid: n\ntags: [attack.t1078, 2024, true]\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n' }]);
    expect(rules.rules[0].tags).toEqual(['attack.t1078', '2024', 'true']);
  });

  test('bad YAML', () => {
    const e = err('title: t\ndetection: [unclosed\n');
    expect(e.reason).toMatch(/bad YAML/);
  });

  test('duplicate ids', () => {
    const text = 'title: t\nid: d\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n';
    expect(() => compileRules([{ path: 'a.yml', text }, { path: 'b.yml', text }])).toThrow(/duplicate rule id/);
  });

  test('the first bad rule stops the load even after good ones', () => {
    const good = 'title: t\nid: g\nlogsource: {product: aws}\ndetection: {s: {F: 1}, condition: s}\n';
    const bad = 'title: t\nid: b\nlogsource: {product: aws}\ndetection: {s: {F|x: 1}, condition: s}\n';
    expect(() => compileRules([{ path: 'g.yml', text: good }, { path: 'b.yml', text: bad }])).toThrow(/b\.yml \(rule b\)/);
  });
});

describe('unsupported rules are skipped with a reason, or thrown with strict', () => {
  const text = "title: t\nid: u\nlogsource: {product: aws}\ndetection:\n  s:\n    F|re: '(a+)+$'\n  condition: s\n";
  test('skipped', () => {
    const set = compileRules([{ path: 'u.yml', text }]);
    expect(set.rules).toEqual([]);
    expect(set.unsupported).toEqual([{ file: 'u.yml', id: 'u', reason: expect.stringMatching(/nested quantifiers/) }]);
  });
  test('strict', () => {
    expect(() => compileRules([{ path: 'u.yml', text }], { strict: true })).toThrow(RuleUnsupportedError);
  });
});
