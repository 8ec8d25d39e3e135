import type { DeliveryOutcome } from '../http';

/** Error names AWS documents as throttling or transient, across SES v2, SNS and Secrets Manager. */
const RETRYABLE_NAMES = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalError',
  'InternalErrorException',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

/**
 * Reads an AWS SDK v3 error as a delivery outcome: throttling, 5xx, timeouts
 * and network failures (no HTTP status) are retried; other client errors
 * (MessageRejected, InvalidParameter, NotFound, AccessDenied, …) are
 * rejected with the error's name.
 */
export function classifyAwsError(e: unknown, what: string): DeliveryOutcome {
  const err = (e ?? {}) as { name?: string; message?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  const reason = `${what}: ${name}${err.message ? `: ${err.message.slice(0, 200)}` : ''}`;
  if (RETRYABLE_NAMES.has(name) || err.$retryable || status === undefined || status === 429 || status >= 500) {
    return { kind: 'retry', reason, ...(status !== undefined ? { status } : {}) };
  }
  return { kind: 'rejected', status, reason };
}
