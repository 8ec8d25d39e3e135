/** An S3 object a notification announces. */
export interface S3ObjectRef {
  bucket: string;
  key: string;
  size?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The objects an SQS body announces, when it is an S3 event notification
 * (`{"Records":[{"eventSource":"aws:s3",…}]}`, also S3's `s3:TestEvent`) or
 * an EventBridge "Object Created" event; undefined for any other body. Keys
 * arrive URL-encoded with `+` for spaces, as S3 sends them.
 */
export function s3ObjectsOf(body: string): S3ObjectRef[] | undefined {
  // Cheap pre-check: most bodies are telemetry, not notifications.
  if (!body.includes('aws:s3') && !body.includes('"aws.s3"') && !body.includes('s3:TestEvent')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
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
