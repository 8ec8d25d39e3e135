import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { CaseError } from '../../shared/cases/lifecycle';
import type { Actor, CaseEvent } from '../../shared/contracts/case-event';
import { RESPONSE_ACTION_TYPES, type ResponseActionType, type ResponseRequest } from '../../shared/contracts/investigation';
import type { ResponseOutcome, ResponseService } from '../../shared/response/response-service';
import { caseErrorResult, error, json } from './http';

export interface ResponseRoutesDeps {
  service: ResponseService;
  /** Publishes case events; resolves to false when some could not be published. */
  publish: (events: CaseEvent[]) => Promise<boolean>;
  tenantId: string;
}

type Result = APIGatewayProxyStructuredResultV2;

const CASE = '([A-Za-z0-9-]{1,64})';
const LIST = new RegExp(`^/cases/${CASE}/actions$`);
const ONE = new RegExp(`^/cases/${CASE}/actions/(resp-[0-9a-f]{20})/(approve|reject|undo)$`);
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** 202 while it waits or runs, 403 when the gate refused it (recorded all the same), 200 otherwise. */
function statusFor(r: ResponseRequest, refused?: string): number {
  if (refused || r.status === 'REFUSED') return 403;
  if (r.status === 'PENDING_APPROVAL' || r.status === 'APPROVED' || r.status === 'RUNNING') return 202;
  return 200;
}

async function respond(deps: ResponseRoutesDeps, o: ResponseOutcome): Promise<Result> {
  if (!(await deps.publish(o.events))) {
    return error(503, 'publish_failed', 'the change is saved but its events could not be published; retry with the same Idempotency-Key');
  }
  return json(
    statusFor(o.request, o.refused),
    { request: o.request, ...(o.refused ? { refused: o.refused } : {}), events: o.events.map((e) => ({ type: e.detailType, eventId: e.detail.eventId })) },
    o.replayed ? { 'idempotent-replay': 'true' } : {},
  );
}

/**
 * Response actions on the case API. The IAM caller is a customer person:
 * `POST /cases/{id}/actions` (body `{action, target, dryRun?}`),
 * `POST /cases/{id}/actions/{requestId}/approve|reject|undo`, and
 * `GET /cases/{id}/actions`. Undefined when the route is not one of these.
 * `idempotencyKey` is the caller's Idempotency-Key header, if sent.
 */
export async function handleResponseRoute(
  deps: ResponseRoutesDeps,
  method: string,
  path: string,
  body: Record<string, unknown>,
  actor: Actor,
  idempotencyKey?: string,
): Promise<Result | undefined> {
  const list = LIST.exec(path);
  const one = ONE.exec(path);
  if (!((list && (method === 'GET' || method === 'POST')) || (one && method === 'POST'))) return undefined;
  try {
    if (idempotencyKey !== undefined && !KEY.test(idempotencyKey)) throw new CaseError('invalid_request', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ . : -');
    const caseId = (list ?? one)?.[1] as string;
    const c = await deps.service.caseOf(caseId);
    if (!c || c.tenantId !== deps.tenantId) throw new CaseError('not_found', `case ${caseId} not found`);
    if (list && method === 'GET') return json(200, { actions: await deps.service.list(caseId) });
    // Keyed on the caller too, so one caller's key can never replay another's request.
    const key = `api:${actor.id}:${idempotencyKey ?? randomUUID()}`;
    if (list) {
      if (typeof body.action !== 'string' || !RESPONSE_ACTION_TYPES.includes(body.action as ResponseActionType)) {
        throw new CaseError('invalid_request', `action must be one of ${RESPONSE_ACTION_TYPES.join(', ')}`);
      }
      if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') throw new CaseError('invalid_request', 'dryRun must be true or false');
      return await respond(
        deps,
        await deps.service.requestAction({ caseId, action: body.action as ResponseActionType, target: body.target, dryRun: body.dryRun === true, actor, requesterRole: 'customer', idempotencyKey: key }),
      );
    }
    const [, , requestId, verb] = one as RegExpExecArray;
    const decision = { caseId, requestId, actor, role: 'customer' as const, idempotencyKey: key };
    if (verb === 'approve') return await respond(deps, await deps.service.approve(decision));
    if (verb === 'reject') {
      if (body.reason !== undefined && typeof body.reason !== 'string') throw new CaseError('invalid_request', 'reason must be a string');
      return await respond(deps, await deps.service.reject({ ...decision, ...(body.reason ? { reason: body.reason as string } : {}) }));
    }
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') throw new CaseError('invalid_request', 'dryRun must be true or false');
    return await respond(deps, await deps.service.requestUndo({ ...decision, dryRun: body.dryRun === true }));
  } catch (e) {
    if (e instanceof CaseError) return caseErrorResult(e);
    throw e;
  }
}
