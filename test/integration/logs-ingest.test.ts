import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createNormalizeHandler } from '../../functions/normalize/handler';
import type { LocalRuntime } from '../../local/runtime';
import type { TelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { validateOcsf } from '../../shared/ocsf/validate';
import { drainStage, peekAll, startRuntime } from './support/runtime';

const fixture = (source: string, name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'sources', source, name), 'utf8').trimEnd().split('\n');

/** The CloudWatch Logs subscription path: payloads → logs-ingest → normalize queue → OCSF → detect. */
describe('CloudWatch Logs subscription ingest on moto', () => {
  let runtime: LocalRuntime;
  const payload = (logGroup: string, messages: string[], messageType = 'DATA_MESSAGE') => ({
    messageType,
    owner: '111122223333',
    logGroup,
    logStream: 'stream-1',
    subscriptionFilters: ['mdr-local-to-normalize'],
    logEvents: messages.map((message, i) => ({ id: `${logGroup}-${i}`, timestamp: 1772452800000 + i, message })),
  });
  // Default-format flow log lines as VPC Flow Logs writes them to CloudWatch Logs (no header).
  const flowLines = fixture('vpcflow', 'default-v2.log').slice(1);
  // JSON application logs: Route 53 Resolver query logs and journald JSON from an instance.
  const appLines = [...fixture('route53resolver', 'queries.log'), ...fixture('linux', 'journal.ndjson').slice(0, 2)];

  beforeAll(async () => {
    runtime = await startRuntime();
  });
  afterAll(() => runtime?.stop());

  it('turns flow log lines and JSON app logs into OCSF batches on the detect queue; bad payloads are quarantined with their reason', async () => {
    await runtime.deliverLogs(payload('/vpc/flow-logs', flowLines));
    await runtime.deliverLogs(payload('/app/resolver-and-journal', [...appLines, '{"broken": ']));
    await runtime.deliverLogs(payload('/vpc/flow-logs', ['CWL CONTROL MESSAGE: Checking health of destination Lambda function.'], 'CONTROL_MESSAGE'));
    await runtime.deliverLogs('this is not base64 gzip');

    // One message per invocation, the data still compressed.
    const forwarded = await peekAll(runtime, runtime.resources.queueUrls.normalize);
    expect(forwarded).toHaveLength(4);
    for (const m of forwarded) expect(Object.keys(JSON.parse(m.Body as string) as object)).toEqual(['awslogs']);

    await drainStage(runtime, 'normalize');
    const batches = (await peekAll(runtime, runtime.resources.queueUrls.detect)).map((m) => JSON.parse(m.Body as string) as TelemetryBatch);
    const events = batches.flatMap((b) => b.events);
    expect(events).toHaveLength(flowLines.length + appLines.length);
    // Fewer messages than events: batches, not one message per log event.
    expect(batches.length).toBeLessThan(events.length);
    const bySource = (s: string) => events.filter((e) => e.source === s);
    expect(bySource('aws.vpcflow')).toHaveLength(flowLines.length);
    expect(bySource('aws.route53resolver')).toHaveLength(3);
    expect(bySource('linux.journald')).toHaveLength(2);
    expect(bySource('aws.vpcflow')[0].ocsf).toMatchObject({ class_uid: 4001, src_endpoint: { ip: '198.51.100.66' }, dst_endpoint: { port: 22 } });
    for (const e of events) expect(validateOcsf(e.ocsf)).toEqual([]);

    const quarantined = await peekAll(runtime, runtime.resources.quarantineQueueUrl);
    const reasons = quarantined.map((m) => m.MessageAttributes?.reason?.StringValue ?? '');
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/^CloudWatch Logs data is not base64 gzip/),
      expect.stringMatching(/^malformed JSON: .*\(log group \/app\/resolver-and-journal, log event \/app\/resolver-and-journal-5\)$/),
    ]);
    // The quarantined log event is kept whole, with its id and timestamp.
    expect(quarantined.map((m) => m.Body)).toContainEqual(JSON.stringify({ id: '/app/resolver-and-journal-5', timestamp: 1772452800005, message: '{"broken": ' }));

    // And detect takes the batches in.
    await drainStage(runtime, 'detect');
    expect((await runtime.summary()).events).toBe(events.length);
  });

  it('writes one EMF metrics line per batch, with records in, events out and quarantined by reason', async () => {
    await runtime.deliverLogs(payload('/vpc/flow-logs', flowLines));
    await runtime.deliverLogs(payload('/app/other', ['{"no":"known source"}', 'free text']));
    const messages = await peekAll(runtime, runtime.resources.queueUrls.normalize);
    expect(messages).toHaveLength(2);
    // The real handler against moto, detect output to a queue of its own, metrics captured.
    const sink = await runtime.clients.sqs.send(new CreateQueueCommand({ QueueName: `${runtime.resources.prefix}-emf-sink` }));
    const lines: string[] = [];
    const handler = createNormalizeHandler({
      sqs: runtime.clients.sqs,
      s3: new S3Client({ forcePathStyle: true }),
      detectQueueUrl: sink.QueueUrl as string,
      quarantineQueueUrl: sink.QueueUrl as string,
      tenantId: 'acme',
      writeMetrics: (l) => lines.push(l),
    });
    const event = { Records: messages.map((m) => ({ messageId: m.MessageId, body: m.Body })) } as SQSEvent;
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'MDR', Dimensions: [['tenant', 'stage']] }] },
      tenant: 'acme',
      stage: 'normalize',
      RecordsIn: flowLines.length + 2,
      EventsOut: flowLines.length,
      Quarantined: 2,
      'Quarantined.unknown-source': 1,
      'Quarantined.malformed': 1,
    });
  });
});
