import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Rng } from '../bench/generators';

/** A request as the proxy saw it, body read in full. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `X-Amz-Target` of AWS JSON protocol calls (`DynamoDB_20120810.PutItem`, `AmazonSQS.ReceiveMessage`). */
  target?: string;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * What to do with one request. `respond` answers without reaching the
 * upstream (so the fault has no effect there); `hang` never answers and never
 * forwards (the client's own timeout fires); `forward` passes it on and may
 * rewrite the answer.
 */
export type FaultDecision =
  | { kind: 'respond'; label: string; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang'; label: string }
  | { kind: 'forward'; label?: string; transform?: (req: ProxiedRequest, res: ProxiedResponse) => ProxiedResponse | Promise<ProxiedResponse> };

/** Looks at a request and decides; undefined lets the next rule decide (and, after the last, forwards untouched). */
export type FaultRule = (req: ProxiedRequest) => FaultDecision | undefined;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'proxy-connection']);

/**
 * A loopback HTTP proxy in front of one upstream (moto, a channel receiver)
 * that injects faults by rule. Reusable: the rules are plain functions, and
 * every injected fault is counted by its label so a run can account for what
 * it did.
 */
export class FaultProxy {
  /** Faults injected, by label. */
  readonly injected: Record<string, number> = {};
  /** Requests seen, forwarded or not. */
  requests = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(
    private readonly upstream: string,
    private readonly rules: FaultRule[],
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((e) => this.fail(res, e as Error)));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private count(label: string): void {
    this.injected[label] = (this.injected[label] ?? 0) + 1;
  }

