import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '../shared/notify/webhook';
import { verifySignature } from '../shared/notify/signature';

export interface ReceivedWebhook {
  deliveryId: string;
  body: Record<string, unknown>;
  verified: boolean;
  receivedAt: number;
}

/** A scripted answer for the next requests (status and optional Retry-After), to exercise retries. */
export interface SinkFault {
  status: number;
  retryAfter?: string;
}

/**
 * A loopback webhook receiver that checks the real contract: POST, JSON body,
 * delivery id header and a valid `t=…,v1=…` signature for one of its secrets.
 * Unsigned or badly signed requests are answered 401 and not counted.
 */
export class WebhookSink {
  readonly deliveries: ReceivedWebhook[] = [];
  readonly refused: { reason: string }[] = [];
  private readonly faults: SinkFault[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly secrets: () => readonly string[]) {}

  /** Queue faults answered before normal service resumes. */
  failNext(...faults: SinkFault[]): void {
    this.faults.push(...faults);
  }

  /** Distinct delivery ids received with a valid signature. */
  get uniqueDeliveries(): number {
    return new Set(this.deliveries.filter((d) => d.verified).map((d) => d.deliveryId)).size;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/hooks/mdr`;
    return this.url;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const answer = (status: number, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ status }));
    };
    const fault = this.faults.shift();
    if (fault) return answer(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    const deliveryId = req.headers[DELIVERY_HEADER];
    const signature = req.headers[SIGNATURE_HEADER];
    if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) {
      this.refused.push({ reason: 'not a JSON POST' });
      return answer(405);
    }
    if (typeof deliveryId !== 'string' || !verifySignature(typeof signature === 'string' ? signature : undefined, raw, this.secrets())) {
      this.refused.push({ reason: 'missing delivery id or bad signature' });
      return answer(401);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      this.refused.push({ reason: 'body is not JSON' });
      return answer(400);
    }
    this.deliveries.push({ deliveryId, body, verified: true, receivedAt: Date.now() });
    answer(202);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
