import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import type { LocalRuntime } from '../../local/runtime';
import { ingestFinding, ingestFindings } from '../../shared/cases/case-service';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoNotificationLedger } from '../../shared/aws/dynamo-notification-ledger';
import { cloudTrailEnvelope } from '../fixtures/cloudtrail';
import { finding, findingEnvelope } from '../fixtures/findings';
import { drainStage, peekAll, serializedWrites, startRuntime } from './support/runtime';

/** What users rely on when SQS and EventBridge deliver twice, out of order, or fail. */
describe('delivery guarantees on moto', () => {
  let runtime: LocalRuntime;
  let poisonDetect = false;

  beforeAll(async () => {
    runtime = await startRuntime({
      // Inject a fault moto cannot produce: detect refusing one message every time.
      wrapHandler: (stage, handler) =>
        stage !== 'detect'
          ? handler
          : async (event, context) => {
              if (!poisonDetect) return handler(event, context);
              const res = (await handler(event, context)) as SQSBatchResponse;
              const poisoned = event.Records.filter((r) => r.body.includes('POISON')).map((r) => ({ itemIdentifier: r.messageId }));
              return { batchItemFailures: [...res.batchItemFailures, ...poisoned] };
            },
    });
  });

  afterAll(() => runtime?.stop());

  const cases = async () => {
    const res = await runtime.clients.dynamo.send(new ScanCommand({ TableName: runtime.resources.tableName }));
    return (res.Items ?? []).map((i) => unmarshall(i)).filter((i) => i.sk === 'CASE');
  };

  it('quarantines bad records with their reason and processes the rest of the batch', async () => {
    await runtime.sendRaw('normalize', cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com', 'quinn', 'evt-q-1'));
    await runtime.sendRaw('normalize', '{"detail-type": "AWS API Call via CloudTrail", "detail": {');
    await runtime.sendRaw('normalize', JSON.stringify({ hello: 'world' }));
    const result = await runtime.pollers.normalize.pollOnce();
    expect(result).toEqual({ records: 3, failed: 0 });

    const forward = await peekAll(runtime, runtime.resources.queueUrls.detect);
    const events = forward.flatMap((m) => (JSON.parse(m.Body as string) as { events: { uid: string }[] }).events);
    expect(events.map((e) => e.uid)).toEqual(['evt-q-1']);

    const quarantined = await peekAll(runtime, runtime.resources.quarantineQueueUrl);
    expect(quarantined).toHaveLength(2);
    const byBody = new Map(quarantined.map((m) => [m.Body, m.MessageAttributes?.reason?.StringValue]));
    expect(byBody.get('{"detail-type": "AWS API Call via CloudTrail", "detail": {')).toMatch(/^truncated JSON document/);
    expect(byBody.get('{"hello":"world"}')).toMatch(/no recognizable source/);
    await drainStage(runtime, 'detect');
  });

  it('redelivers a failing message and moves it to the dead-letter queue after maxReceiveCount', async () => {
    poisonDetect = true;
    try {
      await runtime.sendRaw('detect', JSON.stringify({ v: 1, events: [], marker: 'POISON' }));
      await runtime.sendRaw('detect', JSON.stringify({ v: 1, events: [] }));
      for (let i = 0; i < 6; i++) await runtime.pollers.detect.pollOnce();
      expect(await runtime.queueDepth(runtime.resources.queueUrls.detect)).toBe(0);
      const dead = await peekAll(runtime, runtime.resources.deadLetterQueueUrls.detect);
      expect(dead.map((m) => JSON.parse(m.Body as string).marker)).toEqual(['POISON']);
    } finally {
      poisonDetect = false;
    }
  });

  it('takes a finding delivered twice in once and pages once', async () => {
    const before = runtime.sink.deliveries.length;
    const f = finding({ findingId: 'dup-1', entities: { users: ['dana'], hosts: [], ips: [], accounts: ['111122223333'], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    await drainStage(runtime, 'escalate');
    await drainStage(runtime, 'notify');
    const mine = (await cases()).filter((c) => c.entities.users.includes('dana'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ alertCount: 1, version: 1 });
    const delivered = runtime.sink.deliveries.slice(before).filter((d) => (d.body.case as { id: string }).id === mine[0].caseId);
    expect(delivered).toHaveLength(1);
  });

  it('retries a channel answering 503 and 429 until it accepts, without a second page', async () => {
    const before = runtime.sink.deliveries.length;
    runtime.sink.failNext({ status: 503 }, { status: 429, retryAfter: '1' });
    const f = finding({ findingId: 'retry-1', entities: { users: ['erin'], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    await drainStage(runtime, 'escalate');
    const attempts: number[] = [];
    for (let i = 0; i < 5 && runtime.sink.deliveries.length === before; i++) {
      const r = await runtime.pollers.notify.pollOnce();
      if (r) attempts.push(r.failed);
    }
    expect(attempts).toEqual([1, 1, 0]);
    expect(runtime.sink.deliveries.length - before).toBe(1);
    // Every attempt and its outcome is on the case timeline.
    const caseId = (runtime.sink.deliveries[runtime.sink.deliveries.length - 1].body.case as { id: string }).id;
    const res = await runtime.clients.dynamo.send(
      new QueryCommand({ TableName: runtime.resources.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `CASE#${caseId}` } } }),
    );
    const actions = (res.Items ?? []).map((i) => unmarshall(i).action).filter((a) => String(a).startsWith('notification_'));
    expect(actions.sort()).toEqual(['notification_attempt_failed', 'notification_attempt_failed', 'notification_sent']);
  });

  it('tells a second attempt at a held notification when the holder\'s lease ends, and lets it take over after', async () => {
    const ledger = new DynamoNotificationLedger(runtime.clients.dynamo, runtime.resources.tableName);
    const t0 = new Date('2026-12-02T10:00:00.000Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    expect(await ledger.claim('held-1', 'case-held', t0, 30)).toBe('claimed');
    // A duplicate ten seconds in: held until the first attempt's lease ends, whatever its own clock says.
    expect(await ledger.claim('held-1', 'case-held', at(10), 30)).toEqual({ state: 'in-progress', leaseEndsAt: at(30) });
    // The first attempt died without releasing: past its lease the delivery is free again.
    expect(await ledger.claim('held-1', 'case-held', at(31), 30)).toBe('claimed');
    await ledger.markSent('held-1', 'case-held', at(32).toISOString(), { channel: 'webhook' });
    expect(await ledger.claim('held-1', 'case-held', at(100), 30)).toBe('already-sent');
  });

  it('opens exactly one case for fifty concurrent alerts with one correlation key, one write per batch', async () => {
    const store = serializedWrites(new DynamoCaseStore(new DynamoDBClient({}), runtime.resources.tableName));
    const settings = { correlationWindowMs: 3_600_000, maxAlertsPerCase: 150 };
    const entities = { users: ['frank'], hosts: [], ips: [], accounts: ['111122223333'], resources: [] };
    const now = new Date();
    // Fifty findings as five batches of ten processed at once, as five concurrent invocations would.
    const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 10 }, (_, i) => finding({ findingId: `conc-${b}-${i}`, entities })));
    const outcomes = (await Promise.all(batches.map((batch, b) => ingestFindings(store, batch, settings, now, `req-${b}`)))).flat();
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    const events = outcomes.flatMap((o) => o.events);
    expect(events.map((e) => e.detailType).sort()).toEqual(['CaseAlertAttached', 'CaseAlertAttached', 'CaseAlertAttached', 'CaseAlertAttached', 'CaseOpened']);
    const mine = (await cases()).filter((c) => c.entities.users.includes('frank'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ alertCount: 50, version: 5 });
    expect(events.flatMap((e) => e.detail.findingIds ?? []).sort()).toEqual(batches.flat().map((f) => f.findingId).sort());
  });

  it('takes in ten single deliveries racing for one key exactly once each', async () => {
    const store = serializedWrites(new DynamoCaseStore(new DynamoDBClient({}), runtime.resources.tableName));
    const settings = { correlationWindowMs: 3_600_000, maxAlertsPerCase: 150 };
    const entities = { users: ['hank'], hosts: [], ips: [], accounts: [], resources: [] };
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ingestFinding(store, finding({ findingId: `race-${i}`, entities }), settings, now, `r-${i}`)),
    );
    expect(results.flat().filter((e) => e.detailType === 'CaseOpened')).toHaveLength(1);
    const mine = (await cases()).filter((c) => c.entities.users.includes('hank'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ alertCount: 10, version: 10 });
  });

  it('rolls over to a linked case when a case is full', async () => {
    const store = new DynamoCaseStore(new DynamoDBClient({}), runtime.resources.tableName);
    const settings = { correlationWindowMs: 3_600_000, maxAlertsPerCase: 2 };
    const entities = { users: ['gina'], hosts: [], ips: [], accounts: [], resources: [] };
    const now = new Date();
    for (const i of [1, 2, 3]) await ingestFinding(store, finding({ findingId: `cap-${i}`, entities }), settings, now, `r-${i}`);
    const mine = (await cases()).filter((c) => c.entities.users.includes('gina'));
    expect(mine.map((c) => c.alertCount).sort()).toEqual([1, 2]);
    const linked = mine.find((c) => c.alertCount === 1);
    const first = mine.find((c) => c.alertCount === 2);
    expect(linked?.linkedFrom).toBe(first?.caseId);
  });
});
