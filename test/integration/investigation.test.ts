import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { LocalRuntime } from '../../local/runtime';
import { replaySamples } from '../../local/start';
import { cloudTrailEnvelope } from '../fixtures/cloudtrail';
import { drainStage, peekAll, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Context on every case, through the real stages on moto: findings carry
 * observables and the events that fired them; the enrich stage adds what
 * the customer's own data says (samples/context.json, samples/threat-intel.txt)
 * once per change, on the timeline; events too large to ride inline are
 * kept in the data bucket with a pointer.
 */
describe('investigation context on moto', () => {
  let runtime: LocalRuntime;
  const detail = async (id: string): Promise<Json> => (await (await fetch(`${runtime.api.url}/cases/${id}`)).json()) as Json;
  const cases = async (): Promise<Json[]> => ((await (await fetch(`${runtime.api.url}/cases?limit=100`)).json()) as Json).cases as Json[];

  beforeAll(async () => {
    runtime = await startRuntime();
    await replaySamples(runtime);
    for (const stage of ['normalize', 'detect', 'cases', 'enrich'] as const) await drainStage(runtime, stage);
  });

  afterAll(() => runtime?.stop());

  it('keeps the events that fired each alert, raw and normalized, with the observables they name', async () => {
    const trail = (await cases()).find((c) => String(c.title).startsWith('CloudTrail Logging Stopped'));
    const d = await detail(trail?.caseId);
    expect(d.alerts).toHaveLength(2);
    for (const a of d.alerts as Json[]) {
      expect(a.evidence).toHaveLength(1);
      expect(a.evidence[0].raw).toMatchObject({ eventSource: 'cloudtrail.amazonaws.com', userIdentity: expect.objectContaining({ userName: 'mallory' }) });
      expect(a.evidence[0].ocsf).toMatchObject({ class_uid: 6003 });
      expect(a.observables).toEqual(
        expect.arrayContaining([
          { type: 'user', value: 'mallory', arn: expect.stringContaining(':user/mallory') },
          expect.objectContaining({ type: 'access_key', value: 'AKIAEXAMPLEMALLORY' }),
          expect.objectContaining({ type: 'ip', value: '203.0.113.77' }),
          expect.objectContaining({ type: 'account', value: '111122223333' }),
        ]),
      );
    }
  });

  it("enriches each case from the customer's context and threat intel, recorded on the timeline", async () => {
    const trail = (await cases()).find((c) => String(c.title).startsWith('CloudTrail Logging Stopped'));
    const d = await detail(trail?.caseId);
    const byValue = new Map((d.enrichment.entities as Json[]).map((e) => [e.value, e]));
    expect(byValue.get('111122223333')).toMatchObject({ alias: 'prod-main', labels: expect.arrayContaining(['alias']) });
    expect(byValue.get('203.0.113.77')).toMatchObject({
      labels: expect.arrayContaining(['threat-intel:known-attacker']),
      intel: [expect.objectContaining({ list: 'provider-feed', category: 'known-attacker', confidence: 80 })],
    });
    expect(byValue.get('mallory')).toMatchObject({ owner: 'platform-team' });
    const enriched = (d.timeline as Json[]).filter((t) => t.action === 'enriched');
    expect(enriched).toHaveLength(1);
    expect(enriched[0]).toMatchObject({ actor: { type: 'system', id: 'mdr-enrich' }, details: { contextVersion: expect.any(String) } });
  });

  it('enriches once however often the case event is delivered', async () => {
    const trail = (await cases()).find((c) => String(c.title).startsWith('CloudTrail Logging Stopped'));
    const envelope = { version: '0', id: 'redelivered-1', source: 'mdr.cases', 'detail-type': 'CaseAlertAttached', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { caseId: trail?.caseId, tenantId: 'local' } };
    await runtime.sendRaw('enrich', JSON.stringify(envelope));
    await runtime.sendRaw('enrich', JSON.stringify({ ...envelope, id: 'redelivered-2' }));
    await drainStage(runtime, 'enrich');
    const d = await detail(trail?.caseId);
    expect((d.timeline as Json[]).filter((t) => String(t.action).startsWith('enrich'))).toHaveLength(1);
  });

  it('quarantines a case event it cannot read, with the reason', async () => {
    await runtime.sendRaw('enrich', '{"not":"an envelope"');
    await drainStage(runtime, 'enrich');
    const q = await peekAll(runtime, runtime.resources.quarantineQueueUrl);
    expect(q.some((m) => m.MessageAttributes?.stage?.StringValue === 'enrich')).toBe(true);
  });

  it('keeps an event too large to ride with its finding in the data bucket, and points at it', async () => {
    // A StopLogging call with a 40 KB request parameter: over the 16 KB inline budget.
    const big = JSON.parse(cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com', 'trent')) as Json;
    big.detail.requestParameters.padding = 'x'.repeat(40_000);
    await runtime.putEvents([{ Source: big.source, DetailType: big['detail-type'], Detail: JSON.stringify(big.detail) }]);
    for (const stage of ['normalize', 'detect', 'cases'] as const) await drainStage(runtime, stage);
    const c = (await cases()).find((x) => x.entities.users.includes('trent'));
    const d = await detail(c?.caseId);
    const ev = (d.alerts as Json[])[0].evidence[0];
    expect(ev).toMatchObject({ truncated: true, pointer: { bucket: runtime.resources.dataBucket, key: expect.stringMatching(/^evidence\/local\//) } });
    expect(ev.raw).toBeUndefined();
    const obj = await runtime.clients.s3.send(new GetObjectCommand({ Bucket: ev.pointer.bucket, Key: ev.pointer.key }));
    const stored = JSON.parse(await (obj.Body as { transformToString(): Promise<string> }).transformToString()) as Json;
    expect(stored.raw.requestParameters.padding).toHaveLength(40_000);
    expect(stored.ocsf.class_uid).toBe(6003);
  });
});
