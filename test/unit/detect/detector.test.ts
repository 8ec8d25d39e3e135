import { detectBatch } from '../../../shared/detect/detector';
import { compileRules } from '../../../shared/detect/sigma';
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

  it('produces schema-valid findings only for matching events, with entities from OCSF', () => {
    const out = detectBatch(events(cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com'), cloudTrailEnvelope('ListBuckets', 's3.amazonaws.com')), rules, ctx);
    expect(out).toHaveLength(1);
    const f = out[0].finding;
    expect(schemaErrors('finding', f)).toEqual([]);
    expect(f).toMatchObject({ tenantId: 'acme', severity: 'high', rule: { id: '11111111-2222-3333-4444-555555555555' } });
    expect(f.entities).toMatchObject({ users: ['mallory'], ips: ['203.0.113.77'], accounts: ['111122223333'] });
  });

  it('gives the same finding id to the same event however often it arrives', () => {
    const body = cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com');
    const once = detectBatch(events(body), rules, ctx);
    const twice = detectBatch(events(body, body), rules, ctx);
    expect(twice.map((d) => d.finding.findingId)).toEqual(once.map((d) => d.finding.findingId));
    expect(detectBatch(events(body), rules, { ...ctx, tenantId: 'other' })[0].finding.findingId).not.toBe(once[0].finding.findingId);
  });
});
