import { GetObjectCommand, type GetObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { RecordSplitter, type Unwrapped } from '../normalize/envelopes';
import type { ObjectPosition, S3ObjectRef } from '../normalize/s3-notification';

/** A slice of an object's records, and where reading stands after it (to resume from there). */
export interface ObjectPart extends Unwrapped {
  /** Position after this part: counts include it; versionId/etag pin the object read. */
  position(): ObjectPosition;
  /** True for the last part of the object: nothing is left to resume. */
  last: boolean;
}

/**
 * Streams an S3 log object as vendor records, chunk by chunk: gunzipped when
 * it is gzip (by its first bytes), decoded as UTF-8 and split by the same
 * rules as a message body. Memory stays bounded by the largest record, not
 * the object. A missing or corrupt object throws, for the caller to
 * quarantine whole with its key.
 *
 * `ref.resume` continues an earlier invocation's read of the same object
 * version (VersionId when the bucket is versioned, else If-Match on the
 * ETag, so a replaced object fails instead of mixing two files): plain text
 * from its byte offset (a ranged GET), anything else from the start,
 * skipping the records and failures already handled.
 */
export async function* objectRecords(s3: S3Client, ref: S3ObjectRef): AsyncGenerator<ObjectPart> {
  const resume = ref.resume;
  const input: GetObjectCommandInput = { Bucket: ref.bucket, Key: ref.key };
  if (resume?.versionId) input.VersionId = resume.versionId;
  else if (resume?.etag) input.IfMatch = resume.etag;
  if (resume?.byteOffset !== undefined) input.Range = `bytes=${resume.byteOffset}-`;
  let res;
  try {
    res = await s3.send(new GetObjectCommand(input));
  } catch (e) {
    // A continuation that stopped exactly at the end of the object asks for an empty range.
    if (resume?.byteOffset !== undefined && ((e as { name?: string }).name === 'InvalidRange' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416)) return;
    throw e;
  }
  const body = res.Body as Readable | undefined;
  if (!body) throw new Error('object has no body');
  const pin = { versionId: resume?.versionId ?? res.VersionId, etag: resume?.etag ?? res.ETag };
  try {
    yield* streamRecords(body, { resume, pin });
  } finally {
    // The caller may stop early (time budget): release the connection.
    body.destroy();
  }
}

export interface StreamOptions {
  /** Where an earlier read stopped (ObjectPart.position()). */
  resume?: ObjectPosition;
  /** Identity of the object version being read, copied into every position. */
  pin?: { versionId?: string; etag?: string };
}

/**
 * The streaming core of objectRecords, over any byte stream (the benchmark
 * feeds it a file). Positions count records and failures from the start of
 * the object; for plain line- or document-oriented text they also carry the
 * byte offset of the first unconsumed record, so a continuation can skip the
 * bytes instead of re-reading them. gzip cannot be entered mid-stream, so a
 * gzip object (and a JSON array or CloudTrail `Records` file, whose elements
 * need the enclosing structure) is resumed by reading from the start and
 * skipping the counted records and failures: CPU for the skipped part is
 * spent again, memory stays flat.
 */
export async function* streamRecords(body: AsyncIterable<Buffer | Uint8Array | string>, options: StreamOptions = {}): AsyncGenerator<ObjectPart> {
  const resume = options.resume;
  const fromOffset = resume?.byteOffset !== undefined;
  const splitter = new RecordSplitter(
    { ...(resume?.vpcFlowFields ? { vpcFlowFields: resume.vpcFlowFields } : {}) },
    fromOffset && resume?.mode ? { line: resume.line ?? 1, mode: resume.mode } : undefined,
  );
  // Records and failures already handled: skipped when re-reading from the start.
  let skipRecords = fromOffset ? 0 : (resume?.records ?? 0);
  let skipFailures = fromOffset ? 0 : (resume?.failures ?? 0);
  let records = resume?.records ?? 0;
  let failures = resume?.failures ?? 0;
  const baseOffset = resume?.byteOffset ?? 0;
  let textBytes = 0;
  let gzip = false;
  // A replacement character means the bytes were not valid UTF-8: text length no longer gives the byte offset.
  let lossy = false;
  const decoder = new StringDecoder('utf8');

  const part = (u: Unwrapped, last: boolean): ObjectPart => {
    if (skipRecords > 0) {
      const n = Math.min(skipRecords, u.records.length);
      u.records = u.records.slice(n);
      skipRecords -= n;
    }
    if (skipFailures > 0) {
      const n = Math.min(skipFailures, u.failures.length);
      u.failures = u.failures.slice(n);
      skipFailures -= n;
    }
    records += u.records.length;
    failures += u.failures.length;
    const at = { records, failures };
    const cp = !gzip && !lossy ? splitter.checkpoint() : undefined;
    const byteOffset = cp ? baseOffset + textBytes - Buffer.byteLength(cp.pending) : undefined;
    return {
      ...u,
      last,
      position: () => ({
        ...options.pin,
        ...at,
        ...(cp && byteOffset !== undefined ? { byteOffset, line: cp.line, mode: cp.mode, ...(cp.vpcFlowFields ? { vpcFlowFields: cp.vpcFlowFields } : {}) } : {}),
      }),
    };
  };
  const feed = (text: string): Unwrapped => {
    textBytes += Buffer.byteLength(text);
    if (!lossy && text.includes('\uFFFD')) lossy = true;
    return splitter.push(text);
  };

  const bytes = await decompressed(body, fromOffset, (z) => (gzip = z));
  for await (const chunk of bytes) {
    const text = decoder.write(chunk as Buffer);
    if (text) yield part(feed(text), false);
  }
  const tail = decoder.end();
  if (tail) yield part(feed(tail), false);
  yield part(splitter.end(), true);
}

/** The object's bytes, through gunzip when its first bytes are the gzip magic (whatever its key says). */
async function decompressed(body: AsyncIterable<Buffer | Uint8Array | string>, ranged: boolean, isGzip: (z: boolean) => void): Promise<AsyncIterable<Buffer>> {
  const chunks = body[Symbol.asyncIterator]();
  const head = await chunks.next();
  if (head.done) return Readable.from([]);
  const first = asBuffer(head.value);
  const all = Readable.from(
    (async function* () {
      yield first;
      for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield asBuffer(n.value);
    })(),
  );
  // A ranged read starts mid-file: only plain text is ever resumed by offset.
  if (ranged || first[0] !== 0x1f || first[1] !== 0x8b) return all;
  isGzip(true);
  const gunzip = createGunzip();
  // pipeline destroys gunzip with any read error, so it surfaces in the caller's for-await.
  pipeline(all, gunzip, () => undefined);
  return gunzip;
}

function asBuffer(v: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  return typeof v === 'string' ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
