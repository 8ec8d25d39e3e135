import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CaseError } from '../../shared/cases/lifecycle';

type Result = APIGatewayProxyStructuredResultV2;

/** HTTP status of each CaseError code (the case API's JSON error contract). */
const HTTP_STATUS: Record<string, number> = { invalid_request: 400, forbidden: 403, not_found: 404, illegal_transition: 409, conflict: 409 };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/** `{"error":{"code","message"}}` with the status. */
export function error(statusCode: number, code: string, message: string): Result {
  return json(statusCode, { error: { code, message } });
}

/** A refusal of the case service as the API answers it. */
export function caseErrorResult(e: CaseError): Result {
  return error(HTTP_STATUS[e.code] ?? 400, e.code, e.message);
}
