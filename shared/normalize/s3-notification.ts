import { createHash } from 'node:crypto';

/** An S3 object a notification announces, or one a continuation message resumes. */
export interface S3ObjectRef {
  bucket: string;
  key: string;
  size?: number;
  /** Present on a continuation: where the previous invocation stopped. */
  resume?: ObjectPosition;
}

/**
 * How far an S3 object has been read, at a record boundary. `records` and
 * `failures` count what was handled from the start of the object (a re-read
 * skips that many of each); `byteOffset`, `line`, `mode` and
 * `vpcFlowFields` are set for plain text that can be entered at that offset.
 */
export interface ObjectPosition {
  versionId?: string;
  etag?: string;
  records: number;
  failures: number;
  byteOffset?: number;
  line?: number;
  mode?: 'docs' | 'text';
  vpcFlowFields?: string[];
}

/** Marker of continuation messages on the normalize queue. */
export const CONTINUATION_TYPE = 'mdr.s3-continuation';

export interface S3Continuation {
  type: typeof CONTINUATION_TYPE;
  v: 1;
  /** Deterministic: the same object version stopped at the same position gives the same id. */
  id: string;
  bucket: string;
  key: string;
  position: ObjectPosition;
}

/** The message body that tells normalize to go on reading an object from `position`. */
export function continuationOf(bucket: string, key: string, position: ObjectPosition): S3Continuation {
  const id = createHash('sha256')
    .update(JSON.stringify([bucket, key, position.versionId ?? null, position.etag ?? null, position.records, position.failures, position.byteOffset ?? null]))
    .digest('hex')
    .slice(0, 32);
  return { type: CONTINUATION_TYPE, v: 1, id, bucket, key, position };
}

function isPosition(v: unknown): v is ObjectPosition {
  if (!isObj(v)) return false;
  const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (!count(v.records) || !count(v.failures)) return false;
  if (v.byteOffset !== undefined && (!count(v.byteOffset) || !count(v.line) || (v.mode !== 'docs' && v.mode !== 'text'))) return false;
  if (v.vpcFlowFields !== undefined && !(Array.isArray(v.vpcFlowFields) && v.vpcFlowFields.every((f) => typeof f === 'string'))) return false;
  return (v.versionId === undefined || typeof v.versionId === 'string') && (v.etag === undefined || typeof v.etag === 'string');
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The objects an SQS body announces, when it is an S3 event notification
 * (`{"Records":[{"eventSource":"aws:s3",…}]}`, also S3's `s3:TestEvent`), an
 * EventBridge "Object Created" event, or normalize's own continuation
 * message (continuationOf); undefined for any other body. Keys arrive
 * URL-encoded with `+` for spaces, as S3 sends them.
 */
export function s3ObjectsOf(body: string): S3ObjectRef[] | undefined {
  // Cheap pre-check: most bodies are telemetry, not notifications.
  if (!body.includes('aws:s3') && !body.includes('"aws.s3"') && !body.includes('s3:TestEvent') && !body.includes(CONTINUATION_TYPE)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  if (v.type === CONTINUATION_TYPE) {
    if (v.v !== 1 || typeof v.bucket !== 'string' || typeof v.key !== 'string' || !isPosition(v.position)) return undefined;
    return [{ bucket: v.bucket, key: v.key, resume: v.position }];
  }
  if (v.Event === 's3:TestEvent') return [];
  if (v.source === 'aws.s3' && v['detail-type'] === 'Object Created' && isObj(v.detail)) {
    const d = v.detail as { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown } };
    if (typeof d.bucket?.name !== 'string' || typeof d.object?.key !== 'string') return undefined;
    return [{ bucket: d.bucket.name, key: d.object.key, ...(typeof d.object.size === 'number' ? { size: d.object.size } : {}) }];
  }
  if (!Array.isArray(v.Records) || !v.Records.length || !v.Records.every((r) => isObj(r) && r.eventSource === 'aws:s3')) return undefined;
  return (v.Records as { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } } }[])
    .filter((r) => String(r.eventName ?? '').startsWith('ObjectCreated:') && r.s3?.bucket?.name && r.s3.object?.key)
    .map((r) => ({
      bucket: r.s3?.bucket?.name as string,
      key: decodeURIComponent((r.s3?.object?.key as string).replace(/\+/g, ' ')),
      ...(typeof r.s3?.object?.size === 'number' ? { size: r.s3.object.size } : {}),
    }));
}
