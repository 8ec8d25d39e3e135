import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalRuntime } from '../../local/runtime';
import { STAGES } from '../../shared/catalogue';
import { finding, findingEnvelope } from '../fixtures/findings';
import { drainStage, peekAll, startRuntime } from './support/runtime';

/** One channel down must not hold up the others: it is retried, then dead-lettered and reported. */
describe('a failing channel on moto', () => {
  let runtime: LocalRuntime;
  let broken: Server;
  let brokenHits = 0;
  let tap: string;

  beforeAll(async () => {
    broken = createServer((req, res) => {
      req.resume();
      brokenHits++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"down"}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/hook`;
    runtime = await startRuntime({
      tenantId: 'local',
      extraChannels: { broken: { kind: 'webhook', url, timeoutMs: 2000 } },
      escalation: { routes: [{ policy: 'both' }], policies: [{ name: 'both', tiers: [{ delaySeconds: 0, channels: ['webhook', 'broken'], targets: ['on-call'] }] }] },
    });
    // A consumer of NotificationFailed on the MDR bus.
    tap = (await runtime.clients.sqs.send(new CreateQueueCommand({ QueueName: `${runtime.resources.prefix}-failed-tap` }))).QueueUrl as string;
    const arn = (await runtime.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: tap, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const rule = `${runtime.resources.prefix}-failed-tap`;
    await runtime.clients.eventBridge.send(
      new PutRuleCommand({ Name: rule, EventBusName: runtime.resources.busName, EventPattern: JSON.stringify({ source: ['mdr.cases'], 'detail-type': ['NotificationFailed'] }) }),
    );
    await runtime.clients.eventBridge.send(new PutTargetsCommand({ Rule: rule, EventBusName: runtime.resources.busName, Targets: [{ Id: 'tap', Arn: arn }] }));
  });

  afterAll(async () => {
    await runtime?.stop();
    await new Promise((r) => broken.close(r));
  });

  it('delivers on the healthy channel, retries the broken one up to the limit, then dead-letters it with a NotificationFailed trail', async () => {
    const f = finding({ findingId: 'down-1', tenantId: 'local', entities: { users: ['beth'], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    await drainStage(runtime, 'escalate');
    await drainStage(runtime, 'notify', 40);
    expect(runtime.sink.uniqueDeliveries).toBe(1);
    expect(brokenHits).toBe(STAGES.notify.maxReceiveCount);
    const dead = await peekAll(runtime, runtime.resources.deadLetterQueueUrls.notify);
    expect(dead.map((m) => JSON.parse(m.Body as string).channel)).toEqual(['broken']);
    const caseId = (runtime.sink.deliveries[0].body.case as { id: string }).id;
    const res = await runtime.clients.dynamo.send(
      new QueryCommand({ TableName: runtime.resources.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `CASE#${caseId}` } } }),
    );
    const actions = (res.Items ?? []).map((i) => unmarshall(i).action as string);
    expect(actions.filter((a) => a === 'notification_attempt_failed')).toHaveLength(STAGES.notify.maxReceiveCount);
    expect(actions.filter((a) => a === 'notification_sent')).toHaveLength(1);
    const failed = (await peekAll(runtime, tap)).map((m) => JSON.parse(m.Body as string).detail);
    expect(failed).toEqual([expect.objectContaining({ caseId, channel: 'broken', reason: expect.stringContaining(`gave up after ${STAGES.notify.maxReceiveCount} attempts`) })]);
  }, 60_000);
});
