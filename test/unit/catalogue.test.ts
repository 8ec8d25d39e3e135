import { resourceNames, ROUTES, STAGE_IDS, STAGES, visibilityTimeoutSeconds } from '../../shared/catalogue';

describe('resource catalogue', () => {
  it('gives every stage a visibility timeout of at least six times its function timeout', () => {
    for (const id of STAGE_IDS) expect(visibilityTimeoutSeconds(STAGES[id])).toBeGreaterThanOrEqual(6 * STAGES[id].timeoutSeconds);
  });

  it('uses a batching window wherever the batch size is above ten, as Lambda requires', () => {
    for (const id of STAGE_IDS) if (STAGES[id].batchSize > 10) expect(STAGES[id].maxBatchingWindowSeconds).toBeGreaterThan(0);
  });

  it('routes to every SQS-fed stage but notify (fed by escalate directly)', () => {
    const fed = ROUTES.flatMap((r) => (r.target.kind === 'stage' ? [r.target.stage] : []));
    expect([...new Set(fed)].sort()).toEqual(['cases', 'commands', 'enrich', 'escalate', 'normalize', 'respond']);
  });

  it('sends only case events to the provider, never telemetry or findings', () => {
    const provider = ROUTES.filter((r) => r.target.kind === 'provider-bus');
    expect(provider).toHaveLength(1);
    expect(provider[0].pattern.source).toEqual(['mdr.cases']);
  });

  it('rejects resource prefixes that would make invalid names', () => {
    expect(() => resourceNames('Bad Prefix')).toThrow(/prefix/);
    expect(resourceNames('mdr-acme').queue('detect')).toBe('mdr-acme-detect');
  });
});
