import { createHash, randomBytes } from 'node:crypto';
import { RESOLUTIONS, type Resolution } from '../../shared/cases/lifecycle';
import type { TimelineEntry } from '../../shared/cases/store';
import type { EntityContext, Evidence, ResponseActionType, ResponseRequest, ResponseTarget } from '../../shared/contracts/investigation';
import type { CasePageActionOption, CasePageAlert, CasePageModel } from './page-model';

/**
 * The case page: server-rendered HTML for on-call staff on a phone. No
 * scripts (the CSP forbids them), no external resources, one inline
 * stylesheet allowed by its hash. Every value from the case is escaped: event
 * fields are attacker-controlled.
 */

const STYLE = `:root{color-scheme:light;--ink:#101828;--muted:#667085;--line:#e4e7ec;--bg:#f2f4f7;--accent:#1849a9}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
.wrap{max-width:760px;margin:0 auto;padding:0 14px}
a{color:var(--accent)}
header.top{background:#fff;border-top:6px solid var(--sev);border-bottom:1px solid var(--line);padding:12px 0 10px}
.sev-critical{--sev:#b42318}.sev-high{--sev:#c4320a}.sev-medium{--sev:#b54708}.sev-low{--sev:#175cd3}.sev-informational{--sev:#475467}
.meta{display:flex;flex-wrap:wrap;align-items:center;gap:6px 8px;margin:0;font-size:.85rem;color:var(--muted)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.72rem;font-weight:700;letter-spacing:.05em;text-transform:uppercase;color:#fff;background:var(--sev,#475467)}
.pill{display:inline-block;padding:0 9px;border-radius:999px;font-size:.78rem;font-weight:600;border:1px solid var(--line);background:#f9fafb;color:var(--ink)}
.st-NEW,.st-PENDING_APPROVAL{background:#fffaeb;border-color:#fedf89;color:#93370d}
.st-ACKNOWLEDGED,.st-IN_PROGRESS,.st-APPROVED,.st-RUNNING{background:#eff8ff;border-color:#b2ddff;color:#175cd3}
.st-RESOLVED,.st-CLOSED,.st-SUCCEEDED{background:#ecfdf3;border-color:#abefc6;color:#067647}
.st-FAILED{background:#fef3f2;border-color:#fecdca;color:#b42318}
h1{font-size:1.3rem;line-height:1.3;margin:8px 0 4px}
h2{font-size:1.08rem;margin:0 0 10px}
h3{font-size:.95rem;margin:16px 0 6px}
.sub{margin:0;color:var(--muted);font-size:.9rem}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 0;font-size:.9rem}
section.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px 16px;margin:14px 0}
.flash{border-radius:10px;padding:10px 14px;margin:14px 0 0;font-weight:600}
.flash.ok{background:#ecfdf3;color:#067647;border:1px solid #abefc6}
.flash.error{background:#fef3f2;color:#b42318;border:1px solid #fecdca}
.lead{font-size:1.02rem;margin:0 0 10px}
dl.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 12px;margin:8px 0}
dl.kv dt{color:var(--muted);font-size:.9rem}
dl.kv dd{margin:0}
ul,ol{padding-left:1.3em;margin:6px 0}
li{margin:2px 0}
.muted{color:var(--muted)}
.small{font-size:.85rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{font-size:.88em;background:#f2f4f7;border-radius:4px;padding:0 4px;overflow-wrap:anywhere}
pre{margin:8px 0 0;padding:10px 12px;background:#0c111d;color:#e4e7ec;border-radius:8px;font-size:12.5px;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere}
.chip{display:inline-block;padding:0 8px;margin:2px 4px 2px 0;border-radius:999px;border:1px solid var(--line);background:#f9fafb;font-size:.8rem}
.chip.bad{background:#fef3f2;border-color:#fecdca;color:#b42318}
.chip.warn{background:#fffaeb;border-color:#fedf89;color:#93370d}
.chip.good{background:#ecfdf3;border-color:#abefc6;color:#067647}
.grid{display:grid;grid-template-columns:minmax(0,1fr);gap:10px}
@media (min-width:640px){.grid{grid-template-columns:repeat(2,minmax(0,1fr))}}
.item{border:1px solid var(--line);border-radius:10px;padding:10px 12px}
.item>p:first-child{margin-top:0}
.kind{font-size:.72rem;font-weight:700;letter-spacing:.05em;text-transform:uppercase;color:var(--muted)}
.value{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600;overflow-wrap:anywhere}
details{margin:8px 0 0}
details>summary{cursor:pointer;font-weight:600;color:var(--accent);min-height:32px}
form{margin:10px 0 0}
.btn,details.act>summary{display:block;width:100%;min-height:48px;margin:0;padding:12px 16px;border:0;border-radius:10px;font:inherit;font-weight:600;text-align:center;cursor:pointer;background:var(--accent);color:#fff}
details.act>summary{list-style:none;background:#fff;color:var(--ink);border:1px solid #d0d5dd}
details.act>summary::-webkit-details-marker{display:none}
details.act[open]>summary{border-color:var(--ink)}
.btn.go{background:#067647}
.btn.danger{background:#b42318}
.btn.quiet{background:#fff;color:var(--ink);border:1px solid #d0d5dd}
.row{display:flex;gap:8px}
.row>*{flex:1;margin:0}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;margin-bottom:4px}
label.opt{display:flex;align-items:center;gap:10px;min-height:40px}
input[type=text],textarea{width:100%;font:inherit;padding:9px 10px;border:1px solid #d0d5dd;border-radius:8px;margin:4px 0 8px}
textarea{min-height:70px}
ol.tl{list-style:none;margin:0;padding:0 0 0 14px;border-left:2px solid var(--line)}
ol.tl li{position:relative;margin:0;padding:0 0 12px}
ol.tl li::before{content:"";position:absolute;left:-23px;top:.5em;width:12px;height:12px;border-radius:50%;background:#98a2b3;border:2px solid #fff}
footer{padding:6px 14px 30px;color:var(--muted);font-size:.85rem}`;

