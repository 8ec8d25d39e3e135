import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { applyCaseAction } from '../../shared/cases/case-commands';
import { CaseError, type LifecycleSettings } from '../../shared/cases/lifecycle';
import { parseProviderCommand } from '../../shared/cases/provider-commands';
import type { CaseStore } from '../../shared/cases/store';
import { EventSources, ProviderCommandTypes } from '../../shared/catalogue';
import type { CaseEvent } from '../../shared/contracts/case-event';
import { parseProviderResponseRequest } from '../../shared/response/provider-request';
import type { ResponseService } from '../../shared/response/response-service';
import { envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';

export interface CommandsDeps {
  store: CaseStore;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
  tenantId: string;
  providerAccountId: string;
  settings: LifecycleSettings;
  /** Provider requests for response actions go through the customer's gate here (never executed here). */
  responses: ResponseService;
  now?: () => Date;
}

/** A provider command's case events: a case action, or a response-action request. */
async function apply(deps: CommandsDeps, envelope: BusEnvelope<Record<string, unknown>>): Promise<CaseEvent[]> {
  if (envelope['detail-type'] === ProviderCommandTypes.requestAction) {
    const request = parseProviderResponseRequest(envelope, deps.providerAccountId);
    const current = await deps.store.getCase(request.caseId);
    if (!current || current.tenantId !== deps.tenantId) throw new CaseError('not_found', `case ${request.caseId} not found`);
    // A refusal by the customer's policy is recorded on the case (and as an event), not quarantined.
    return (await deps.responses.requestAction(request)).events;
  }
  const cmd = parseProviderCommand(envelope, deps.providerAccountId);
  const current = await deps.store.getCase(cmd.caseId);
  if (!current || current.tenantId !== deps.tenantId) throw new CaseError('not_found', `case ${cmd.caseId} not found`);
  return (await applyCaseAction(deps.store, { ...cmd, now: deps.now?.() ?? new Date() }, deps.settings)).events;
}

/**
 * commands: provider commands from the customer bus → the same case service
 * as the API, and response-action requests → the same gate as the API. A command the case refuses (unknown case, illegal transition,
 * wrong sender) is quarantined with its reason; retrying cannot change it.
 */
export function createCommandsHandler(deps: CommandsDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const out: BusEvent[] = [];
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? envelopeProblem(parsed.value) : parsed.reason;
      if (problem || !parsed.ok) {
        bad.push({ messageId: record.messageId, stage: 'commands', reason: problem ?? 'unreadable', body: record.body });
        continue;
      }
      try {
        const events = await apply(deps, parsed.value as BusEnvelope<Record<string, unknown>>);
        for (const e of events) out.push({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: record.messageId });
      } catch (e) {
        if (e instanceof CaseError && e.code !== 'conflict') {
          bad.push({ messageId: record.messageId, stage: 'commands', reason: `${e.code}: ${e.message}`, source: 'mdr.provider', body: record.body });
        } else {
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
