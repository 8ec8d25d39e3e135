import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { errorFields, logger } from '../observability';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { CaseError } from '../../shared/cases/lifecycle';
import { DetailTypes, EventSources } from '../../shared/catalogue';
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
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const out: BusEvent[] = [];
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? problemOf(parsed.value) : parsed.reason;
      if (problem || !parsed.ok) {
        bad.push({ messageId: record.messageId, stage: 'respond', reason: problem ?? 'unreadable', body: record.body });
        continue;
      }
      const detail = (parsed.value as BusEnvelope<CaseEventDetail>).detail;
      const action = detail.responseAction as NonNullable<CaseEventDetail['responseAction']>;
      if (detail.tenantId !== deps.tenantId) {
        bad.push({ messageId: record.messageId, stage: 'respond', reason: `case event of tenant ${detail.tenantId}, not ${deps.tenantId}`, body: record.body });
        continue;
      }
      // A Requested event waiting for approval, refused, or a later status: nothing to run from this event.
      if (action.status !== 'APPROVED') continue;
      try {
        const outcome = await deps.service.execute(detail.caseId, action.requestId);
        if (outcome.state === 'busy') failed.add(record.messageId);
        for (const e of outcome.events) out.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: record.messageId });
      } catch (e) {
        if (e instanceof CaseError && e.code === 'not_found') {
          bad.push({ messageId: record.messageId, stage: 'respond', reason: `${e.code}: ${e.message}`, body: record.body });
        } else {
          logger.error('response action failed; will retry', { caseId: detail.caseId, requestId: action.requestId, ...errorFields(e) });
          failed.add(record.messageId);
        }
      }
    }
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, out),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    return batchResponse([...failed, ...publishFailed, ...quarantineFailed]);
  };
}