/** CSP source for the stylesheet: its hash, so no other inline style can apply. */
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** Headers of every case page response (the page and its error pages). */
export const CASE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  // No scripts, no external resources, forms only back here, never framed (a framed one-tap action is clickjacking).
  'content-security-policy': `default-src 'none'; style-src ${STYLE_SOURCE}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  // The token is in the URL: never send it onwards, never cache the page.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
const e = escapeHtml;

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const sevClass = (s: string) => `sev-${SEVERITIES.includes(s) ? s : 'informational'}`;
const STATUS_WORD: Record<string, string> = {
  NEW: 'New',
  ACKNOWLEDGED: 'Acknowledged',
  IN_PROGRESS: 'In progress',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
  MERGED: 'Merged',
  PENDING_APPROVAL: 'Waiting for approval',
  APPROVED: 'Approved',
  RUNNING: 'Running',
  SUCCEEDED: 'Done',
  FAILED: 'Failed',
  REFUSED: 'Refused',
  REJECTED: 'Rejected',
};
const pill = (status: string) => `<span class="pill st-${/^[A-Z_]+$/.test(status) ? status : 'X'}">${e(STATUS_WORD[status] ?? status)}</span>`;

export const ACTION_LABEL: Record<ResponseActionType | 'undo', string> = {
  deactivate_access_key: 'Deactivate access key',
  deny_all_policy: 'Attach deny-all policy',
  revoke_role_sessions: 'Revoke role sessions',
  quarantine_instance: 'Quarantine instance',
  block_ip: 'Block IP address',
  undo: 'Undo',
};

const RESOLUTION_LABEL: Record<Resolution, string> = {
  true_positive: 'True positive — a real incident',
  benign_positive: 'Benign — expected, authorised activity',
  false_positive: 'False positive — the rule misfired',
  undetermined: 'Undetermined',
  duplicate: 'Duplicate of another case',
};

const OPEN = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS'];

function time(iso: string | undefined, now: Date): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return e(iso);
  const abs = new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const ago = now.getTime() - t;
  const rel = ago >= 0 && ago < 7 * 86_400_000 ? ` <span class="muted">(${duration(ago)} ago)</span>` : '';
  return `<time datetime="${e(new Date(t).toISOString())}">${e(abs)}</time>${rel}`;
}

export function duration(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

function prettyJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch {
    text = undefined;
  }
  return e(text ?? String(value));
}

function bytes(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const list = (items: readonly string[], ordered = false) =>
  items.length ? `<${ordered ? 'ol' : 'ul'}>${items.map((i) => `<li>${e(i)}</li>`).join('')}</${ordered ? 'ol' : 'ul'}>` : '';

const targetText = (t: ResponseTarget) =>
  Object.entries(t)
    .map(([k, v]) => `<span class="muted small">${e(k)}</span> <code>${e(v)}</code>`)
    .join(' ');

/** One key per form of a render: a resubmitted form repeats its key, another form has its own. */
function keys(seed: string): () => string {
  let n = 0;
  return () => `${seed}-${(n++).toString(36)}`;
}

function hidden(model: CasePageModel, key: string, extra: Record<string, string> = {}): string {
  const fields = { t: model.token, k: key, ...extra };
  return Object.entries(fields)
    .map(([n, v]) => `<input type="hidden" name="${e(n)}" value="${e(v)}">`)
    .join('');
}

/** Relative to `/view/<caseId>`, so the page works under any stage path or custom domain. */
const formAction = (caseId: string, rest: string) => `${encodeURIComponent(caseId)}/${rest}`;

// ---- sections ---------------------------------------------------------------

function header(m: CasePageModel, now: Date): string {
  const c = m.case;
  const headline = m.summary?.headline || c.title;
  const sections = ['summary', 'actions', 'entities', 'evidence', 'timeline'];
  return `<header class="top ${sevClass(c.severity)}"><div class="wrap">
