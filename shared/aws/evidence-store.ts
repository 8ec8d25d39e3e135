import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Finding } from '../contracts/finding';
import { evidenceBody } from '../detect/evidence';
import type { TelemetryEvent } from '../telemetry';

export const EVIDENCE_PREFIX = 'evidence/';

/** Deterministic: a redelivered batch rewrites the same object, never a second copy. */
export function evidenceKey(tenantId: string, findingId: string, eventUid: string): string {
  return `${EVIDENCE_PREFIX}${tenantId}/${findingId}/${encodeURIComponent(eventUid)}.json`;
}

/**
 * Stores the events a finding could not carry inline (truncated evidence)
 * and points the finding at them. Only findings pay for this, and only their
 * large events: the telemetry path otherwise writes nothing per event.
 */
export async function offloadEvidence(s3: S3Client, bucket: string, finding: Finding, events: readonly TelemetryEvent[]): Promise<Finding> {
  if (!finding.evidence?.some((e) => e.truncated && !e.pointer)) return finding;
  const byUid = new Map(events.map((e) => [e.uid, e]));
  const evidence = await Promise.all(
    finding.evidence.map(async (ev) => {
      const event = byUid.get(ev.uid);
      if (!ev.truncated || ev.pointer || !event) return ev;
      const key = evidenceKey(finding.tenantId, finding.findingId, ev.uid);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: evidenceBody(event), ContentType: 'application/json' }));
      return { ...ev, pointer: { bucket, key } };
    }),
  );
  return { ...finding, evidence };
}
