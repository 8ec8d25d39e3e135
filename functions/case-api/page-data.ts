import type { CaseDetail } from '../../shared/cases/store';
import type { AlertSummary } from '../../shared/cases/store';
import { caseTimes } from '../../shared/cases/metrics';
import type { ResponseConfig } from '../../shared/config/response-config';
import type { EntityContext, Observable, ResponseActionType, ResponseRequest, ResponseTarget } from '../../shared/contracts/investigation';
import { caseObservables } from '../../shared/investigation/case-enrichment';
import { inRange, parseCidr, parseIp } from '../../shared/investigation/ip';
import { summarizeCase } from '../../shared/investigation/summary';
import { decideRequest } from '../../shared/response/gate';
import type { CasePageActionOption, CasePageViewer } from './page-model';
import type { CasePageData } from './page-routes';

export interface PageDataDeps {
  store: { getCaseDetail(caseId: string): Promise<CaseDetail | undefined> };
  /** The case's response requests; absent where response actions are not wired (no options then either). */
  responses?: { list(caseId: string): Promise<ResponseRequest[]> };
  responseConfig?: ResponseConfig;
  tenantId: string;
  /** The customer's runbook steps by rule id or tag. */
  runbooks?: Readonly<Record<string, readonly string[]>>;
}

type Entry = { type: string; value: string };
const key = (o: Entry) => `${o.type}\u0000${o.value}`;

/**
 * Every observable of the case with what the enrichment says about it, so
 * the page lists each entity whether or not the context data knew it;
 * enrichment entries for observables no longer on an alert are kept too.
 */
export function pageEntities(detail: Pick<CaseDetail, 'alerts' | 'case' | 'enrichment'>): EntityContext[] {
  let observables: Observable[] = caseObservables(detail);
  if (!observables.length) {
    // Alerts from before observables were kept: the case's correlation entities.
    const e = detail.case.entities;
    observables = [
      ...e.users.map((value) => ({ type: 'user' as const, value })),
      ...e.accounts.map((value) => ({ type: 'account' as const, value })),
      ...e.ips.map((value) => ({ type: 'ip' as const, value })),
      ...e.hosts.map((value) => ({ type: 'host' as const, value })),
    ];
  }
  const enriched = new Map((detail.enrichment?.entities ?? []).map((x) => [key(x), x]));
  const out: EntityContext[] = [];
  const seen = new Set<string>();
  for (const o of observables) {
    const k = key(o);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(enriched.get(k) ?? { type: o.type, value: o.value, labels: [] });
  }
  for (const [k, x] of enriched) if (!seen.has(k)) out.push(x);
  return out;
}

// Addresses no WAF in front of a public endpoint ever sees: blocking them protects nothing.
const PRIVATE = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '::/127', 'fc00::/7', 'fe80::/10'].map(parseCidr);

