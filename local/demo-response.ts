import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { LocalRuntime } from './runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CUSTOMER = { 'content-type': 'application/json', 'x-mdr-local-user': 'arn:aws:iam::111122223333:user/oncall-dana' };

async function api(runtime: LocalRuntime, method: string, path: string, body?: unknown, headers: Record<string, string> = CUSTOMER): Promise<Json> {
  const res = await fetch(`${runtime.api.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await res.json()) as Json;
}

/**
 * Investigation and response on the sample case, as an on-call person and
 * the provider would do it: the case page (summary, enrichment, evidence),
 * an allowed action that runs, one the customer's policy refuses, and a
 * provider request held for the customer's approval. moto stands in for the
 * account: the sample's user gets a real (moto) key to act on.
 */
export async function demonstrateResponse(runtime: LocalRuntime, log: (line: string) => void = console.log): Promise<void> {
  const list = await api(runtime, 'GET', '/cases?limit=100');
  const trail = (list.cases as Json[]).find((c) => (c.entities?.users as string[] | undefined)?.includes('mallory'));
  if (!trail) return;
  const caseId = trail.caseId as string;
  const detail = await api(runtime, 'GET', `/cases/${caseId}`);
  const entities = (detail.enrichment?.entities ?? []) as Json[];
  log(`case ${caseId}: ${trail.title}`);
  if (detail.summary) log(`  summary: ${detail.summary.headline}`);
  for (const e of entities) log(`  context: ${e.type} ${e.value} — ${(e.labels as string[]).join(', ')}`);
  const evidence = (detail.alerts as Json[]).flatMap((a) => (a.evidence ?? []) as Json[]);
  log(`  evidence: ${evidence.length} event(s) kept with the alerts`);
  const link = (runtime as unknown as { caseViewLink?: (id: string, viewer: string) => string }).caseViewLink?.(caseId, 'on-call');
  if (link) log(`  case page: ${link}`);

  const iam = new IAMClient({});
  await iam.send(new CreateUserCommand({ UserName: 'mallory' })).catch(() => undefined);
  const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'mallory' }));
  const accessKeyId = keys.AccessKeyMetadata?.[0]?.AccessKeyId ?? (await iam.send(new CreateAccessKeyCommand({ UserName: 'mallory' }))).AccessKey?.AccessKeyId;

  const allowed = await api(runtime, 'POST', `/cases/${caseId}/actions`, { action: 'deactivate_access_key', target: { accessKeyId, userName: 'mallory' } });
  const refused = await api(runtime, 'POST', `/cases/${caseId}/actions`, { action: 'quarantine_instance', target: { instanceId: 'i-0123456789abcdef0' } });
  await runtime.putEventsOn(runtime.resources.busName, [
    { Source: 'mdr.provider', DetailType: 'RequestResponseAction', Detail: JSON.stringify({ caseId, action: 'deny_all_policy', target: { userName: 'mallory' }, analyst: 'soc-analyst-7' }) },
  ]);
  await runtime.waitForDrain(60_000);
  const pending = ((await api(runtime, 'GET', `/cases/${caseId}/actions`)).actions as Json[]).find((r) => r.action === 'deny_all_policy');
  log(`  deactivate_access_key ${accessKeyId} (customer, no approval needed): ${allowed.request?.status}`);
  log(`  quarantine_instance (disabled by the customer's policy): ${refused.request?.status} — ${refused.refused ?? refused.request?.reason ?? ''}`);
  log(`  deny_all_policy on mallory (provider request): ${pending?.status}`);
  if (pending?.status === 'PENDING_APPROVAL') {
    await api(runtime, 'POST', `/cases/${caseId}/actions/${pending.requestId}/approve`, {});
    await runtime.waitForDrain(60_000);
  }
  const after = (await api(runtime, 'GET', `/cases/${caseId}/actions`)).actions as Json[];
  for (const r of after) log(`  → ${r.action} ${r.status}${r.approvedBy ? ` (approved by ${r.approvedBy.id})` : ''}${r.undo ? ` — undo: ${r.undo.description}` : ''}`);
}
