import { detectBatch } from '../../../shared/detect/detector';
import { compileRules, CorrelationEngine } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';
import { cloudTrailEnvelope } from '../../fixtures/cloudtrail';
import { schemaErrors } from '../../support/schemas';

const rules = compileRules([
  {
    path: 'test/stop-logging.yml',
    text: `title: Stop logging
id: 11111111-2222-3333-4444-555555555555
level: high
tags: [attack.t1562.008]
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: StopLogging }
  condition: selection
`,
  },
]);

function events(...bodies: string[]): TelemetryEvent[] {
  return bodies.flatMap((b) => {
    const r = normalizeRecord(JSON.parse(b));
    if (!r.ok) throw new Error(r.reason);
    return r.events;
  });
}

describe('detectBatch', () => {
  const ctx = { tenantId: 'acme', now: new Date('2026-11-20T10:00:00Z') };

  it('produces schema-valid findings only for matching events, with entities from OCSF', async () => {
    const out = await detectBatch(events(cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com'), cloudTrailEnvelope('ListBuckets', 's3.amazonaws.com')), rules, ctx);
    expect(out).toHaveLength(1);
    const f = out[0].finding;
    expect(schemaErrors('finding', f)).toEqual([]);
    expect(f).toMatchObject({ tenantId: 'acme', severity: 'high', rule: { id: '11111111-2222-3333-4444-555555555555' } });
    expect(f.entities).toMatchObject({ users: ['mallory'], ips: ['203.0.113.77'], accounts: ['111122223333'] });
  });

  it('gives the same finding id to the same event however often it arrives', async () => {
    const body = cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com');
    const once = await detectBatch(events(body), rules, ctx);
    const twice = await detectBatch(events(body, body), rules, ctx);
    expect(twice.map((d) => d.finding.findingId)).toEqual(once.map((d) => d.finding.findingId));
    expect((await detectBatch(events(body), rules, { ...ctx, tenantId: 'other' }))[0].finding.findingId).not.toBe(once[0].finding.findingId);
  });

  it('joins events into one correlation finding and keeps generate:false base rules quiet', async () => {
    const set = compileRules([
      {
        path: 'test/correlation.yml',
        text: `title: Access denied
id: aaaaaaaa-0000-4000-8000-000000000001
name: access_denied
level: low
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { errorCode: AccessDenied }
  condition: selection
---
title: Many access denied by one user
id: aaaaaaaa-0000-4000-8000-000000000002
level: high
correlation:
  type: event_count
  rules: [access_denied]
  group-by: [userIdentity.userName]
  timespan: 10m
  condition: { gte: 3 }
`,
      },
    ]);
    const denied = (n: number, user: string) => {
      const e = JSON.parse(cloudTrailEnvelope('GetObject', 's3.amazonaws.com', user, `deny-${user}-${n}`));
      e.detail.errorCode = 'AccessDenied';
      return JSON.stringify(e);
    };
    const engine = new CorrelationEngine(set);
    const out = await detectBatch(events(denied(1, 'ivan'), denied(2, 'ivan'), denied(1, 'judy'), denied(3, 'ivan')), set, ctx, engine);
    expect(out).toHaveLength(1);
    const f = out[0].finding;
    expect(f.rule).toMatchObject({ id: 'aaaaaaaa-0000-4000-8000-000000000002', level: 'high' });
    expect(f.events.map((e) => e.uid)).toEqual(['deny-ivan-1', 'deny-ivan-2', 'deny-ivan-3']);
    expect(f.entities.users).toEqual(['ivan']);
    expect(schemaErrors('finding', f)).toEqual([]);
  });
});