<p class="meta"><span class="badge">${e(c.severity)}</span>${pill(c.status)}<code>${e(c.caseId)}</code></p>
<h1>${e(headline)}</h1>
<p class="sub">Detected ${time(c.detectedAt, now)} · ${e(c.alertCount)} alert${c.alertCount === 1 ? '' : 's'} · rule <code>${e(c.ruleId)}</code></p>
<nav class="toc" aria-label="Sections">${sections.map((s) => `<a href="#${s}">${s[0].toUpperCase()}${s.slice(1)}</a>`).join('')}</nav>
</div></header>`;
}

function flash(m: CasePageModel): string {
  if (!m.flash) return '';
  return m.flash.ok ? `<p class="flash ok" role="status">${e(m.flash.message)}</p>` : `<p class="flash error" role="alert">${e(m.flash.message)}</p>`;
}

function statusCard(m: CasePageModel, now: Date, key: () => string): string {
  const c = m.case;
  const facts: string[] = [`<dt>Status</dt><dd>${pill(c.status)}</dd>`];
  if (c.assignee) facts.push(`<dt>Assignee</dt><dd>${e(c.assignee)}</dd>`);
  if (c.acknowledgedAt) {
    const tta = m.times.timeToAcknowledgeMs;
    facts.push(`<dt>Acknowledged</dt><dd>${time(c.acknowledgedAt, now)}${c.acknowledgedBy ? ` by ${e(c.acknowledgedBy)}` : ''}${tta !== undefined ? ` <span class="muted small">· ${duration(tta)} after detection</span>` : ''}</dd>`);
  }
  if (c.resolvedAt) {
    const ttr = m.times.timeToResolveMs;
    facts.push(`<dt>Resolved</dt><dd>${time(c.resolvedAt, now)}${c.resolvedBy ? ` by ${e(c.resolvedBy)}` : ''}${c.resolution ? ` as <strong>${e(c.resolution.replace(/_/g, ' '))}</strong>` : ''}${ttr !== undefined ? ` <span class="muted small">· ${duration(ttr)} after detection</span>` : ''}</dd>`);
  }
  if (c.mergedInto) facts.push(`<dt>Merged into</dt><dd><code>${e(c.mergedInto)}</code></dd>`);
  facts.push(`<dt>First event</dt><dd>${time(c.firstSeen, now)}</dd>`, `<dt>Last event</dt><dd>${time(c.lastSeen, now)}</dd>`);

  const controls: string[] = [];
  if (c.status === 'NEW') {
    controls.push(`<form method="post" action="${formAction(c.caseId, 'acknowledge')}">${hidden(m, key())}<button class="btn go" type="submit">Acknowledge</button></form>`);
  }
  if (OPEN.includes(c.status)) {
    const options = RESOLUTIONS.map(
      (r, i) => `<label class="opt"><input type="radio" name="resolution" value="${e(r)}"${i === 0 ? ' required' : ''}> ${e(RESOLUTION_LABEL[r])}</label>`,
    ).join('');
    controls.push(`<details class="act"><summary>Resolve…</summary><form method="post" action="${formAction(c.caseId, 'resolve')}">${hidden(m, key())}
