import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { replaySamples } from '../../local/start';
import type { LocalRuntime } from '../../local/runtime';
import { startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PageForm {
  url: string;
  fields: Record<string, string>;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page's POST forms, with their hidden fields, as a browser would submit them. */
function formsOf(html: string, pageUrl: string): PageForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map((m) => ({
    url: new URL(unescape(m[1]), pageUrl).toString(),
    fields: Object.fromEntries([...m[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((f) => [unescape(f[1]), unescape(f[2])])),
  }));
}

/**
 * The case page end to end on the local runtime: the bundled samples open
 * cases, enrich adds the demo context, notifications link to the page; the
 * page's forms request, approve and refuse response actions that the
 * respond stage runs against moto's IAM.
 */
describe('case page on moto', () => {
  let runtime: LocalRuntime;
  const iam = new IAMClient({});
  const viewer = 'oncall-primary';

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${runtime.api.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const open = async (url: string): Promise<string> => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Submits a form as the browser does (no redirect following) and returns the flash it redirects to. */
  const submit = async (form: PageForm, extra: Record<string, string> = {}): Promise<{ ok: boolean; message: string }> => {
    const res = await fetch(form.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...extra }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location') as string, form.url);
    return { ok: back.searchParams.get('f') === 'ok', message: back.searchParams.get('m') ?? '' };
  };
  const caseOf = async (user: string, titlePrefix?: string): Promise<string> => {
    const list = await api('GET', '/cases?limit=100');
    const c = (list.body.cases as Json[]).find((x) => x.entities.users.includes(user) && (!titlePrefix || String(x.title).startsWith(titlePrefix)));
    if (!c) throw new Error(`no case for ${user}`);
    return c.caseId as string;
  };

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local' });
    runtime.startPolling();
    await replaySamples(runtime);
    await runtime.waitForDrain(90_000);
  });

  afterAll(() => runtime?.stop());

  it('links every notification to the case page with a view link that opens it', async () => {
    expect(runtime.sink.deliveries.length).toBeGreaterThan(0);
    for (const d of runtime.sink.deliveries) {
      const c = d.body.case as { id: string; url: string };
      expect(c.url.startsWith(`${runtime.api.url}/view/${c.id}?t=view1.`)).toBe(true);
    }
    const first = runtime.sink.deliveries[0].body.case as { id: string; url: string };
    expect(await open(first.url)).toContain(first.id);
  });

  it("shows the sample case's summary, enrichment and evidence", async () => {
    const caseId = await caseOf('mallory', 'CloudTrail Logging Stopped');
    const detail = await api('GET', `/cases/${caseId}`);
    // The JSON API carries them too.
    expect(detail.body.summary.what).toEqual(expect.any(String));
    expect(detail.body.enrichment.entities.some((e: Json) => e.alias === 'prod-main')).toBe(true);

    const html = await open(runtime.caseViewLink(caseId, viewer));
    expect(html).toContain('id="summary"');
    expect(html).toContain(detail.body.summary.what.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    expect(html).toContain('prod-main');
    expect(html).toContain('threat-intel:known-attacker');
    expect(html).toContain('203.0.113.77');
    // The raw CloudTrail record that fired the rule.
    expect(html).toContain('Raw event');
    expect(html).toContain('StopLogging');
    // Two alerts of mallory's: the evidence of both is there.
    expect(html).toContain('DeleteTrail');
  });

  describe('response actions from the page', () => {
    const userName = `mallory-${randomBytes(3).toString('hex')}`;
    let accessKeyId: string;
    let caseId: string;
    let link: string;

    beforeAll(async () => {
      // A real user and key in moto, caught stopping CloudTrail with that key.
      await iam.send(new CreateUserCommand({ UserName: userName }));
      accessKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey?.AccessKeyId as string;
      const samples = JSON.parse(readFileSync('samples/cloudtrail/eventbridge-events.json', 'utf8')) as Json[];
      const stop = samples.find((e) => e.detail.eventName === 'StopLogging') as Json;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const detail = {
        ...stop.detail,
        userIdentity: { ...stop.detail.userIdentity, arn: `arn:aws:iam::111122223333:user/${userName}`, userName, accessKeyId },
        eventTime: now,
        eventID: `0c7e2a51-6b1d-4f5e-9a3c-${randomBytes(6).toString('hex')}`,
      };
      await runtime.putEvents([{ Source: stop.source, DetailType: stop['detail-type'], Detail: JSON.stringify(detail), Time: new Date(now) }]);
      await runtime.waitForDrain(60_000);
      caseId = await caseOf(userName);
      link = runtime.caseViewLink(caseId, viewer);
    });

    it('deactivates the key from the page, through the respond stage, and records who asked and what happened', async () => {
      const form = formsOf(await open(link), link).find((f) => f.fields.action === 'deactivate_access_key' && f.fields['target.accessKeyId'] === accessKeyId);
      expect(form?.fields['target.userName']).toBe(userName);
      const flash = await submit(form as PageForm);
      expect(flash).toEqual({ ok: true, message: 'Requested: it runs now.' });
      await runtime.waitForDrain(60_000);

      const keys = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
      expect(keys.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId)?.Status).toBe('Inactive');

      const detail = await api('GET', `/cases/${caseId}`);
      const timeline = detail.body.timeline as Json[];
      const requested = timeline.find((t) => t.action === 'response_requested' && t.details.action === 'deactivate_access_key');
      expect(requested?.actor).toEqual({ type: 'user', id: viewer, via: 'case-page' });
      const succeeded = timeline.find((t) => t.action === 'response_succeeded' && t.details.requestId === requested?.details.requestId);
      expect(succeeded?.details.result).toBeDefined();
      expect(succeeded?.actor.id).toBe('mdr-respond');

      // The page lists the request with its result and offers the undo.
      const html = await open(link);
      expect(html).toContain(accessKeyId);
      expect(formsOf(html, link).some((f) => f.url.endsWith(`/actions/${requested?.details.requestId}/undo`))).toBe(true);
    });

    it('refuses a disabled action: the page does not offer it, and a request for it is refused and recorded', async () => {
      // quarantine_instance is disabled in the local response configuration.
      const target = { instanceId: 'i-0123456789abcdef0' };
      const forms = formsOf(await open(link), link);
      expect(forms.some((f) => f.fields.action === 'quarantine_instance')).toBe(false);
      // A hand-made page form gets an error and changes nothing.
      const any = forms.find((f) => f.fields.action === 'deactivate_access_key') ?? forms[0];
      const before = (await api('GET', `/cases/${caseId}`)).body.case.version;
      const made = await submit({ url: any.url.replace(/\/[^/]+$/, '/actions'), fields: { t: any.fields.t, k: any.fields.k } }, { action: 'quarantine_instance', 'target.instanceId': target.instanceId });
      expect(made.ok).toBe(false);
      expect((await api('GET', `/cases/${caseId}`)).body.case.version).toBe(before);

      // Through the API the gate refuses it and records the refusal.
      const res = await api('POST', `/cases/${caseId}/actions`, { action: 'quarantine_instance', target });
      expect(res.status).toBe(403);
      expect(res.body.request).toMatchObject({ status: 'REFUSED', reason: expect.stringMatching(/quarantine_instance is not enabled/) });
      await runtime.waitForDrain(60_000);
      const timeline = (await api('GET', `/cases/${caseId}`)).body.timeline as Json[];
      expect(timeline.some((t) => t.action === 'response_refused' && t.details.action === 'quarantine_instance')).toBe(true);
      expect(await open(link)).toContain('quarantine_instance is not enabled');
    });

    it("holds the provider's deny-all request for the customer's approval on the page, then runs it", async () => {
      await runtime.putEventsOn(runtime.resources.busName, [
        { Source: 'mdr.provider', DetailType: 'RequestResponseAction', Detail: JSON.stringify({ caseId, action: 'deny_all_policy', target: { userName }, analyst: 'soc-analyst-7' }) },
      ]);
      await runtime.waitForDrain(60_000);
      const actions = (await api('GET', `/cases/${caseId}/actions`)).body.actions as Json[];
      const request = actions.find((a) => a.action === 'deny_all_policy');
      expect(request).toMatchObject({ status: 'PENDING_APPROVAL', requesterRole: 'provider', target: { userName } });
      expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies).toEqual([]);

      const approve = formsOf(await open(link), link).find((f) => f.url.endsWith(`/actions/${request?.requestId}/approve`));
      expect(approve).toBeDefined();
      expect(await submit(approve as PageForm)).toEqual({ ok: true, message: 'Approved: it runs now.' });
      await runtime.waitForDrain(60_000);

      const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies ?? [];
      expect(attached.map((p) => p.PolicyName)).toEqual([`${runtime.resources.prefix}-deny-all`]);
      const after = (await api('GET', `/cases/${caseId}/actions`)).body.actions as Json[];
      expect(after.find((a) => a.requestId === request?.requestId)).toMatchObject({
        status: 'SUCCEEDED',
        requestedBy: { type: 'provider', id: expect.stringContaining('soc-analyst-7') },
        approvedBy: { type: 'user', id: viewer, via: 'case-page' },
      });
    });
  });
});
