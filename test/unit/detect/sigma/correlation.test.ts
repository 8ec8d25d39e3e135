import {
  compileRules,
  CorrelationEngine,
  MemoryCorrelationStore,
  RuleLoadError,
  type CompiledRule,
  type CorrelationMatch,
  type RuleSourceFile,
} from '../../../../shared/detect/sigma';

const base = `title: failed login
id: failed
name: failed_login
logsource: {product: okta}
detection:
  s: {outcome: FAILURE}
  condition: s
---
title: success login
id: success
name: successful_login
logsource: {product: okta}
detection:
  s: {outcome: SUCCESS}
  condition: s
`;

function setup(correlation: string, extra = '') {
  const files: RuleSourceFile[] = [{ path: 'base.yml', text: base + extra }, { path: 'corr.yml', text: correlation }];
  const set = compileRules(files, { strict: true });
  const engine = new CorrelationEngine(set);
  const rule = (id: string) => set.rules.find((r) => r.id === id) as CompiledRule;
  return { set, engine, rule };
}

const MIN = 60000;

describe('event_count', () => {
  const corr = `title: brute force
id: brute
level: high
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: {gte: 3}
`;

  test('fires on the hit reaching the threshold, per group, within the sliding window', async () => {
    const { engine, rule } = setup(corr);
    const f = rule('failed');
    expect(await engine.observe(f, { user: 'a' }, 0, 'e1')).toEqual([]);
    expect(await engine.observe(f, { user: 'b' }, 1 * MIN, 'x1')).toEqual([]);
    expect(await engine.observe(f, { user: 'a' }, 2 * MIN, 'e2')).toEqual([]);
    const [m] = await engine.observe(f, { user: 'a' }, 3 * MIN, 'e3');
    expect(m).toMatchObject({ group: { user: 'a' }, value: 3, events: ['e1', 'e2', 'e3'], time: 3 * MIN, firstTime: 0 });
    expect(m.correlation).toMatchObject({ id: 'brute', title: 'brute force', level: 'high', type: 'event_count' });
  });

  test('hits older than the timespan slide out', async () => {
    const { engine, rule } = setup(corr);
    const f = rule('failed');
    await engine.observe(f, { user: 'a' }, 0);
    await engine.observe(f, { user: 'a' }, 5 * MIN);
    // 11 minutes: the first hit is out of the window, so only 2 remain.
    expect(await engine.observe(f, { user: 'a' }, 11 * MIN)).toEqual([]);
    expect(await engine.observe(f, { user: 'a' }, 12 * MIN)).toHaveLength(1);
  });

  test('state clears after a match: no re-alert on the next hit', async () => {
    const { engine, rule } = setup(corr);
    const f = rule('failed');
    for (let i = 0; i < 3; i++) await engine.observe(f, { user: 'a' }, i);
    expect(await engine.observe(f, { user: 'a' }, 4)).toEqual([]);
  });

  test('base rules are correlation-only unless generate: true', () => {
    expect(setup(corr).rule('failed').correlationOnly).toBe(true);
    expect(setup(corr).rule('success').correlationOnly).toBeUndefined();
    expect(setup(corr + 'generate: true\n').rule('failed').correlationOnly).toBeUndefined();
  });

  test('rules not referenced are ignored', async () => {
    const { engine, rule } = setup(corr);
    for (let i = 0; i < 5; i++) expect(await engine.observe(rule('success'), { user: 'a' }, i)).toEqual([]);
    expect(engine.uses(rule('success'))).toBe(false);
  });
});

describe('value_count', () => {
  test('counts distinct values per group', async () => {
    const { engine, rule } = setup(`title: spray
id: spray
correlation:
  type: value_count
  rules: [failed]
  group-by: [src]
  timespan: 1h
  condition: {field: user, gt: 2}
`);
    const f = rule('failed');
    expect(await engine.observe(f, { src: '1.1.1.1', user: 'a' }, 0)).toEqual([]);
    expect(await engine.observe(f, { src: '1.1.1.1', user: 'a' }, 1)).toEqual([]);
    expect(await engine.observe(f, { src: '1.1.1.1', user: 'b' }, 2)).toEqual([]);
    expect(await engine.observe(f, { src: '2.2.2.2', user: 'c' }, 3)).toEqual([]);
    const out = await engine.observe(f, { src: '1.1.1.1', user: 'c' }, 4);
    expect(out.map((m) => m.value)).toEqual([3]);
  });
});