<fieldset><legend>Resolution</legend>${options}</fieldset>
<label>Comment (optional)<textarea name="comment" maxlength="2000"></textarea></label>
<button class="btn" type="submit">Resolve case</button></form></details>`);
  }
  return `<section class="card" id="status" aria-label="Status"><dl class="kv">${facts.join('')}</dl>${controls.join('')}</section>`;
}

const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;

function summary(m: CasePageModel): string {
  const s = m.summary;
  if (!s) {
    return `<section class="card" id="summary"><h2>Summary</h2><p class="lead">${e(m.case.title)}</p>
<p class="muted">No written summary for this case yet.</p>${m.case.tags.length ? `<p>${m.case.tags.map((t) => `<span class="chip">${e(t)}</span>`).join('')}</p>` : ''}</section>`;
  }
  const kv = [
    `<dt>What</dt><dd>${e(s.what)}</dd>`,
    s.who.length ? `<dt>Who</dt><dd>${s.who.map(e).join('<br>')}</dd>` : '',
    s.where.length ? `<dt>Where</dt><dd>${s.where.map(e).join('<br>')}</dd>` : '',
    `<dt>When</dt><dd>${e(s.when)}</dd>`,
  ].join('');
  const techniques = s.why.techniques.length
    ? `<h3>ATT&amp;CK techniques</h3><ul>${s.why.techniques
        .map((t) => {
          const id = TECHNIQUE_ID.test(t.id) ? `<a href="https://attack.mitre.org/techniques/${t.id.replace('.', '/')}/" rel="noreferrer noopener">${e(t.id)}</a>` : e(t.id);
          return `<li>${id} ${e(t.name)}${t.tactics.map((x) => ` <span class="chip">${e(x)}</span>`).join('')}</li>`;
        })
        .join('')}</ul>`
    : '';
  // The headline is the page's h1; the summary goes on from there.
  return `<section class="card" id="summary"><h2>Summary</h2><dl class="kv">${kv}</dl>
