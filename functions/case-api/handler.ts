import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorFields, logger } from '../observability';
import { applyCaseAction } from '../../shared/cases/case-commands';
import { CaseError, parseAction, type LifecycleSettings } from '../../shared/cases/lifecycle';
import { caseTimes, responseMetrics } from '../../shared/cases/metrics';
import type { CaseStore } from '../../shared/cases/store';
import type { ResponseConfig } from '../../shared/config/response-config';
import type { Actor, CaseEvent, CaseStatus } from '../../shared/contracts/case-event';
import { isSeverity } from '../../shared/contracts/severity';
import { stableId } from '../../shared/hash';
import type { ResponseService } from '../../shared/response/response-service';
import { caseSummary } from './page-data';
import { casePageRoutes } from './pages';
import { handleResponseRoute } from './response-routes';
import { caseErrorResult, error, json } from './http';

export interface CaseApiDeps {
  store: CaseStore;
  /** Publishes case events; resolves to false when some could not be published. */
  publish: (events: CaseEvent[]) => Promise<boolean>;
  tenantId: string;
  settings: LifecycleSettings;
  now?: () => Date;
  /** Response actions (`/cases/{id}/actions…` and the page's actions); without it those routes answer 404. */
  responses?: ResponseService;
  /** Which actions the customer allows, for the page's offer (the service enforces it on every request). */
  responseConfig?: ResponseConfig;
  /** The ack link signing secrets, current first: the case page's view tokens verify against them. */
  linkSecrets?: () => Promise<readonly string[]>;
  /** The customer's runbook steps by rule id or tag, for case summaries. */
  runbooks?: Readonly<Record<string, readonly string[]>>;
}

type Result = APIGatewayProxyStructuredResultV2;
type Event = APIGatewayProxyEventV2WithIAMAuthorizer;

const STATUSES: readonly CaseStatus[] = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'MERGED'];
const ACTIONS: Record<string, string> = {
  acknowledge: 'acknowledge',
  unacknowledge: 'unacknowledge',
  start: 'start',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
  assign: 'assign',
  notes: 'note',
  merge: 'merge',
  resend: 'resend',
};

function isoParam(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (Number.isNaN(Date.parse(v))) throw new CaseError('invalid_request', `${name} must be an ISO 8601 time`);
  return new Date(v).toISOString();
}

/** IAM authorization on the HTTP API: the caller is the signed principal. */
function actorOf(event: Event): Actor | undefined {
  const iam = event.requestContext.authorizer?.iam;
  const id = iam?.userArn ?? (iam?.accountId && iam?.userId ? `${iam.accountId}:${iam.userId}` : undefined);
  return id ? { type: 'user', id, via: 'api' } : undefined;
}

const RESPONSE_PATH = /^\/cases\/[^/]+\/actions(?:\/|$)/;