function isPrivateIp(ip: string): boolean {
  const a = parseIp(ip);
  return !a || PRIVATE.some((r) => inRange(a, r));
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * Access key → IAM user as the alert's CloudTrail evidence states it: the
 * caller's own key (`userIdentity` of an IAM user), a key named in the
 * request (`UpdateAccessKey`, `DeleteAccessKey`) or created (`CreateAccessKey`).
 */
function keyOwners(alert: AlertSummary): Map<string, string> {
  const owners = new Map<string, string>();
  const pair = (k: unknown, u: unknown) => {
    if (str(k) && str(u) && !owners.has(k as string)) owners.set(k as string, u as string);
  };
  for (const ev of alert.evidence ?? []) {
    const raw = obj(ev.raw);
    // The CloudTrail record, or the EventBridge envelope around it.
    const record = raw && typeof raw['detail-type'] === 'string' ? obj(raw.detail) : raw;
    if (!record) continue;
    const who = obj(record.userIdentity);
    if (who?.type === 'IAMUser') pair(who.accessKeyId, who.userName);
    const req = obj(record.requestParameters);
    if (req) pair(req.accessKeyId, req.userName);
    const created = obj(obj(record.responseElements)?.accessKey);
    if (created) pair(created.accessKeyId, created.userName);
  }
  return owners;
}

/** What each observable could be contained with, before the customer's policy is asked. */
function candidates(alert: AlertSummary): { action: ResponseActionType; target: ResponseTarget }[] {
  const obs = alert.observables ?? [];
  const of = (type: Observable['type']) => obs.filter((o) => o.type === type).map((o) => o.value);
  const users = of('user');
  const owners = keyOwners(alert);
  const out: { action: ResponseActionType; target: ResponseTarget }[] = [];
  for (const accessKeyId of of('access_key')) {
    // Without the evidence saying whose key it is, only an alert about a single user names the owner.
    const userName = owners.get(accessKeyId) ?? (users.length === 1 ? users[0] : undefined);
    if (userName) out.push({ action: 'deactivate_access_key', target: { accessKeyId, userName } });
  }
  for (const userName of users) out.push({ action: 'deny_all_policy', target: { userName } });
  for (const roleName of of('role')) {
    out.push({ action: 'deny_all_policy', target: { roleName } });
    out.push({ action: 'revoke_role_sessions', target: { roleName } });
  }
  for (const instanceId of of('instance')) out.push({ action: 'quarantine_instance', target: { instanceId } });
  for (const ip of of('ip')) if (!isPrivateIp(ip)) out.push({ action: 'block_ip', target: { ip } });
  return out;
}

function label(action: ResponseActionType, t: ResponseTarget): string {
  switch (action) {
    case 'deactivate_access_key':
      return `Deactivate access key ${t.accessKeyId} of ${t.userName}`;
    case 'deny_all_policy':
      return t.roleName ? `Deny everything to role ${t.roleName}` : `Deny everything to user ${t.userName}`;
    case 'revoke_role_sessions':
      return `Revoke active sessions of role ${t.roleName}`;
    case 'quarantine_instance':
      return `Quarantine instance ${t.instanceId}`;
    case 'block_ip':
      return `Block IP ${t.ip}`;
  }
}

const LIVE = ['PENDING_APPROVAL', 'APPROVED', 'RUNNING'];
const optionKey = (action: string, t: ResponseTarget) => `${action}\u0000${JSON.stringify(Object.entries(t).sort(([a], [b]) => a.localeCompare(b)))}`;

/**
 * The response actions this viewer may ask for on this case: each
 * observable's actions that the customer's configuration enables for the
 * viewer's side, on a target the gate accepts. One already waiting or
 * running is not offered again.
 */
export function actionOptions(alerts: readonly AlertSummary[], config: ResponseConfig | undefined, viewer: CasePageViewer, requests: readonly ResponseRequest[] = []): CasePageActionOption[] {
  if (!config) return [];
  const taken = new Set(requests.filter((r) => LIVE.includes(r.status) && !r.undoOf).map((r) => optionKey(r.action, r.target)));
  const out: CasePageActionOption[] = [];
  const seen = new Set<string>();
  for (const a of alerts) {
    for (const c of candidates(a)) {
      const gate = decideRequest(config, { action: c.action, target: c.target, requesterRole: viewer.role });
      if (gate.decision === 'refused') continue;
      const k = optionKey(c.action, gate.target);
      if (seen.has(k) || taken.has(k)) continue;
      seen.add(k);
      out.push({ action: c.action, target: gate.target, label: label(c.action, gate.target), needsApproval: gate.decision === 'pending_approval' });
    }
  }
  return out;
}

/**
 * The case page's data for one viewer, from the stores: the case with its
 * alerts and their evidence, timeline, entities with their enrichment, the
 * written summary, the response requests and the actions on offer.
 * Undefined when the case is not this tenant's.
 */
export async function loadCasePageData(deps: PageDataDeps, caseId: string, viewer: CasePageViewer): Promise<CasePageData | undefined> {
  const [detail, requests] = await Promise.all([deps.store.getCaseDetail(caseId), deps.responses?.list(caseId) ?? Promise.resolve([])]);
  if (!detail || detail.case.tenantId !== deps.tenantId) return undefined;
  return {
    case: detail.case,
    times: caseTimes(detail.case),
    summary: caseSummary(detail, deps.runbooks),
    entities: pageEntities(detail),
    alerts: detail.alerts.map((a) => ({ ...a, evidence: a.evidence ?? [] })),
    timeline: detail.timeline,
    actions: { options: actionOptions(detail.alerts, deps.responses && deps.responseConfig, viewer, requests), requests },
    viewer,
  };
}

/** The case told for a person (also returned by `GET /cases/{id}`). */
export function caseSummary(detail: CaseDetail, runbooks: Readonly<Record<string, readonly string[]>> = {}) {
  return summarizeCase({
    case: detail.case,
    alerts: detail.alerts.map((a) => ({
      ruleId: a.ruleId,
      ...(a.ruleTitle ? { ruleTitle: a.ruleTitle } : {}),
      ...(a.description ? { description: a.description } : {}),
      ...(a.falsepositives ? { falsepositives: a.falsepositives } : {}),
      tags: a.tags ?? [],
      eventTime: a.eventTime,
      ...(a.observables ? { observables: a.observables } : {}),
    })),
    ...(detail.enrichment ? { enrichment: detail.enrichment.entities } : {}),
    runbooks: runbooks as Record<string, string[]>,
  });
}