<h3>Why it matters</h3>${s.why.description ? `<p>${e(s.why.description)}</p>` : ''}${techniques}
${s.why.falsePositives.length ? `<h3>Known false positives</h3>${list(s.why.falsePositives)}` : ''}
${s.nextSteps.length ? `<h3>Next steps</h3>${list(s.nextSteps, true)}` : ''}</section>`;
}

const actionName = (a: string) => ACTION_LABEL[a as ResponseActionType] ?? a;

function requestFacts(r: ResponseRequest, now: Date): string {
  const rows = [
    `<dt>Target</dt><dd>${targetText(r.target)}</dd>`,
    `<dt>Asked</dt><dd>${time(r.requestedAt, now)} by ${e(r.requestedBy.id)}${r.requesterRole === 'provider' ? ' (provider)' : ''}</dd>`,
    r.approvedAt ? `<dt>Approved</dt><dd>${time(r.approvedAt, now)}${r.approvedBy ? ` by ${e(r.approvedBy.id)}` : ''}</dd>` : '',
    r.completedAt ? `<dt>Finished</dt><dd>${time(r.completedAt, now)}</dd>` : '',
    r.reason ? `<dt>Reason</dt><dd>${e(r.reason)}</dd>` : '',
    r.undoOf ? `<dt>Undoes</dt><dd><code>${e(r.undoOf)}</code></dd>` : '',
  ];
  return `<dl class="kv small">${rows.join('')}</dl>`;
}

function actionsSection(m: CasePageModel, now: Date, key: () => string): string {
  const id = m.case.caseId;
  const requests = [...m.actions.requests].sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0));
  const pending = requests.filter((r) => r.status === 'PENDING_APPROVAL');
  const others = requests.filter((r) => r.status !== 'PENDING_APPROVAL');
  const undone = new Set(requests.filter((r) => r.undoOf && r.status !== 'REJECTED' && r.status !== 'REFUSED' && r.status !== 'FAILED').map((r) => r.undoOf));
  const base = (r: ResponseRequest, verb: string) => formAction(id, `actions/${encodeURIComponent(r.requestId)}/${verb}`);
  const dry = (r: ResponseRequest) => (r.dryRun ? ' <span class="chip">dry run</span>' : '');

  const parts: string[] = ['<h2>Response actions</h2>'];
  if (pending.length) {
    parts.push(
      `<h3>Waiting for your approval</h3><div class="grid">${pending
        .map(
          (r) => `<div class="item"><p><strong>${e(actionName(r.action))}</strong> ${pill(r.status)}${dry(r)}</p>${requestFacts(r, now)}
<div class="row"><form method="post" action="${base(r, 'approve')}">${hidden(m, key())}<button class="btn go" type="submit">Approve</button></form>
<form method="post" action="${base(r, 'reject')}">${hidden(m, key())}<button class="btn quiet" type="submit">Reject</button></form></div></div>`,
        )
        .join('')}</div>`,
    );
  }
  parts.push('<h3>Available to you</h3>');
  if (m.actions.options.length) {
    parts.push(`<div class="grid">${m.actions.options.map((o) => optionForm(m, o, key())).join('')}</div>`);
  } else {
    parts.push('<p class="muted">No response action is available to you for this case.</p>');
  }
  if (others.length) {
    parts.push(
      `<h3>Requested so far</h3><div class="grid">${others
        .map((r) => {
          const result = r.result && Object.keys(r.result).length ? `<details><summary>Result</summary><pre>${prettyJson(r.result)}</pre></details>` : '';
          const canUndo = r.status === 'SUCCEEDED' && r.undo && !undone.has(r.requestId);
          const undo = canUndo
            ? `<form method="post" action="${base(r, 'undo')}">${hidden(m, key())}<button class="btn quiet" type="submit">Undo: ${e(r.undo?.description)}</button></form>`
            : '';
          return `<div class="item"><p><strong>${e(actionName(r.action))}</strong> ${pill(r.status)}${dry(r)}</p>${requestFacts(r, now)}${result}${undo}</div>`;
        })
        .join('')}</div>`,
    );
  }
  return `<section class="card" id="actions">${parts.join('')}</section>`;
}

function optionForm(m: CasePageModel, o: CasePageActionOption, key: string): string {
  const targetFields = Object.fromEntries(Object.entries(o.target).map(([k, v]) => [`target.${k}`, v]));
  return `<details class="act"><summary>${e(o.label)}</summary><form method="post" action="${formAction(m.case.caseId, 'actions')}">${hidden(m, key, { action: o.action, ...targetFields })}
