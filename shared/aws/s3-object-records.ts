import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { RecordSplitter, type Unwrapped } from '../normalize/envelopes';
import type { S3ObjectRef } from '../normalize/s3-notification';

/**
 * Streams an S3 log object as vendor records, chunk by chunk: gunzipped when
 * it is gzip (by its first bytes), decoded as UTF-8 and split by the same
 * rules as a message body. Memory stays bounded by the largest record, not
 * the object. A missing or corrupt object throws, for the caller to
 * quarantine whole with its key.
 */
export async function* objectRecords(s3: S3Client, ref: S3ObjectRef): AsyncGenerator<Unwrapped> {
  const res = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  const body = res.Body as Readable | undefined;
  if (!body) throw new Error('object has no body');
  const splitter = new RecordSplitter();
  const decoder = new StringDecoder('utf8');
  for await (const chunk of await decompressed(body)) yield splitter.push(decoder.write(chunk as Buffer));
  const tail = decoder.end();
  if (tail) yield splitter.push(tail);
  yield splitter.end();
}

/** The object's bytes, through gunzip when its first bytes are the gzip magic (whatever its key says). */
async function decompressed(body: Readable): Promise<AsyncIterable<Buffer>> {
  const chunks = body[Symbol.asyncIterator]();
  const head = await chunks.next();
  if (head.done) return Readable.from([]);
  const first = head.value as Buffer;
  const all = Readable.from(
    (async function* () {
      yield first;
      for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield n.value as Buffer;
    })(),
  );
  if (first[0] !== 0x1f || first[1] !== 0x8b) return all;
  const gunzip = createGunzip();
  // pipeline destroys gunzip with any read error, so it surfaces in the caller's for-await.
  pipeline(all, gunzip, () => undefined);
  return gunzip;
}
