import { EVIDENCE_INLINE_BYTES, evidenceOf } from '../../../shared/detect/evidence';
import type { TelemetryEvent } from '../../../shared/telemetry';

function event(uid: string, raw: Record<string, unknown>, ocsf: object = { class_uid: 3002 }): TelemetryEvent {
  return { uid, source: 'aws.cloudtrail', time: Date.UTC(2026, 0, 2), raw, ocsf } as unknown as TelemetryEvent;
}

const size = (e: TelemetryEvent) => Buffer.byteLength(JSON.stringify({ raw: e.raw, ocsf: e.ocsf }));

describe('evidenceOf', () => {
  test('an event in several findings in a row is measured the same each time, and a changed body is measured again', () => {
    const e = event('u1', { eventName: 'StopLogging', note: 'ünïcode' });
    const first = evidenceOf([e]);
    expect(first[0]).toMatchObject({ uid: 'u1', bytes: size(e), raw: e.raw, ocsf: e.ocsf });
    expect(evidenceOf([e])).toEqual(first);
    // Same event object, new bodies (another stage built it again): its own size, not the remembered one.
    e.raw = { eventName: 'StopLogging', big: 'x'.repeat(EVIDENCE_INLINE_BYTES) };
    const again = evidenceOf([e])[0];
    expect(again).toMatchObject({ bytes: size(e), truncated: true });
    expect(again).not.toHaveProperty('raw');
    const other = event('u2', { eventName: 'StopLogging' });
    expect(evidenceOf([e, other]).map((x) => x.bytes)).toEqual([size(e), size(other)]);
    expect(evidenceOf([other])[0].bytes).toBe(size(other));
  });
});