<p class="small">${e(actionName(o.action))}: ${targetText(o.target)}${o.needsApproval ? '<br><span class="muted">Runs only after an approval.</span>' : ''}</p>
<label class="opt"><input type="checkbox" name="dryRun" value="1"> Dry run (check only, change nothing)</label>
<button class="btn danger" type="submit">${o.needsApproval ? 'Ask for approval' : 'Run now'}</button></form></details>`;
}

function labelChip(label: string): string {
  const cls = /^(threat-intel|malicious|tor)/.test(label) ? ' bad' : /^(vip|privileged|admin|critical)/.test(label) ? ' warn' : /^(allow-listed|known-range)/.test(label) ? ' good' : '';
  return `<span class="chip${cls}">${e(label)}</span>`;
}

function entity(x: EntityContext): string {
  const kv: string[] = [];
  if (x.owner) kv.push(`<dt>Owner</dt><dd>${e(x.owner)}</dd>`);
  if (x.alias) kv.push(`<dt>Alias</dt><dd>${e(x.alias)}</dd>`);
  if (x.asset) {
    const a = x.asset;
    const extra = [a.environment, a.criticality && `criticality ${a.criticality}`].filter(Boolean).map(e).join(' · ');
    kv.push(`<dt>Asset</dt><dd>${e(a.name ?? a.id)}${a.name ? ` <code>${e(a.id)}</code>` : ''}${extra ? `<br><span class="muted small">${extra}</span>` : ''}</dd>`);
  }
  if (x.geo) kv.push(`<dt>Country</dt><dd>${e(x.geo.country)}</dd>`);
  if (x.intel?.length) {
    kv.push(
      `<dt>Threat intel</dt><dd><ul>${x.intel
        .map(
          (i) =>
            `<li><span class="chip bad">${e(i.category)}</span>${e(i.list)}${i.confidence !== undefined ? ` <span class="muted small">confidence ${e(i.confidence)}</span>` : ''}${i.description ? `<br><span class="small">${e(i.description)}</span>` : ''}</li>`,
        )
        .join('')}</ul></dd>`,
    );
  }
  if (x.allowListed?.length) kv.push(`<dt>Allow-listed</dt><dd>${x.allowListed.map((a) => `<span class="chip good">${e(a)}</span>`).join('')}</dd>`);
  return `<div class="item"><p><span class="kind">${e(x.type.replace(/_/g, ' '))}</span><br><span class="value">${e(x.value)}</span></p>
${x.labels.length ? `<p>${x.labels.map(labelChip).join('')}</p>` : ''}${kv.length ? `<dl class="kv small">${kv.join('')}</dl>` : ''}</div>`;
}

function entitiesSection(m: CasePageModel): string {
  const body = m.entities.length ? `<div class="grid">${m.entities.map(entity).join('')}</div>` : '<p class="muted">No entity context yet.</p>';
  return `<section class="card" id="entities"><h2>Entities</h2>${body}</section>`;
}

function evidenceItem(ev: Evidence, now: Date): string {
  const head = `<p class="small"><strong>${e(ev.source)}</strong> · ${time(ev.time, now)}<br><span class="muted">event</span> <code>${e(ev.uid)}</code> <span class="muted">· ${e(bytes(ev.bytes))}</span></p>`;
  const parts = [head];
  if (ev.pointer) {
    parts.push(`<p class="small">${ev.truncated ? 'Too large to keep inline; stored' : 'Stored'} in the evidence bucket: <code>s3://${e(ev.pointer.bucket)}/${e(ev.pointer.key)}</code></p>`);
  }
  if (ev.raw !== undefined) parts.push(`<details><summary>Raw event</summary><pre>${prettyJson(ev.raw)}</pre></details>`);
  if (ev.ocsf !== undefined) parts.push(`<details><summary>Normalized event (OCSF)</summary><pre>${prettyJson(ev.ocsf)}</pre></details>`);
  if (ev.raw === undefined && ev.ocsf === undefined && !ev.pointer) parts.push('<p class="muted small">The event itself was not kept.</p>');
  return `<div class="item">${parts.join('')}</div>`;
}

