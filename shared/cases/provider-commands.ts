import { ProviderCommandTypes } from '../catalogue';
import type { Actor } from '../contracts/case-event';
import type { BusEnvelope } from '../contracts/guards';
import { stableId } from '../hash';
import { CaseError, parseAction, type CaseAction } from './lifecycle';

/** A provider command, resolved into what the case service applies. */
export interface ProviderCommand {
  caseId: string;
  action: CaseAction;
  actor: Actor;
  commandId: string;
}

const ACTION_OF: Record<string, string> = {
  [ProviderCommandTypes.acknowledge]: 'acknowledge',
  [ProviderCommandTypes.resolve]: 'resolve',
  [ProviderCommandTypes.note]: 'note',
  [ProviderCommandTypes.assign]: 'assign',
};

/**
 * Reads a provider command from its EventBridge envelope. Who sent it is the
 * envelope's `account` (set by EventBridge, not by the sender), checked
 * against the one provider account this stack trusts; nothing in `detail`
 * can claim another tenant or identity beyond the analyst name it reports.
 */
export function parseProviderCommand(envelope: BusEnvelope<Record<string, unknown>>, providerAccountId: string): ProviderCommand {
  if (envelope.account !== providerAccountId) {
    throw new CaseError('forbidden', `command from account ${String(envelope.account)} refused: only the provider account may send commands`);
  }
  const verb = ACTION_OF[envelope['detail-type']];
  if (!verb) throw new CaseError('invalid_request', `unknown command ${envelope['detail-type']}`);
  const caseId = envelope.detail.caseId;
  if (typeof caseId !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(caseId)) throw new CaseError('invalid_request', 'detail.caseId is required');
  const analyst = typeof envelope.detail.analyst === 'string' && envelope.detail.analyst ? envelope.detail.analyst.slice(0, 128) : 'provider';
  return {
    caseId,
    action: parseAction(verb, envelope.detail),
    actor: { type: 'provider', id: `${envelope.account}:${analyst}`, via: 'provider-bus' },
    // The EventBridge event id: a redelivered command applies once.
    commandId: stableId('provider', envelope.account ?? '', envelope.id),
  };
}
