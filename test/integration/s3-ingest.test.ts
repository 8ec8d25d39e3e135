import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LocalRuntime } from '../../local/runtime';
import { drainStage, peekAll, startRuntime } from './support/runtime';
import type { TelemetryEvent } from '../../shared/telemetry';

/** The S3 ingest path: object-created notifications on the normalize queue, log files streamed from S3. */
describe('S3 log files on moto', () => {
  let runtime: LocalRuntime;
  const s3 = new S3Client({ forcePathStyle: true });
  const bucket = `trail-logs-${Date.now().toString(36)}`;

  const notification = (key: string) =>
    JSON.stringify({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'us-east-1',
          eventTime: '2026-11-20T09:20:00.000Z',
          eventName: 'ObjectCreated:Put',
          s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1 } },
        },
      ],
    });

  /**
   * The time budget normalize sees: undefined = the function timeout (as on
   * Lambda); n = each invocation has time for n parts of a file, then is out
   * of time (remaining time 0), whatever the clock says.
   */
  let partsPerInvocation: number | undefined;
  let invocations = 0;
  /** Positions of the continuation messages normalize received. */
  let continuations: { byteOffset?: number }[] = [];

  beforeAll(async () => {
    runtime = await startRuntime({
      wrapHandler: (stage, handler) =>
        stage !== 'normalize'
          ? handler
          : (event, context) => {
              invocations++;
              for (const r of event.Records) if (r.body.includes('"mdr.s3-continuation"')) continuations.push((JSON.parse(r.body) as { position: { byteOffset?: number } }).position);
              if (partsPerInvocation === undefined) return handler(event, context);
              let asked = 0;
              const budget = partsPerInvocation;
              return handler(event, { ...context, getRemainingTimeInMillis: () => (++asked >= budget ? 0 : 60_000) });
            },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(() => runtime?.stop());

  it('streams a gzipped CloudTrail log file into telemetry events, one message for many events', async () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sources', 'cloudtrail', 'logfile.json'), 'utf8')) as { Records: unknown[] };
    // Enough records to span several chunks of the stream.
    const records = Array.from({ length: 400 }, (_, i) => ({ ...(file.Records[i % file.Records.length] as object), eventID: `s3-evt-${i}` }));
    const key = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T0920Z_a1b2.json.gz';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(JSON.stringify({ Records: records })) }));
    await runtime.sendRaw('normalize', notification(key));
    expect(await runtime.pollers.normalize.pollOnce()).toEqual({ records: 1, failed: 0 });
    const messages = await peekAll(runtime, runtime.resources.queueUrls.detect);
    const uids = messages.flatMap((m) => (JSON.parse(m.Body as string) as { events: { uid: string }[] }).events.map((e) => e.uid));
    expect(uids).toHaveLength(400);
    expect(new Set(uids).size).toBe(400);
    expect(messages.length).toBeLessThan(10);
  });

  it('quarantines a corrupt object whole, by its key, and a bad record inside a file by its line', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'corrupt.json.gz', Body: Buffer.concat([gzipSync('{"Records":[').subarray(0, 12), Buffer.from('not gzip')]) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'mixed.ndjson', Body: '{"nothing":"known"}\n{"broken": \n' }));
    await runtime.sendRaw('normalize', notification('corrupt.json.gz'));
    await runtime.sendRaw('normalize', notification('missing.json.gz'));
    await runtime.sendRaw('normalize', notification('mixed.ndjson'));
    for (let i = 0; i < 3; i++) await runtime.pollers.normalize.pollOnce();
    const reasons = (await peekAll(runtime, runtime.resources.quarantineQueueUrl)).map((m) => m.MessageAttributes?.reason?.StringValue ?? '');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^s3://${bucket}/corrupt\\.json\\.gz unreadable`)),
        expect.stringMatching(new RegExp(`^s3://${bucket}/missing\\.json\\.gz unreadable`)),
        expect.stringMatching(new RegExp(`no recognizable source \\(s3://${bucket}/mixed\\.ndjson`)),
        expect.stringMatching(new RegExp(`s3://${bucket}/mixed\\.ndjson line 2`)),
      ]),
    );
  });

  /** Receives and deletes every message of a queue: the telemetry events on it, in order of arrival. */
  async function takeEvents(queueUrl: string): Promise<TelemetryEvent[]> {
    const events: TelemetryEvent[] = [];
    for (let empty = 0; empty < 2; ) {
      const res = await runtime.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
      if (!res.Messages?.length) {
        empty++;
        continue;
      }
      for (const m of res.Messages) {
        events.push(...(JSON.parse(m.Body as string) as { events: TelemetryEvent[] }).events);
        await runtime.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    return events;
  }

  async function quarantineReasons(): Promise<string[]> {
    return (await peekAll(runtime, runtime.resources.quarantineQueueUrl)).map((m) => m.MessageAttributes?.reason?.StringValue ?? '');
  }

  /** The file read in one invocation, then again under a small budget: the events (and bad records) must be the same. */
  async function onePassThenContinued(key: string, body: Buffer, budget: number) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    // Events of earlier tests are not this file's.
    await takeEvents(runtime.resources.queueUrls.detect);
    const quarantinedBefore = (await quarantineReasons()).length;
    partsPerInvocation = undefined;
    await runtime.sendRaw('normalize', notification(key));
    await drainStage(runtime, 'normalize');
    const whole = await takeEvents(runtime.resources.queueUrls.detect);
    const wholeBad = (await quarantineReasons()).slice(quarantinedBefore);

    partsPerInvocation = budget;
    invocations = 0;
    continuations = [];
    await runtime.sendRaw('normalize', notification(key));
    await drainStage(runtime, 'normalize', 500);
    partsPerInvocation = undefined;
    const continued = await takeEvents(runtime.resources.queueUrls.detect);
    const continuedBad = (await quarantineReasons()).slice(quarantinedBefore + wholeBad.length);
    return { whole, wholeBad, continued, continuedBad, invocations, continuations };
  }

  const sortByUid = (events: TelemetryEvent[]) => [...events].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));

  it('continues a gzip CloudTrail log file across invocations when the time budget runs low: every record exactly once, as in one pass', async () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sources', 'cloudtrail', 'logfile.json'), 'utf8')) as { Records: unknown[] };
    const records = Array.from({ length: 400 }, (_, i) => ({ ...(file.Records[i % file.Records.length] as object), eventID: `cont-evt-${i}` }));
    const r = await onePassThenContinued('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/continued.json.gz', gzipSync(JSON.stringify({ Records: records })), 5);
    expect(r.whole).toHaveLength(400);
    // Several invocations, each stopping at a record boundary and handing the rest on.
    expect(r.invocations).toBeGreaterThan(3);
    expect(r.continued).toHaveLength(400);
    // gzip cannot be entered mid-stream: each continuation re-reads from the start and skips what was done.
    expect(r.continuations.length).toBeGreaterThan(2);
    expect(r.continuations.every((c) => c.byteOffset === undefined)).toBe(true);
    expect(sortByUid(r.continued)).toEqual(sortByUid(r.whole));
    expect(r.continuedBad).toEqual(r.wholeBad);
  });

  it('continues a plain flow log file from byte offsets, keeping the header fields and the line numbers of bad lines', async () => {
    const flow = readFileSync(join(__dirname, '..', 'fixtures', 'sources', 'vpcflow', 'custom-v5.log'), 'utf8').trimEnd().split('\n');
    const [header, ...lines] = flow;
    // Distinct lines (distinct uids), one bad line near the end.
    const body = [header, ...Array.from({ length: 800 }, (_, i) => lines[i % lines.length].replace(/ (\d+) (\d+) (ACCEPT|REJECT)/, ` ${1772452801 + i} $2 $3`))];
    body.splice(700, 0, 'this is not a flow log line');
    const r = await onePassThenContinued('vpc/flow-custom.log', Buffer.from(body.join('\n') + '\n'), 2);
    expect(r.whole).toHaveLength(800);
    expect(r.invocations).toBeGreaterThan(3);
    // Plain text is entered at the byte offset where the last invocation stopped.
    expect(r.continuations.length).toBeGreaterThan(2);
    expect(r.continuations.every((c) => typeof c.byteOffset === 'number' && c.byteOffset > 0)).toBe(true);
    expect(sortByUid(r.continued)).toEqual(sortByUid(r.whole));
    expect(r.wholeBad).toEqual([expect.stringMatching(/vpc\/flow-custom\.log line 701\)$/)]);
    expect(r.continuedBad).toEqual(r.wholeBad);
  });
});
