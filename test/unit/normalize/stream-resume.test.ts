import { gzipSync } from 'node:zlib';
import { streamRecords, type ObjectPart } from '../../../shared/aws/s3-object-records';
import type { VendorRecord, EnvelopeFailure } from '../../../shared/normalize/envelopes';
import type { ObjectPosition } from '../../../shared/normalize/s3-notification';
import { fixtureText } from './helpers';

/** The bytes of an object from `offset`, in chunks of `size` (what a ranged GET streams). */
async function* bytes(data: Buffer, size: number, offset = 0): AsyncGenerator<Buffer> {
  for (let i = offset; i < data.length; i += size) yield data.subarray(i, Math.min(data.length, i + size));
}

interface Read {
  records: VendorRecord[];
  failures: EnvelopeFailure[];
  stops: number;
  offsets: number;
}

/**
 * Reads an object as the normalize handler does under a time budget: stop
 * after `partsPerRun` parts that made progress (never after the last), then
 * resume from the position, until the object is done.
 */
async function readInRuns(data: Buffer, chunk: number, partsPerRun: number): Promise<Read> {
  const out: Read = { records: [], failures: [], stops: 0, offsets: 0 };
  let resume: ObjectPosition | undefined;
  for (let run = 0; run < 10_000; run++) {
    const from = resume?.byteOffset ?? 0;
    let stopped: ObjectPosition | undefined;
    let progressed = 0;
    for await (const part of streamRecords(bytes(data, chunk, from), { resume }) as AsyncGenerator<ObjectPart>) {
      out.records.push(...part.records);
      out.failures.push(...part.failures);
      if (part.records.length || part.failures.length) progressed++;
      if (!part.last && progressed >= partsPerRun) {
        stopped = part.position();
        break;
      }
    }
    if (!stopped) return out;
    out.stops++;
    if (stopped.byteOffset !== undefined) out.offsets++;
    resume = stopped;
  }
  throw new Error('did not finish');
}

async function onePass(data: Buffer, chunk: number): Promise<Read> {
  return readInRuns(data, chunk, Number.POSITIVE_INFINITY);
}

const ndjson = fixtureText('windows', 'evtx-dump.ndjson');
const flow = fixtureText('vpcflow', 'custom-v5.log');
const trail = fixtureText('cloudtrail', 'logfile.json');

describe('S3 object reading resumed at record boundaries', () => {
  const cases: [string, Buffer, boolean][] = [
    // Plain line- or document-oriented text resumes from a byte offset.
    ['NDJSON with a bad line and multibyte text', Buffer.from(`${ndjson.trimEnd()}\n{"broken": \n{"note":"ünïcödé ✓"}\n${ndjson}`), true],
    ['VPC flow log text with a custom header', Buffer.from(`${flow.trimEnd()}\nnot a flow line\n${flow.split('\n').slice(1).join('\n')}`), true],
    // gzip and CloudTrail Records arrays are re-read from the start, skipping what was done.
    ['gzip NDJSON', gzipSync(`${ndjson}${ndjson}`), false],
    ['CloudTrail log file (Records array), plain', Buffer.from(trail), false],
    ['CloudTrail log file, gzip', gzipSync(trail), false],
  ];

  test.each(cases)('%s: stopping and resuming gives exactly the records and failures of one pass', async (_name, data, byOffset) => {
    for (const chunk of [7, 64, 1000]) {
      const whole = await onePass(data, chunk);
      expect(whole.records.length).toBeGreaterThan(1);
      for (const partsPerRun of [1, 2, 5]) {
        const runs = await readInRuns(data, chunk, partsPerRun);
        expect(runs.records).toEqual(whole.records);
        expect(runs.failures.map((f) => [f.reason, f.line])).toEqual(whole.failures.map((f) => [f.reason, f.line]));
        if (partsPerRun === 1 && chunk === 7) {
          expect(runs.stops).toBeGreaterThan(1);
          // Plain text skips the bytes already read; the others cannot and re-read from the start.
          expect(runs.offsets > 0).toBe(byOffset);
        }
      }
    }
  });

  test('a position names the object version it was read from', async () => {
    const parts: ObjectPart[] = [];
    for await (const p of streamRecords(bytes(Buffer.from(ndjson), 50), { pin: { versionId: 'v1', etag: '"abc"' } })) parts.push(p);
    expect(parts[0].position()).toMatchObject({ versionId: 'v1', etag: '"abc"' });
    expect(parts[parts.length - 1].last).toBe(true);
  });
});
