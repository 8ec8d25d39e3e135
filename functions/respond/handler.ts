import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { errorFields, logger } from '../observability';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { CaseError } from '../../shared/cases/lifecycle';
import { DetailTypes } from '../../shared/catalogue';
import { runEnvelopeBatch, Unprocessable } from '../envelope-batch';
import type { CaseEventDetail } from '../../shared/contracts/case-event';
import { caseEventProblem, envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';
import { REQUEST_ID, type ResponseService } from '../../shared/response/response-service';

export interface RespondDeps {
  service: ResponseService;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
  tenantId: string;
}

/** The case events that mean "this request may run now". */
export const RESPOND_DETAIL_TYPES: readonly string[] = [DetailTypes.responseActionApproved, DetailTypes.responseActionRequested];

function problemOf(v: unknown): string | undefined {
  const p = envelopeProblem(v) ?? caseEventProblem((v as BusEnvelope<unknown>).detail);
  if (p) return p;
  const e = v as BusEnvelope<CaseEventDetail>;
  if (!RESPOND_DETAIL_TYPES.includes(e['detail-type'])) return `respond does not take ${e['detail-type']} events`;
  const a = e.detail.responseAction;
  if (!a || typeof a.requestId !== 'string' || !REQUEST_ID.test(a.requestId)) return 'case event has no responseAction.requestId';
  return undefined;
}

/**
 * respond: approved response requests (ResponseActionApproved, or
 * ResponseActionRequested already APPROVED because no approval is needed)
 * → executed through the response service → ResponseActionCompleted on the
 * bus. A request another execution holds is retried later (its lease
 * lapses before the message is visible again).
 */
export function createRespondHandler(deps: RespondDeps) {
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    runEnvelopeBatch<CaseEventDetail>(event, deps, {
      stage: 'respond',
      problem: problemOf,
      handle: async ({ detail }) => {
        const action = detail.responseAction as NonNullable<CaseEventDetail['responseAction']>;
        if (detail.tenantId !== deps.tenantId) throw new Unprocessable(`case event of tenant ${detail.tenantId}, not ${deps.tenantId}`);
        // A Requested event waiting for approval, refused, or a later status: nothing to run from this event.
        if (action.status !== 'APPROVED') return [];
        try {
          const outcome = await deps.service.execute(detail.caseId, action.requestId);
          return outcome.state === 'busy' ? 'retry' : outcome.events;
        } catch (e) {
          if (e instanceof CaseError && e.code === 'not_found') throw new Unprocessable(`${e.code}: ${e.message}`);
          logger.error('response action failed; will retry', { caseId: detail.caseId, requestId: action.requestId, ...errorFields(e) });
          throw e;
        }
      },
    });
}
