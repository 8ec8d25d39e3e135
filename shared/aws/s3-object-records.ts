import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
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
  let stream: AsyncIterable<Buffer> = body;
  let first = true;
  const iterator = body[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) return;
  const firstChunk = head.value as Buffer;
  if (firstChunk[0] === 0x1f && firstChunk[1] === 0x8b) {
    const gunzip = createGunzip();
    void (async () => {
      try {
        gunzip.write(firstChunk);
        for (let n = await iterator.next(); !n.done; n = await iterator.next()) gunzip.write(n.value as Buffer);
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    stream = gunzip;
    first = false;
  }
  if (first) {
    yield splitter.push(decoder.write(firstChunk));
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield splitter.push(decoder.write(n.value as Buffer));
  } else {
    for await (const chunk of stream) yield splitter.push(decoder.write(chunk));
  }
  const tail = decoder.end();
  if (tail) yield splitter.push(tail);
  yield splitter.end();
}
