import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { replaySamples } from '../../local/start';
import type { LocalRuntime } from '../../local/runtime';
import { peekAll, startRuntime } from './support/runtime';

/** The whole path: CloudTrail on the default bus → normalize → detect → cases → escalate → notify → webhook. */
describe('local pipeline on moto, bundled samples', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startRuntime();
    runtime.startPolling();
    await replaySamples(runtime);
    await runtime.waitForDrain(60_000);
  });

  afterAll(() => runtime?.stop());

  it('opens one case per incident and pages once per case', async () => {
    const summary = await runtime.summary();
    expect(summary).toEqual({ events: 8, findings: 5, cases: 4, notifications: 4, quarantined: 2, deadLettered: 0 });
  });

  it('groups StopLogging and DeleteTrail by the same user into one case of two alerts', async () => {
    const cases = runtime.sink.deliveries.map((d) => d.body.case as { id: string; title: string });
    const trail = cases.find((c) => c.title.startsWith('CloudTrail Logging Stopped'));
    expect(trail).toBeDefined();
    const res = await runtime.clients.dynamo.send(
      new QueryCommand({
        TableName: runtime.resources.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `CASE#${trail?.id}` } },
      }),
    );
    const items = (res.Items ?? []).map((i) => unmarshall(i));
    const caseItem = items.find((i) => i.sk === 'CASE');
    expect(caseItem).toMatchObject({ alertCount: 2, severity: 'high', status: 'NEW', entities: expect.objectContaining({ users: ['mallory'] }) });
    expect(items.filter((i) => String(i.sk).startsWith('ALERT#'))).toHaveLength(2);
    expect(items.some((i) => i.action === 'notification_sent')).toBe(true);
  });

  it('delivers signed webhooks carrying severity, title and the case link', () => {
    expect(runtime.sink.refused).toEqual([]);
    for (const d of runtime.sink.deliveries) {
      expect(d.verified).toBe(true);
      expect(d.body).toMatchObject({ type: 'mdr.notification', deliveryId: d.deliveryId });
      const c = d.body.case as Record<string, string>;
      // The case page, with a signed view token for the page's target.
      expect(c.url.startsWith(`${runtime.api.url}/view/${c.id}?t=view1.`)).toBe(true);
      expect(['high', 'critical', 'medium']).toContain(c.severity);
    }
    const severities = runtime.sink.deliveries.map((d) => (d.body.case as { severity: string }).severity).sort();
    expect(severities).toEqual(['critical', 'high', 'high', 'medium']);
  });

  it('quarantines the malformed sample records with their reasons', async () => {
    const quarantined = await peekAll(runtime, runtime.resources.quarantineQueueUrl);
    const reasons = quarantined.map((m) => m.MessageAttributes?.reason?.StringValue ?? '').sort();
    expect(reasons).toHaveLength(2);
    expect(reasons.some((r) => r.startsWith('truncated JSON document'))).toBe(true);
    expect(reasons.some((r) => /no recognizable source/.test(r))).toBe(true);
    for (const m of quarantined) expect(m.MessageAttributes?.stage?.StringValue).toBe('normalize');
  });
});
