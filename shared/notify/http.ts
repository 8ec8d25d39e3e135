/** One HTTP POST a channel wants made; the body is sent as is. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** How a delivery attempt ended: sent, worth retrying (with a hint), or refused for good. */
export type DeliveryOutcome =
  | { kind: 'sent'; status: number; providerMessageId?: string }
  | { kind: 'retry'; status?: number; retryAfterSeconds?: number; reason: string }
  | { kind: 'rejected'; status: number; reason: string };

/** What came back from a receiver, as a channel's classifier sees it. */
export interface HttpResponseInfo {
  status: number;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  /** Response body as text, truncated to a few KiB. */
  body: string;
}

export type HttpClassifier = (res: HttpResponseInfo) => DeliveryOutcome;

const MAX_BODY_CHARS = 4096;

/** Seconds from a `Retry-After` value (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(v: string | null | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** True for statuses worth another attempt: 408, 425, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** A short, single-line excerpt of a response body for reasons (never the request, which may carry secrets). */
export function excerpt(body: string, max = 200): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/**
 * The default reading of an HTTP answer: 2xx sent; 408/425/429/5xx retried
 * (honouring `Retry-After`); any other status rejected.
 */
export function classifyHttpStatus(res: HttpResponseInfo, detail?: string): DeliveryOutcome {
  const why = detail ? `HTTP ${res.status}: ${detail}` : `HTTP ${res.status}`;
  if (res.status >= 200 && res.status < 300) return { kind: 'sent', status: res.status };
  if (isRetryableStatus(res.status)) {
    const retryAfterSeconds = parseRetryAfter(res.header('retry-after'));
    return { kind: 'retry', status: res.status, reason: why, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { kind: 'rejected', status: res.status, reason: why };
}

/**
 * The one way channels talk HTTP: POSTs the request with a per-attempt
 * timeout (AbortSignal.timeout), then lets the channel classify the answer.
 * Network errors and timeouts are retried. Redirects are not followed: a
 * webhook endpoint that moved is a configuration problem, not a hop to take
 * with a signed body.
 */
export async function sendHttp(req: HttpRequest, classify: HttpClassifier = (r) => classifyHttpStatus(r)): Promise<DeliveryOutcome> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return { kind: 'retry', reason: `timed out after ${req.timeoutMs} ms` };
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'retry', reason: `request failed: ${err.name}: ${cause?.code ?? cause?.message ?? err.message}` };
  }
  let body = '';
  try {
    body = (await res.text()).slice(0, MAX_BODY_CHARS);
  } catch {
    // A body cut off mid-way still has a status worth classifying.
  }
  return classify({ status: res.status, header: (n) => res.headers.get(n) ?? undefined, body });
}

/** POSTs a request; 2xx is sent, 408/429/5xx and network errors are retried, other 4xx rejected. */
export function post(req: HttpRequest): Promise<DeliveryOutcome> {
  return sendHttp(req);
}
