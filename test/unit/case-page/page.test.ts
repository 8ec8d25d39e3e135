import { createHash } from 'node:crypto';
import { CASE_PAGE_HEADERS, duration, escapeHtml, renderCasePage, renderErrorPage } from '../../../functions/case-api/page';
import type { CasePageModel } from '../../../functions/case-api/page-model';
import { CASE_ID, fullModel, HOSTILE, NOW } from './fixtures';

const TOKEN = 'view1.eyJjIjoiY2FzZSJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function model(over: Partial<CasePageModel> = {}, caseOver: Parameters<typeof fullModel>[0] = {}): CasePageModel {
  return { ...fullModel(caseOver), token: TOKEN, ...over };
}

const render = (m: CasePageModel) => renderCasePage(m, { now: NOW, formKey: 'seed-abcdefgh' });

/** The section with this id, up to the next section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no section ${id}`);
  const end = html.indexOf('<section', start);
  return html.slice(start, end < 0 ? undefined : end);
}

/** Every form: its action and hidden fields. */
function forms(html: string): { action: string; hidden: Record<string, string>; button: string }[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map((m) => ({
    action: m[1],
    hidden: Object.fromEntries([...m[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((h) => [h[1], h[2]])),
    button: /<button[^>]*>([^<]*)<\/button>/.exec(m[2])?.[1] ?? '',
  }));
}

describe('case page rendering', () => {
  it('shows severity, status, headline and every section', () => {
    const html = render(model());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<header class="top sev-high">');
    expect(html).toContain('<span class="badge">high</span>');
    expect(html).toContain('<span class="pill st-NEW">New</span>');
    expect(html).toContain('<h1>alice signed in to the AWS console without MFA from a Tor exit node</h1>');
    for (const id of ['status', 'summary', 'actions', 'entities', 'evidence', 'timeline']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('Detected <time datetime="2026-11-20T10:02:11.000Z">2026-11-20 10:02:11 UTC</time> <span class="muted">(27 min ago)</span>');
  });

  it('tells the summary: what, who, where, when, why, techniques, false positives, next steps', () => {
    const s = section(render(model()), 'summary');
    expect(s).toContain('<dt>What</dt><dd>A successful console sign-in by IAM user alice with MFA not used.</dd>');
    expect(s).toContain('<dt>Who</dt><dd>alice (IAM user, owner: Platform team)</dd>');
    expect(s).toContain('account 111122223333 (prod-payments)<br>from 203.0.113.77 (NL)');
    expect(s).toContain('<dt>When</dt><dd>2026-11-20 10:02 UTC, twice within 8 minutes</dd>');
    expect(s).toContain('anonymising network');
    expect(s).toContain('<a href="https://attack.mitre.org/techniques/T1078/004/" rel="noreferrer noopener">T1078.004</a> Valid Accounts: Cloud Accounts');
    expect(s).toContain('<span class="chip">initial-access</span>');
    expect(s).toContain('<h3>Known false positives</h3><ul><li>Break-glass users');
    expect(s).toMatch(/<h3>Next steps<\/h3><ol><li>Confirm with alice whether she signed in<\/li><li>If not, deactivate/);
  });

  it('falls back to the case title and tags when there is no summary yet', () => {
    const html = render(model({ summary: undefined }));
    expect(html).toContain('<h1>Console login without MFA by alice in 111122223333</h1>');
    expect(section(html, 'summary')).toContain('No written summary for this case yet.');
    expect(section(html, 'summary')).toContain('<span class="chip">attack.initial_access</span>');
  });

  it('lists entities with labels, owner, asset, alias, country and threat-intel hits', () => {
    const s = section(render(model()), 'entities');
    expect(s).toContain('<span class="value">alice</span>');
    expect(s).toContain('<span class="chip warn">vip</span>');
    expect(s).toContain('<dt>Owner</dt><dd>Platform team</dd>');
    expect(s).toContain('alice (IAM user) <code>iam-user-alice</code><br><span class="muted small">prod · criticality high</span>');
    expect(s).toContain('<span class="chip bad">threat-intel:tor-exit</span>');
    expect(s).toContain('<dt>Country</dt><dd>NL</dd>');
    expect(s).toContain('<span class="chip bad">tor-exit</span>tor-exit-nodes <span class="muted small">confidence 90</span><br><span class="small">Tor exit relay</span>');
    expect(s).toContain('<dt>Alias</dt><dd>prod-payments</dd>');
  });

  it('shows evidence per alert: raw and normalized events as collapsible pretty JSON, S3 evidence as its pointer', () => {
    const s = section(render(model()), 'evidence');
    expect(s).toContain('<strong>Console login without MFA</strong>');
    expect(s).toContain('<details><summary>Raw event</summary><pre>{\n  &quot;eventName&quot;: &quot;ConsoleLogin&quot;,\n  &quot;userIdentity&quot;: {\n    &quot;type&quot;: &quot;IAMUser&quot;');
    expect(s).toContain('<details><summary>Normalized event (OCSF)</summary><pre>{\n  &quot;class_uid&quot;: 3002,');
    expect(s).toContain('<code>s3://acme-mdr-evidence/evidence/2026/11/20/f-0002/ev-0002.json</code>');
    expect(s).toContain('Too large to keep inline');
    expect(s).toContain('402.3 KiB');
    // ev-0003 was an event of the alert with no evidence kept: said so, not dropped.
    expect(s).toContain('No evidence kept for: <code>ev-0003</code> (cloudtrail)');
  });

  it('renders attacker-controlled event fields inert', () => {
    const html = render(model());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=\\&quot;window.__pwned=2\\&quot;&gt;');
    // Everywhere it can appear: title, entity values, timeline details, labels, flash.
    const everywhere = model(
      { flash: { ok: false, message: HOSTILE }, entities: [{ type: 'host', value: HOSTILE, labels: [HOSTILE], owner: HOSTILE }] },
      { title: HOSTILE, caseId: CASE_ID, assignee: HOSTILE },
    );
    const out = renderCasePage({ ...everywhere, summary: undefined }, { now: NOW });
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).toContain(`<title>[HIGH] ${escapeHtml(HOSTILE)}</title>`);
  });

  it('escapes quotes in attributes so a value cannot leave its attribute', () => {
    const html = render(model({ token: 'a" onfocus="x' }));
    expect(html).not.toContain('value="a" onfocus');
    expect(html).toContain('value="a&quot; onfocus=&quot;x"');
  });

  it('offers acknowledge and resolve on a new case, every form carrying the token and its own key', () => {
    const all = forms(render(model()));
    expect(all.map((f) => f.action)).toEqual([
      `${CASE_ID}/acknowledge`,
      `${CASE_ID}/resolve`,
      `${CASE_ID}/actions/rr-pending-0001/approve`,
      `${CASE_ID}/actions/rr-pending-0001/reject`,
      `${CASE_ID}/actions`,
      `${CASE_ID}/actions`,
      `${CASE_ID}/actions/rr-done-0002/undo`,
    ]);
    for (const f of all) expect(f.hidden.t).toBe(TOKEN);
    expect(new Set(all.map((f) => f.hidden.k)).size).toBe(all.length);
    expect(all[0].button).toBe('Acknowledge');
    const resolve = section(render(model()), 'status');
    for (const r of ['true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate']) expect(resolve).toContain(`name="resolution" value="${r}"`);
  });

  it('offers response actions: options with their target, pending approvals, results and undo', () => {
    const html = render(model());
    const all = forms(html);
    const key = all.find((f) => f.hidden.action === 'deactivate_access_key');
    expect(key?.hidden).toMatchObject({ 'target.accessKeyId': 'AKIAEXAMPLEALICE0001', 'target.userName': 'alice' });
    expect(key?.button).toBe('Run now');
    expect(all.find((f) => f.hidden.action === 'quarantine_instance')?.button).toBe('Ask for approval');
    const s = section(html, 'actions');
    expect(s).toContain('<summary>Deactivate access key AKIA…0001 of alice</summary>');
    expect(s).toContain('Waiting for your approval');
    expect(s).toContain('<strong>Attach deny-all policy</strong> <span class="pill st-PENDING_APPROVAL">Waiting for approval</span>');
    expect(s).toContain('by soc-analyst-7 (provider)');
    expect(s).toContain('<strong>Block IP address</strong> <span class="pill st-SUCCEEDED">Done</span>');
    expect(s).toContain('&quot;webAclRuleId&quot;: &quot;mdr-block-203-0-113-77&quot;');
    expect(all.find((f) => f.action.endsWith('/undo'))?.button).toBe('Undo: remove 203.0.113.77 from the block list');
  });

  it('offers no undo once an undo is under way, and says when no action is available', () => {
    const m = model();
    m.actions.options = [];
    m.actions.requests.push({ ...m.actions.requests[1], requestId: 'rr-undo-0003', action: 'block_ip', status: 'RUNNING', undoOf: 'rr-done-0002', undo: undefined, requestedAt: '2026-11-20T10:25:00.000Z' });
    const html = render(m);
    expect(forms(html).some((f) => f.action.endsWith('/undo'))).toBe(false);
    expect(section(html, 'actions')).toContain('No response action is available to you for this case.');
    expect(section(html, 'actions')).toContain('<dt>Undoes</dt><dd><code>rr-done-0002</code></dd>');
  });

  it('follows the case status: no acknowledge once acknowledged, no controls once resolved', () => {
    const acked = render(model({}, { status: 'ACKNOWLEDGED', acknowledgedAt: '2026-11-20T10:06:11.000Z', acknowledgedBy: 'oncall-primary' }));
    expect(forms(acked).map((f) => f.action)).not.toContain(`${CASE_ID}/acknowledge`);
    expect(forms(acked).map((f) => f.action)).toContain(`${CASE_ID}/resolve`);
    expect(section(acked, 'status')).toContain('by oncall-primary <span class="muted small">· 4 min after detection</span>');

    const resolved = render(model({}, { status: 'RESOLVED', acknowledgedAt: '2026-11-20T10:06:11.000Z', resolvedAt: '2026-11-20T11:32:11.000Z', resolvedBy: 'bob', resolution: 'false_positive' }));
    const actions = forms(resolved).map((f) => f.action);
    expect(actions).not.toContain(`${CASE_ID}/acknowledge`);
    expect(actions).not.toContain(`${CASE_ID}/resolve`);
    expect(section(resolved, 'status')).toContain('by bob as <strong>false positive</strong> <span class="muted small">· 1 h 30 min after detection</span>');
  });

  it('shows the timeline newest first with actor and details', () => {
    const s = section(render(model()), 'timeline');
    const order = ['alert added', 'notified', 'opened'].map((a) => s.indexOf(`<strong>${a}</strong>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(s).toContain('<span class="muted">channel</span> sms');
  });

  it('shows a flash message, and its kind', () => {
    expect(render(model({ flash: { ok: true, message: 'Case acknowledged.' } }))).toContain('<p class="flash ok" role="status">Case acknowledged.</p>');
    expect(render(model({ flash: { ok: false, message: 'Nope.' } }))).toContain('<p class="flash error" role="alert">Nope.</p>');
  });

  it('allows exactly its own stylesheet through the CSP, and no script', () => {
    const html = render(model());
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(css).digest('base64');
    const csp = CASE_PAGE_HEADERS['content-security-policy'];
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    expect(html).not.toMatch(/\sstyle="/);
    expect(CASE_PAGE_HEADERS).toMatchObject({ 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  });

  it('renders error pages with the message and nothing else', () => {
    const html = renderErrorPage(403, 'This case link has expired.');
    expect(html).toContain('<h1>Link not valid</h1><p>This case link has expired.</p>');
    expect(html).not.toContain('<form');
    expect(renderErrorPage(404, '<b>x</b>')).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('writes durations for people', () => {
    expect([duration(20_000), duration(4 * 60_000), duration(90 * 60_000), duration(3 * 3_600_000), duration(50 * 3_600_000)]).toEqual(['20 s', '4 min', '1 h 30 min', '3 h', '2 d 2 h']);
  });
});
