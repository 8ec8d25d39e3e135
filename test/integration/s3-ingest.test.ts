import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LocalRuntime } from '../../local/runtime';
import { peekAll, startRuntime } from './support/runtime';

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

  beforeAll(async () => {
    runtime = await startRuntime();
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
});