describe('value_sum / value_avg / value_percentile', () => {
  const corr = (type: string, cond: string) => `title: v
id: v
correlation:
  type: ${type}
  rules: [failed]
  group-by: [user]
  timespan: 1h
  condition: {field: bytes, ${cond}}
`;
  test('value_sum', async () => {
    const { engine, rule } = setup(corr('value_sum', 'gte: 100'));
    expect(await engine.observe(rule('failed'), { user: 'a', bytes: 60 }, 0)).toEqual([]);
    expect(await engine.observe(rule('failed'), { user: 'a', bytes: 'NaN' }, 1)).toEqual([]);
    expect((await engine.observe(rule('failed'), { user: 'a', bytes: '40' }, 2)).map((m) => m.value)).toEqual([100]);
  });
  test('value_avg', async () => {
    const { engine, rule } = setup(corr('value_avg', 'gt: 50'));
    expect(await engine.observe(rule('failed'), { user: 'a', bytes: 10 }, 0)).toEqual([]);
    expect(await engine.observe(rule('failed'), { user: 'a', bytes: 80 }, 1)).toEqual([]);
    expect((await engine.observe(rule('failed'), { user: 'a', bytes: 90 }, 2)).map((m) => m.value)).toEqual([60]);
  });
  test('value_percentile: share of the group with this value', async () => {
    const { engine, rule } = setup(corr('value_percentile', 'lte: 10'));
    let out: CorrelationMatch[] = [];
    for (let i = 0; i < 19; i++) out = await engine.observe(rule('failed'), { user: 'a', bytes: 'common' }, i);
    expect(out).toEqual([]);
    const rare = await engine.observe(rule('failed'), { user: 'a', bytes: 'rare' }, 20);
    expect(rare.map((m) => m.value)).toEqual([5]);
  });
});

describe('temporal and temporal_ordered', () => {
  const corr = (type: string) => `title: t
id: t
correlation:
  type: ${type}
  rules: [failed_login, successful_login]
  group-by: [user]
  timespan: 5m
`;
  test('temporal: all rules within the window, any order', async () => {
    const { engine, rule } = setup(corr('temporal'));
    expect(await engine.observe(rule('success'), { user: 'a' }, 0, 's')).toEqual([]);
    const [m] = await engine.observe(rule('failed'), { user: 'a' }, MIN, 'f');
    expect(m).toMatchObject({ value: 2, events: ['s', 'f'] });
  });
  test('temporal: too far apart does not match', async () => {
    const { engine, rule } = setup(corr('temporal'));
    await engine.observe(rule('success'), { user: 'a' }, 0);
    expect(await engine.observe(rule('failed'), { user: 'a' }, 6 * MIN)).toEqual([]);
  });
  test('temporal_ordered: order matters', async () => {
    const { engine, rule } = setup(corr('temporal_ordered'));
    expect(await engine.observe(rule('success'), { user: 'a' }, 0)).toEqual([]);
    expect(await engine.observe(rule('failed'), { user: 'a' }, MIN)).toEqual([]);
    expect(await engine.observe(rule('success'), { user: 'a' }, 2 * MIN)).toHaveLength(1);
  });
});

describe('aliases', () => {
  test('group-by alias resolves to a different field per rule', async () => {
    const { engine, rule } = setup(`title: t
id: t
correlation:
  type: temporal
  rules: [failed_login, successful_login]
  group-by: [who]
  timespan: 5m
  aliases:
    who:
      failed_login: target.user
      successful_login: actor.user
`);
    await engine.observe(rule('failed'), { target: { user: 'bob' } }, 0);
    expect(await engine.observe(rule('success'), { actor: { user: 'alice' } }, 1)).toEqual([]);
    const [m] = await engine.observe(rule('success'), { actor: { user: 'bob' } }, 2);
    expect(m.group).toEqual({ who: 'bob' });
  });
});

