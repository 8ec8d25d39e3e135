import type { HttpRequest } from './webhook';

/** How a delivery attempt ended: sent, worth retrying (with a hint), or refused for good. */
export type DeliveryOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'retry'; status?: number; retryAfterSeconds?: number; reason: string }
  | { kind: 'rejected'; status: number; reason: string };

function retryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** POSTs a request; 2xx is sent, 408/429/5xx and network errors are retried, other 4xx rejected. */
export async function post(req: HttpRequest): Promise<DeliveryOutcome> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
  } catch (e) {
    return { kind: 'retry', reason: `request failed: ${(e as Error).name}: ${(e as Error).message}` };
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { kind: 'sent', status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return { kind: 'retry', status: res.status, retryAfterSeconds: retryAfter(res.headers.get('retry-after')), reason: `HTTP ${res.status}` };
  }
  return { kind: 'rejected', status: res.status, reason: `HTTP ${res.status}` };
}
