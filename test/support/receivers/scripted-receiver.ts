import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it, with the contract violations it found (empty = conforming). */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  json?: unknown;
  violations: string[];
  answeredWith: number | 'hang';
}

/** A scripted answer: a status with optional body and headers, or never answering at all. */
export type ScriptedAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** Checks a request against a vendor's contract; returns what is wrong (nothing when it conforms). */
export type ContractCheck = (req: Omit<ReceivedRequest, 'violations' | 'answeredWith'>) => string[];

/**
 * A loopback HTTP receiver standing in for a vendor API. Every request is
 * checked against the vendor's contract first; a violating request gets the
 * vendor's "bad request" answer (so a builder bug shows up as a rejection,
 * not a silent pass). Conforming requests get the next scripted answer, or
 * the vendor's success answer when the script is empty.
 */
export class ScriptedReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  origin = '';

  constructor(
    private readonly check: ContractCheck,
    private readonly success: (req: ReceivedRequest) => ScriptedAnswer,
    private readonly badRequest: (violations: string[]) => ScriptedAnswer,
  ) {}

  /** Queue answers for the next conforming requests. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Conforming requests that were answered with a 2xx. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => !r.violations.length && typeof r.answeredWith === 'number' && r.answeredWith < 300);
  }

  get violations(): string[] {
    return this.requests.flatMap((r) => r.violations);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    let json: unknown;
    try {
      json = raw ? JSON.parse(raw) : undefined;
    } catch {
      json = undefined;
    }
    const seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, raw, json };
    const violations = this.check(seen);
    const received: ReceivedRequest = { ...seen, violations, answeredWith: 0 };
    const answer = violations.length ? this.badRequest(violations) : (this.script.shift() ?? this.success(received));
    this.requests.push(received);
    if (answer === 'hang') {
      received.answeredWith = 'hang';
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    received.answeredWith = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body ?? '');
  }
}

/** Small helpers for contract checks. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function requirePostJson(req: { method: string; headers: IncomingHttpHeaders; json?: unknown }, problems: string[]): Record<string, unknown> {
  if (req.method !== 'POST') problems.push(`method ${req.method}, expected POST`);
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}, expected application/json`);
  if (!isObject(req.json)) {
    problems.push('body is not a JSON object');
    return {};
  }
  return req.json;
}

export function isHttpsOrLoopback(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}