describe('chaining', () => {
  test('a correlation of correlations', async () => {
    const { engine, rule, set } = setup(`title: many failures
id: many
name: many_failures
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: {gte: 2}
---
title: failures then success
id: chain
level: critical
correlation:
  type: temporal_ordered
  rules: [many_failures, successful_login]
  group-by: [user]
  timespan: 30m
`);
    expect(set.correlations.map((c) => c.id)).toEqual(['many', 'chain']);
    await engine.observe(rule('failed'), { user: 'u' }, 0, 'f1');
    const first = await engine.observe(rule('failed'), { user: 'u' }, MIN, 'f2');
    expect(first.map((m) => m.correlation.id)).toEqual(['many']);
    const out = await engine.observe(rule('success'), { user: 'u' }, 2 * MIN, 's1');
    expect(out.map((m) => m.correlation.id)).toEqual(['chain']);
    expect(out[0].events).toEqual(['f1', 'f2', 's1']);
  });
});

describe('pluggable store', () => {
  test('state goes through the store with an expiry of time + timespan', async () => {
    const calls: Array<{ key: string; expiresAt: number }> = [];
    const mem = new MemoryCorrelationStore();
    const store = {
      update: <T>(key: string, expiresAt: number, fn: Parameters<MemoryCorrelationStore['update']>[2]) => {
        calls.push({ key, expiresAt });
        return mem.update(key, expiresAt, fn) as Promise<T>;
      },
    };
    const { set, rule } = setup(`title: c\nid: c\ncorrelation:\n  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 1m\n  condition: {gte: 5}\n`);
    const engine = new CorrelationEngine(set, { store });
    await engine.observe(rule('failed'), { user: 'x' }, 1000);
    expect(calls).toEqual([{ key: 'c\u0000["x"]', expiresAt: 61000 }]);
    expect(mem.size).toBe(1);
    mem.sweep(62000);
    expect(mem.size).toBe(0);
  });
});

describe('load-time validation', () => {
  const err = (corr: string): string => {
    try {
      setup(corr);
    } catch (e) {
      expect(e).toBeInstanceOf(RuleLoadError);
      return (e as RuleLoadError).reason;
    }
    throw new Error('expected an error');
  };
  test.each([
    ['type: nope\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 1}', /unknown correlation type/],
    // A map whose toString is no function: named in the error, not a TypeError.
    ['type: {toString: false}\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 1}', /unknown correlation type '\{"toString":false\}'/],
    ['type: event_count\n  rules: [ghost]\n  timespan: 1m\n  condition: {gte: 1}', /unknown rule 'ghost'/],
    ['type: event_count\n  rules: [failed]\n  timespan: soon\n  condition: {gte: 1}', /timespan/],
    ['type: value_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 1}', /condition.field/],
    ['type: event_count\n  rules: [failed]\n  timespan: 1m', /needs a 'condition'/],
    ['type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {lte: 1}', /lower bound/],
    ['type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {between: 1}', /unknown correlation condition/],
  ])('%s', (body, re) => {
    expect(err(`title: c\nid: c\ncorrelation:\n  ${body}\n`)).toMatch(re);
  });

  test('a correlation over an unsupported rule is unsupported, not an error', () => {
    const set = compileRules([
      { path: 'b.yml', text: "title: b\nid: b\nlogsource: {product: x}\ndetection:\n  s:\n    F|re: '(a+)+'\n  condition: s\n" },
      { path: 'c.yml', text: 'title: c\nid: c\ncorrelation:\n  type: event_count\n  rules: [b]\n  timespan: 1m\n  condition: {gte: 2}\n' },
    ]);
    expect(set.correlations).toEqual([]);
    expect(set.unsupported.map((u) => u.id)).toEqual(['b', 'c']);
  });
});
