import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { forwardBodies, LogsForwardError } from '../../../shared/normalize/logs-forward';
import { unwrapText } from '../../../shared/normalize/envelopes';

const payload = (n: number, size = 200) => ({
  messageType: 'DATA_MESSAGE',
  owner: '111122223333',
  logGroup: '/app/orders',
  logStream: 'i-0abc',
  subscriptionFilters: ['mdr-to-normalize'],
  // Random text, so gzip cannot shrink it to nothing.
  logEvents: Array.from({ length: n }, (_, i) => ({ id: String(i), timestamp: 1772445600000 + i, message: JSON.stringify({ i, pad: randomBytes(size).toString('base64') }) })),
});
const event = (p: object) => ({ awslogs: { data: gzipSync(JSON.stringify(p)).toString('base64') } });

describe('logs-ingest: payload → normalize-queue messages', () => {
  test('a payload that fits is forwarded as one message, unchanged and still compressed', () => {
    const e = event(payload(10));
    expect(forwardBodies(e)).toEqual([JSON.stringify(e)]);
  });

  test('malformed input is forwarded as is, for normalize to quarantine with its reason', () => {
    expect(forwardBodies({ awslogs: { data: 'not gzip' } })).toEqual(['{"awslogs":{"data":"not gzip"}}']);
    expect(forwardBodies({ something: 'else' })).toEqual(['{"something":"else"}']);
  });

  test('a payload larger than a message is split by log events, every event kept once and in order', () => {
    const p = payload(400, 2000);
    const bodies = forwardBodies(event(p), 64 * 1024);
    expect(bodies.length).toBeGreaterThan(1);
    const ids: string[] = [];
    for (const b of bodies) {
      expect(Buffer.byteLength(b)).toBeLessThanOrEqual(64 * 1024);
      const inner = JSON.parse(gunzipSync(Buffer.from((JSON.parse(b) as { awslogs: { data: string } }).awslogs.data, 'base64')).toString()) as typeof p;
      expect(inner.logGroup).toBe('/app/orders');
      ids.push(...inner.logEvents.map((e) => e.id));
      // normalize reads each piece like an original payload.
      expect(unwrapText(b).records).toHaveLength(inner.logEvents.length);
    }
    expect(ids).toEqual(p.logEvents.map((e) => e.id));
  });

  test('too large and not splittable: an error (the invocation fails into the on-failure destination)', () => {
    expect(() => forwardBodies({ awslogs: { data: 'A'.repeat(300_000) } })).toThrow(LogsForwardError);
    expect(() => forwardBodies(event(payload(1, 200_000)), 16 * 1024)).toThrow(/one log event alone exceeds/);
  });
});