  private fail(res: ServerResponse, e: Error): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`fault proxy: ${e.message}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = req.headers['x-amz-target'];
    const seen: ProxiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
      target: typeof target === 'string' ? target : undefined,
    };
    this.requests++;
    let decision: FaultDecision | undefined;
    for (const rule of this.rules) {
      decision = rule(seen);
      if (decision) break;
    }
    if (decision?.label) this.count(decision.label);
    if (decision?.kind === 'respond') {
      const body = decision.body ?? '';
      res.writeHead(decision.status, { 'content-length': String(Buffer.byteLength(body)), ...decision.headers });
      res.end(body);
      return;
    }
    if (decision?.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    let answer = await this.forward(seen);
    if (decision?.transform) answer = await decision.transform(seen, answer);
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  }

  private forward(req: ProxiedRequest): Promise<ProxiedResponse> {
    const up = new URL(req.url, this.upstream);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['content-length'] = String(req.body.length);
    // Keep the Host the client signed (SigV4 covers it); moto does not check signatures, receivers ignore it.
    if (req.headers.host) headers.host = req.headers.host;
    return new Promise((resolve, reject) => {
      const out = request(up, { method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(req.body);
    });
  }
}

/** An error in the AWS JSON protocol (what DynamoDB and SQS-over-JSON answer), e.g. a throttle. */
export function awsJsonError(label: string, status: number, type: string, message: string): FaultDecision {
  return {
    kind: 'respond',
    label,
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `chaos-${Math.random().toString(16).slice(2)}` },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** DynamoDB data-plane calls; table creation and TTL stay untouched so provisioning is not what is tested. */
const DYNAMO_CONTROL = /^DynamoDB_20120810\.(CreateTable|DeleteTable|DescribeTable|UpdateTable|UpdateTimeToLive|DescribeTimeToLive|ListTables)$/;

/**
 * Throttles a share of DynamoDB data calls with the errors DynamoDB sends
 * under load (HTTP 400, retryable), before they reach moto: the SDK's own
 * retry runs, and when it gives up the calling code's handling does.
 */
export function throttleDynamo(rng: Rng, rate: number): FaultRule {
  return (req) => {
    if (!req.target?.startsWith('DynamoDB_20120810.') || DYNAMO_CONTROL.test(req.target)) return undefined;
    if (!rng.chance(rate)) return undefined;
    return rng.chance(0.5)
      ? awsJsonError(
          'dynamo.ProvisionedThroughputExceeded',
          400,
          'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        )
      : awsJsonError('dynamo.Throttling', 400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
  };
}

interface SqsMessage {
  MessageId: string;
  ReceiptHandle: string;
  [k: string]: unknown;
}

interface Held {
  message: SqsMessage;
  dueAt: number;
}

/**
 * At-least-once and out-of-order delivery for SQS (AWS JSON protocol): the
 * first time a message comes back from ReceiveMessage it is scheduled for one
 * to three deliveries in all, each copy held back a random while (the
 * original too, sometimes) and handed out with a later ReceiveMessage of the
 * same queue; every answer is shuffled. Copies keep the message id and
 * receipt handle, as a redelivery by SQS would.
 *
 * A copy is handed out only when its message was last handed out at least
 * `minSpacingMs` before: the local poller gathers a batch within its batching
 * window (at most a second), so a message never meets its own copy inside one
 * batch (an event source mapping never hands a function the same message
 * twice in one event).
 */
export class SqsRedelivery {
  private readonly held = new Map<string, Held[]>();
  private readonly seen = new Set<string>();
  private readonly lastHandedOut = new Map<string, number>();
  /** Extra deliveries scheduled, and originals held back. */
  readonly stats = { messages: 0, copies: 0, delayed: 0, injected: 0, shuffled: 0 };

  constructor(
    private readonly rng: Rng,
    private readonly options: { maxDeliveries?: number; holdOriginal?: number; maxDelayMs?: number; minSpacingMs?: number } = {},
  ) {}

  /** Messages still held (delivered later, or still to be). */
  get pending(): number {
    let n = 0;
    for (const h of this.held.values()) n += h.length;
    return n;
  }

  readonly rule: FaultRule = (req) => {
    if (req.target !== 'AmazonSQS.ReceiveMessage') return undefined;
    return { kind: 'forward', transform: (r, res) => this.rewrite(r, res) };
  };

  private delay(): number {
    return 200 + this.rng.int(0, this.options.maxDelayMs ?? 3000);
  }

  private rewrite(req: ProxiedRequest, res: ProxiedResponse): ProxiedResponse {
    if (res.status !== 200) return res;
    const input = JSON.parse(req.body.toString('utf8')) as { QueueUrl: string; MaxNumberOfMessages?: number; WaitTimeSeconds?: number };
    const output = JSON.parse(res.body.toString('utf8') || '{}') as { Messages?: SqsMessage[] };
    const queue = input.QueueUrl;
    const held = this.held.get(queue) ?? [];
    this.held.set(queue, held);
    const now = Date.now();
    const out: SqsMessage[] = [];
    for (const m of output.Messages ?? []) {
      if (this.seen.has(m.MessageId)) {
        out.push(m); // a redelivery by the queue itself (a failed attempt): pass it on as is
        continue;
      }
      this.seen.add(m.MessageId);
      this.stats.messages++;
      const copies = this.rng.int(1, this.options.maxDeliveries ?? 3) - 1;
      for (let i = 0; i < copies; i++) held.push({ message: { ...m }, dueAt: now + this.delay() });
      this.stats.copies += copies;
      if (this.rng.chance(this.options.holdOriginal ?? 0.2)) {
        held.push({ message: m, dueAt: now + this.delay() });
        this.stats.delayed++;
      } else out.push(m);
    }
    const spacing = this.options.minSpacingMs ?? 2500;
    const room = (input.MaxNumberOfMessages ?? 1) - out.length;
    const ids = new Set(out.map((m) => m.MessageId));
    let added = 0;
    for (let i = 0; i < held.length && added < room; ) {
      const h = held[i];
      const last = this.lastHandedOut.get(h.message.MessageId) ?? 0;
      if (h.dueAt <= now && now - last >= spacing && !ids.has(h.message.MessageId)) {
        out.push(h.message);
        ids.add(h.message.MessageId);
        held.splice(i, 1);
        added++;
      } else i++;
    }
    this.stats.injected += added;
    for (const m of out) this.lastHandedOut.set(m.MessageId, now);
    if (out.length > 1) this.stats.shuffled++;
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    const body = Buffer.from(JSON.stringify(out.length ? { ...output, Messages: out } : { ...output, Messages: undefined }));
    return { ...res, body };
  }
}
