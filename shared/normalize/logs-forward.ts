/**
 * How the logs-ingest function turns one CloudWatch Logs subscription
 * invocation into normalize-queue message bodies. Pure.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** The SQS message size every queue accepts (256 KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

export class LogsForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogsForwardError';
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Message bodies for one invocation: the event itself, as JSON, when it
 * fits (the usual case: one message, the data still compressed). Anything
 * that is not a well-formed payload is forwarded as is too, for normalize
 * to quarantine with its reason: this function never judges content. A
 * DATA_MESSAGE too large for one message is split into payloads with fewer
 * log events each, every one re-compressed and wrapped like the original.
 * Throws LogsForwardError when it is too large and cannot be split (one log
 * event alone over the limit, or not decodable): the invocation then fails
 * into the on-failure destination, where the event is kept whole.
 */
export function forwardBodies(event: unknown, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): string[] {
  const body = JSON.stringify(event ?? null);
  if (Buffer.byteLength(body) <= maxBytes) return [body];
  const data = isObj(event) && isObj(event.awslogs) ? event.awslogs.data : undefined;
  if (typeof data !== 'string') throw new LogsForwardError(`event of ${Buffer.byteLength(body)} bytes exceeds ${maxBytes} and is not a CloudWatch Logs payload that could be split`);
  let payload: unknown;
  try {
    payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  } catch (e) {
    throw new LogsForwardError(`payload exceeds ${maxBytes} bytes and cannot be decoded to split it: ${(e as Error).message}`);
  }
  if (!isObj(payload) || !Array.isArray(payload.logEvents)) throw new LogsForwardError(`payload exceeds ${maxBytes} bytes and has no logEvents to split it by`);
  const out: string[] = [];
  split(payload, payload.logEvents, maxBytes, out);
  return out;
}

function wrap(payload: Record<string, unknown>, logEvents: unknown[]): string {
  const data = gzipSync(Buffer.from(JSON.stringify({ ...payload, logEvents }))).toString('base64');
  return JSON.stringify({ awslogs: { data } });
}

function split(payload: Record<string, unknown>, events: unknown[], maxBytes: number, out: string[]): void {
  const body = wrap(payload, events);
  if (Buffer.byteLength(body) <= maxBytes) {
    out.push(body);
    return;
  }
  if (events.length <= 1) throw new LogsForwardError(`one log event alone exceeds ${maxBytes} bytes compressed (log group ${String(payload.logGroup)})`);
  const half = Math.ceil(events.length / 2);
  split(payload, events.slice(0, half), maxBytes, out);
  split(payload, events.slice(half), maxBytes, out);
}
