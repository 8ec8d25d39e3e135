import { CaseError } from '../cases/lifecycle';
import { ProviderCommandTypes } from '../catalogue';
import type { BusEnvelope } from '../contracts/guards';
import { RESPONSE_ACTION_TYPES, type ResponseActionType } from '../contracts/investigation';
import { stableId } from '../hash';
import type { NewRequest } from './response-service';

/**
 * Reads a `RequestResponseAction` provider command into a request of the
 * provider. As for case commands, the sender is the envelope's `account`
 * (set by EventBridge) and must be the one provider account; the request's
 * idempotency key is the event id, so a redelivered command is one request.
 * The target is checked by the gate, which records a refusal with its reason.
 */
export function parseProviderResponseRequest(envelope: BusEnvelope<Record<string, unknown>>, providerAccountId: string): NewRequest {
  if (envelope.account !== providerAccountId) {
    throw new CaseError('forbidden', `command from account ${String(envelope.account)} refused: only the provider account may send commands`);
  }
  if (envelope['detail-type'] !== ProviderCommandTypes.requestAction) throw new CaseError('invalid_request', `not a ${ProviderCommandTypes.requestAction} command: ${envelope['detail-type']}`);
  const d = envelope.detail;
  if (typeof d.caseId !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(d.caseId)) throw new CaseError('invalid_request', 'detail.caseId is required');
  if (typeof d.action !== 'string' || !RESPONSE_ACTION_TYPES.includes(d.action as ResponseActionType)) {
    throw new CaseError('invalid_request', `detail.action must be one of ${RESPONSE_ACTION_TYPES.join(', ')}`);
  }
  if (typeof d.target !== 'object' || d.target === null || Array.isArray(d.target)) throw new CaseError('invalid_request', 'detail.target must be an object');
  if (d.dryRun !== undefined && typeof d.dryRun !== 'boolean') throw new CaseError('invalid_request', 'detail.dryRun must be true or false');
  const analyst = typeof d.analyst === 'string' && d.analyst ? d.analyst.slice(0, 128) : 'provider';
  return {
    caseId: d.caseId,
    action: d.action as ResponseActionType,
    target: d.target,
    dryRun: d.dryRun === true,
    actor: { type: 'provider', id: `${envelope.account}:${analyst}`, via: 'provider-bus' },
    requesterRole: 'provider',
    idempotencyKey: stableId('provider', envelope.account ?? '', envelope.id),
  };
}
