import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { applyCaseAction } from '../../shared/cases/case-commands';
import { CaseError, type LifecycleSettings } from '../../shared/cases/lifecycle';
import { parseProviderCommand } from '../../shared/cases/provider-commands';
import type { CaseStore } from '../../shared/cases/store';
import { EventSources, ProviderCommandTypes } from '../../shared/catalogue';
import type { CaseEvent } from '../../shared/contracts/case-event';
import { parseProviderResponseRequest } from '../../shared/response/provider-request';
import type { ResponseService } from '../../shared/response/response-service';
import { envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';
import { runEnvelopeBatch, Unprocessable } from '../envelope-batch';

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
 * as the API, and response-action requests → the same gate as the API. A
 * command the case refuses (unknown case, illegal transition, wrong sender)
 * is quarantined with its reason; retrying cannot change it.
 */
export function createCommandsHandler(deps: CommandsDeps) {
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    runEnvelopeBatch<Record<string, unknown>>(event, deps, {
      stage: 'commands',
      problem: envelopeProblem,
      handle: async (envelope) => {
        try {
          return await apply(deps, envelope);
        } catch (e) {
          if (e instanceof CaseError && e.code !== 'conflict') throw new Unprocessable(`${e.code}: ${e.message}`, EventSources.provider);
          throw e;
        }
      },
    });
}
