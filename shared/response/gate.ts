import { isIP } from 'node:net';
import type { Actor } from '../contracts/case-event';
import type { RequesterRole, ResponseActionType, ResponseRequest, ResponseTarget } from '../contracts/investigation';
import type { ResponseConfig } from '../config/response-config';
import { checkTarget } from './targets';

export interface GateInput {
  action: ResponseActionType;
  target: unknown;
  requesterRole: RequesterRole;
}

/** What the customer's configuration says about a request. */
export type GateDecision =
  | { decision: 'refused'; reason: string; target: ResponseTarget }
  | { decision: 'pending_approval'; target: ResponseTarget }
  | { decision: 'approved'; target: ResponseTarget };

/** A target kept for the record even when it is malformed: strings only, bounded. */
function recordable(target: unknown): ResponseTarget {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return {};
  return Object.fromEntries(
    Object.entries(target as Record<string, unknown>)
      .slice(0, 8)
      .map(([k, v]) => [k.slice(0, 64), (typeof v === 'string' ? v : JSON.stringify(v) ?? '').slice(0, 256)]),
  );
}

/**
 * Decides a new request: refused (disabled action, requester not allowed,
 * malformed target, nowhere to put it), waiting for a customer approval, or
 * approved to run. Pure, so the decision recorded is the one tested.
 */
export function decideRequest(config: ResponseConfig, input: GateInput): GateDecision {
  const policy = config.actions[input.action];
  const refuse = (reason: string): GateDecision => ({ decision: 'refused', reason, target: recordable(input.target) });
  if (!policy?.enabled) return refuse(`${input.action} is not enabled in this deployment's response configuration`);
  if (!policy.requesters.includes(input.requesterRole)) {
    return refuse(`${input.action} may be requested by ${policy.requesters.join(' or ')} only, not by the ${input.requesterRole}`);
  }
  const checked = checkTarget(input.action, input.target);
  if (!checked.ok) return refuse(checked.reason);
  if (input.action === 'block_ip') {
    const v6 = isIP(checked.target.ip) === 6;
    if (v6 && !policy.ipv6IpSetArn) return refuse('no IPv6 IP set is configured (response.actions.block_ip.ipv6IpSetArn)');
    if (!v6 && !policy.ipSetArn) return refuse('no IPv4 IP set is configured (response.actions.block_ip.ipSetArn)');
  }
  return policy.approval === 'none' ? { decision: 'approved', target: checked.target } : { decision: 'pending_approval', target: checked.target };
}

/** Who acts on a pending request: the person and the side they are on. */
export interface Decider {
  actor: Actor;
  role: RequesterRole;
}

/**
 * Whether this person may approve (or reject) the request: only the
 * customer decides, and never on their own request (four eyes).
 * Undefined when allowed, else the reason.
 */
export function approvalProblem(config: ResponseConfig, request: ResponseRequest, by: Decider, verb: 'approve' | 'reject'): string | undefined {
  if (by.role !== 'customer') return `only the customer may ${verb} response actions; the ${by.role} may not`;
  if (verb === 'approve') {
    const policy = config.actions[request.action];
    if (!policy?.enabled) return `${request.action} is no longer enabled in this deployment's response configuration`;
    if (by.actor.id === request.requestedBy.id && policy.approval !== 'none') return 'the requester may not approve their own request';
  }
  return undefined;
}