function textBody(event: Event): string | undefined {
  if (event.body === undefined) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function bodyOf(event: Event): Record<string, unknown> {
  const text = textBody(event);
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CaseError('invalid_request', 'body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CaseError('invalid_request', 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * The case API: list and read cases, and every lifecycle action, each
 * attributed to the IAM caller and applied through the same code as provider
 * commands and ack links. Errors are JSON `{"error":{"code","message"}}`.
 */
export function createCaseApiHandler(deps: CaseApiDeps) {
  const now = () => deps.now?.() ?? new Date();

  async function list(event: Event): Promise<Result> {
    const q = event.queryStringParameters ?? {};
    if (q.status && !STATUSES.includes(q.status as CaseStatus)) throw new CaseError('invalid_request', `status must be one of ${STATUSES.join(', ')}`);
    if (q.severity && !isSeverity(q.severity)) throw new CaseError('invalid_request', 'severity must be informational, low, medium, high or critical');
    const limit = q.limit === undefined ? 25 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CaseError('invalid_request', 'limit must be an integer from 1 to 100');
    let page;
    try {
      page = await deps.store.listCases({
        tenantId: deps.tenantId,
        status: q.status as CaseStatus | undefined,
        severity: q.severity as never,
        from: isoParam(q.from, 'from'),
        to: isoParam(q.to, 'to'),
        limit,
        nextToken: q.nextToken,
      });
    } catch (e) {
      if ((e as Error).message.startsWith('nextToken')) throw new CaseError('invalid_request', (e as Error).message);
      throw e;
    }
    return json(200, page);
  }

  async function get(caseId: string): Promise<Result> {
    const detail = await deps.store.getCaseDetail(caseId);
    if (!detail || detail.case.tenantId !== deps.tenantId) throw new CaseError('not_found', `case ${caseId} not found`);
    return json(200, { ...detail, times: caseTimes(detail.case), summary: caseSummary(detail, deps.runbooks) });
  }

  async function metrics(event: Event): Promise<Result> {
    const q = event.queryStringParameters ?? {};
    const cases = [];
    let nextToken: string | undefined;
    do {
      const page = await deps.store.listCases({ tenantId: deps.tenantId, from: isoParam(q.from, 'from'), to: isoParam(q.to, 'to'), limit: 100, nextToken });
      cases.push(...page.cases);
      nextToken = page.nextToken;
    } while (nextToken && cases.length < 10_000);
    return json(200, responseMetrics(cases));
  }

  async function act(event: Event, caseId: string, verb: string, actor: Actor): Promise<Result> {
    const action = parseAction(ACTIONS[verb], bodyOf(event));
    const existing = await deps.store.getCase(caseId);
    if (!existing || existing.tenantId !== deps.tenantId) throw new CaseError('not_found', `case ${caseId} not found`);
    const key = event.headers?.['idempotency-key'];
    if (key !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) throw new CaseError('invalid_request', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ . : -');
    // Keyed on the caller too, so one caller's key can never replay another's command.
    const commandId = stableId('api', actor.id, key ?? event.requestContext.requestId);
    const result = await applyCaseAction(deps.store, { caseId, action, actor, commandId, now: now() }, deps.settings);
    if (!(await deps.publish(result.events))) {
      return error(503, 'publish_failed', 'the change is saved but its events could not be published; retry with the same Idempotency-Key');
    }
    return json(200, { case: result.case, events: result.events.map((e) => ({ type: e.detailType, eventId: e.detail.eventId })) }, result.replayed ? { 'idempotent-replay': 'true' } : {});
  }

  const pages = casePageRoutes({ ...deps, now });
  const responses = deps.responses && { service: deps.responses, publish: deps.publish, tenantId: deps.tenantId };

  return async (event: Event): Promise<Result> => {
    const method = event.requestContext.http.method;
    // The case page is authorised by its view token, not IAM (a phone browser cannot sign); it needs the raw path.
    const page = await pages(method, event.rawPath, event.queryStringParameters, textBody(event));
    if (page) return page;
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    const actor = actorOf(event);
    if (!actor) return error(403, 'forbidden', 'requests must be signed with IAM credentials');
    try {
      if (responses && RESPONSE_PATH.test(path)) {
        const res = await handleResponseRoute(responses, method, path, method === 'POST' ? bodyOf(event) : {}, actor, event.headers?.['idempotency-key']);
        if (res) return res;
      }
      if (method === 'GET' && path === '/cases') return await list(event);
      if (method === 'GET' && path === '/metrics') return await metrics(event);
      const one = /^\/cases\/([A-Za-z0-9-]{1,64})$/.exec(path);
      if (method === 'GET' && one) return await get(one[1]);
      const action = /^\/cases\/([A-Za-z0-9-]{1,64})\/([a-z]+)$/.exec(path);
      if (method === 'POST' && action && ACTIONS[action[2]]) return await act(event, action[1], action[2], actor);
      return error(404, 'not_found', `no route for ${method} ${path}`);
    } catch (e) {
      if (e instanceof CaseError) return caseErrorResult(e);
      // Unexpected: log it for operators (the caller gets no internals).
      logger.error('case API request failed', { method, path, ...errorFields(e) });
      return error(500, 'internal', 'internal error');
    }
  };
}
