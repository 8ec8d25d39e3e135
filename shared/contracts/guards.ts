import type { CaseEventDetail } from './case-event';
import type { Finding } from './finding';
import { isSeverity } from './severity';

/** The parts of an EventBridge event a stage reads from an SQS body. */
export interface BusEnvelope<T> {
  id: string;
  source: string;
  'detail-type': string;
  account?: string;
  time?: string;
  detail: T;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Why a value is not a bus envelope around T, or undefined when it is. */
export function envelopeProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not a JSON object';
  if (typeof v.source !== 'string' || typeof v['detail-type'] !== 'string') return 'not an EventBridge event (no source/detail-type)';
  if (!isObj(v.detail)) return 'EventBridge event has no detail object';
  return undefined;
}

/** Why a value is not a Finding, or undefined when it is one. */
export function findingProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'finding is not an object';
  if (typeof v.findingId !== 'string' || !v.findingId) return 'finding has no findingId';
  if (typeof v.tenantId !== 'string' || !v.tenantId) return 'finding has no tenantId';
  const rule = v.rule;
  if (!isObj(rule) || typeof rule.id !== 'string' || typeof rule.title !== 'string' || !isStrArr(rule.tags)) {
    return 'finding.rule needs id, title and tags';
  }
  if (!isSeverity(v.severity)) return `finding.severity "${String(v.severity)}" is not a severity`;
  if (typeof v.eventTime !== 'string' || Number.isNaN(Date.parse(v.eventTime))) return 'finding.eventTime is not a date';
  const e = v.entities;
  if (!isObj(e) || !['users', 'hosts', 'ips', 'accounts', 'resources'].every((k) => isStrArr(e[k]))) {
    return 'finding.entities needs users, hosts, ips, accounts and resources lists';
  }
  if (!Array.isArray(v.events)) return 'finding.events is not a list';
  return undefined;
}

export function asFinding(v: unknown): Finding {
  const p = findingProblem(v);
  if (p) throw new Error(p);
  return v as Finding;
}

export function caseEventProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'case event detail is not an object';
  for (const k of ['eventId', 'caseId', 'tenantId', 'status', 'title']) {
    if (typeof v[k] !== 'string') return `case event detail has no ${k}`;
  }
  if (typeof v.caseVersion !== 'number') return 'case event detail has no caseVersion';
  if (!isSeverity(v.severity)) return 'case event detail has no valid severity';
  return undefined;
}

export function asCaseEvent(v: unknown): CaseEventDetail {
  const p = caseEventProblem(v);
  if (p) throw new Error(p);
  return v as CaseEventDetail;
}