function alertCard(a: CasePageAlert, now: Date): string {
  const kept = new Set(a.evidence.map((x) => x.uid));
  const missing = a.events.filter((x) => !kept.has(x.uid));
  return `<div class="item ${sevClass(a.severity)}"><p><span class="badge">${e(a.severity)}</span> <strong>${e(a.ruleTitle ?? a.ruleId)}</strong><br>
<span class="muted small">rule <code>${e(a.ruleId)}</code> v${e(a.ruleVersion)} · finding <code>${e(a.findingId)}</code> · ${time(a.eventTime, now)}</span></p>
${a.evidence.map((x) => evidenceItem(x, now)).join('')}
${missing.length ? `<p class="muted small">No evidence kept for: ${missing.map((x) => `<code>${e(x.uid)}</code> (${e(x.source)})`).join(', ')}</p>` : ''}</div>`;
}

function evidenceSection(m: CasePageModel, now: Date): string {
  const body = m.alerts.length ? `<div class="grid">${m.alerts.map((a) => alertCard(a, now)).join('')}</div>` : '<p class="muted">No alerts.</p>';
  return `<section class="card" id="evidence"><h2>Alerts and evidence</h2>${body}</section>`;
}

function detailText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function timelineItem(t: TimelineEntry, now: Date): string {
  const details = t.details && Object.keys(t.details).length
    ? `<br><span class="small">${Object.entries(t.details)
        .map(([k, v]) => `<span class="muted">${e(k)}</span> ${e(detailText(v))}`)
        .join(' · ')}</span>`
    : '';
  return `<li><strong>${e(t.action.replace(/_/g, ' '))}</strong> <span class="muted small">by ${e(t.actor.id)}${t.actor.via ? ` via ${e(t.actor.via)}` : ''}</span><br><span class="small">${time(t.at, now)}</span>${details}</li>`;
}

function timelineSection(m: CasePageModel, now: Date): string {
  const entries = [...m.timeline].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const body = entries.length ? `<ol class="tl">${entries.map((t) => timelineItem(t, now)).join('')}</ol>` : '<p class="muted">Nothing yet.</p>';
  return `<section class="card" id="timeline"><h2>Timeline</h2><p class="muted small">Newest first.</p>${body}</section>`;
}

function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

export interface RenderOptions {
  /** For "12 min ago"; defaults to the current time. */
  now?: Date;
  /** Seed of the forms' idempotency keys; random unless given (tests). */
  formKey?: string;
}

/** The case page for one viewer. */
export function renderCasePage(model: CasePageModel, options: RenderOptions = {}): string {
  const now = options.now ?? new Date();
  const key = keys(options.formKey ?? randomBytes(12).toString('base64url'));
  const c = model.case;
  const body = `${header(model, now)}
<main class="wrap">${flash(model)}
${statusCard(model, now, key)}
${summary(model)}
${actionsSection(model, now, key)}
${entitiesSection(model)}
${evidenceSection(model, now)}
${timelineSection(model, now)}
</main>
<footer class="wrap">Viewing as <strong>${e(model.viewer.id)}</strong> (${e(model.viewer.role)}). This link is personal: do not forward it.</footer>`;
  return htmlDocument(`[${c.severity.toUpperCase()}] ${model.summary?.headline || c.title}`, body);
}

const STATUS_TITLE: Record<number, string> = { 400: 'Bad request', 403: 'Link not valid', 404: 'Case not found', 405: 'Not allowed', 413: 'Too large', 500: 'Something went wrong', 503: 'Unavailable' };

/** A page with no case data: for refused links, unknown cases and failures. */
export function renderErrorPage(status: number, message: string): string {
  const title = STATUS_TITLE[status] ?? 'Error';
  return htmlDocument(title, `<main class="wrap"><section class="card"><h1>${e(title)}</h1><p>${e(message)}</p></section></main>`);
}
