import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHash } from 'node:crypto';
import type { ViewTokenPayload, ViewTokenResult } from '../../shared/ack/view-token';
import { RESOLUTIONS, type Resolution } from '../../shared/cases/lifecycle';
import { RESPONSE_ACTION_TYPES, type ResponseActionType, type ResponseTarget } from '../../shared/contracts/investigation';
import { CASE_PAGE_HEADERS, renderCasePage, renderErrorPage } from './page';
import type { CasePageFlash, CasePageForm, CasePageModel, CasePageVerb, CasePageViewer } from './page-model';

type Result = APIGatewayProxyStructuredResultV2;

/** The model as the store gives it: the routes add the token and the flash. */
export type CasePageData = Omit<CasePageModel, 'token' | 'flash'>;

export interface PageRouteDeps {
  /** The case as this viewer may see it; undefined when there is no such case for this tenant. */
  loadModel(caseId: string, viewer: CasePageViewer): Promise<CasePageData | undefined>;
  /**
   * Applies a checked form: the verb is already validated against the page the
   * viewer was shown (the action is one of the options, the request is
   * pending, …), but `act` must still enforce policy. `ok: false` with a
   * message for refusals the viewer should read (illegal transition, policy);
   * throw only for failures (answered 500).
   */
  act(caseId: string, viewer: CasePageViewer, verb: CasePageVerb, form: CasePageForm): Promise<{ ok: boolean; message: string }>;
  /** Verifies a view token, e.g. `(t) => verifyViewToken(t, await linkSecrets(), now())`. */
  verifyToken(token: string): ViewTokenResult | Promise<ViewTokenResult>;
  now?: () => Date;
  /** One JSON object per line; defaults to stdout. */
  log?: (entry: Record<string, unknown>) => void;
}

/** Answers a page route, or undefined when the request is not for one (the JSON API handles it). */
export type PageRoutes = (
  method: string,
  path: string,
  query: Record<string, string | undefined> | undefined,
  body: string | undefined,
) => Promise<Result | undefined>;

/** Form bodies beyond this are refused unread: the page's largest form is a resolution comment. */
export const PAGE_MAX_BODY_BYTES = 16 * 1024;
const FLASH_MAX = 300;
const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const FORM_KEY = /^[A-Za-z0-9_-]{8,80}$/;
const VIEW = /^\/view\/([^/]+)(?:\/(acknowledge|resolve|actions)(?:\/([^/]+)\/(approve|reject|undo))?)?$/;

const REFUSAL: Record<string, string> = {
  missing: 'This case link is incomplete: it has no access token. Open the link from the notification again.',
  malformed: 'This case link is not valid.',
  bad_signature: 'This case link is not valid.',
  wrong_case: 'This case link is not valid for this case.',
  expired: 'This case link has expired. Open the case from a newer notification.',
};

function html(statusCode: number, body: string, extra: Record<string, string> = {}): Result {
  return { statusCode, headers: { ...CASE_PAGE_HEADERS, ...extra }, body };
}

const errorPage = (status: number, message: string, extra: Record<string, string> = {}) => html(status, renderErrorPage(status, message), extra);
const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Printable text only, bounded: the flash comes back through the URL. */
function cleanFlash(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, FLASH_MAX);
}

function flashOf(query: Record<string, string | undefined>): CasePageFlash | undefined {
  const f = query.f;
  const m = query.m;
  if ((f !== 'ok' && f !== 'error') || typeof m !== 'string' || !m) return undefined;
  return { ok: f === 'ok', message: cleanFlash(m) };
}

function sameTarget(a: ResponseTarget, b: ResponseTarget): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/**
 * The case page routes, authorised by a signed view token instead of IAM (a
 * phone browser cannot SigV4-sign):
 *
 * - `GET /view/{caseId}?t=<token>` renders the page;
 * - `POST /view/{caseId}/acknowledge|resolve|actions` and
 *   `POST /view/{caseId}/actions/{requestId}/approve|reject|undo`, with the
 *   token in the form (field `t`, never a cookie: no ambient authority, so no
 *   CSRF), answer 303 back to the page with a flash message.
 *
 * A missing, forged, expired or other-case token gets a 403 page with no case
 * data; a case the store does not give for this tenant, a 404 page.
 */
export function createPageRoutes(deps: PageRouteDeps): PageRoutes {
  const now = () => deps.now?.() ?? new Date();
  const log = deps.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));

  async function authorise(caseId: string, token: string | undefined, method: string): Promise<{ payload: ViewTokenPayload } | { refused: Result }> {
    const refuse = (reason: string) => {
      log({ level: 'WARN', message: 'case page request refused', reason, method, caseId, ...(token ? { token: shortHash(token) } : {}) });
      return { refused: errorPage(403, REFUSAL[reason] ?? REFUSAL.malformed) };
    };
    if (!token) return refuse('missing');
    const v = await deps.verifyToken(token);
    if (!v.ok) return refuse(v.reason);
    if (v.payload.caseId !== caseId) return refuse('wrong_case');
    return { payload: v.payload };
  }

  async function show(caseId: string, query: Record<string, string | undefined>): Promise<Result> {
    const auth = await authorise(caseId, query.t, 'GET');
    if ('refused' in auth) return auth.refused;
    const viewer: CasePageViewer = { id: auth.payload.viewer, role: auth.payload.role };
    const data = await deps.loadModel(caseId, viewer);
    if (!data) return errorPage(404, 'There is no such case, or it is not yours to see.');
    const flash = flashOf(query);
    return html(200, renderCasePage({ ...data, token: query.t as string, ...(flash ? { flash } : {}) }, { now: now() }));
  }

  /** The verb a form asks for, checked against what the page offered; a string is the refusal to show. */
  function verbOf(model: CasePageData, route: string, requestId: string | undefined, f: Record<string, string>): CasePageVerb | string {
    const text = (name: string, max: number) => {
      const v = (f[name] ?? '').trim();
      return v ? v.slice(0, max) : undefined;
    };
    if (route === 'acknowledge') return { kind: 'acknowledge' };
    if (route === 'resolve') {
      if (!(RESOLUTIONS as readonly string[]).includes(f.resolution)) return 'Choose a resolution to resolve the case.';
      const comment = text('comment', 2000);
      return { kind: 'resolve', resolution: f.resolution as Resolution, ...(comment ? { comment } : {}) };
    }
    if (!requestId) {
      if (!RESPONSE_ACTION_TYPES.includes(f.action as ResponseActionType)) return 'Unknown response action.';
      const target: ResponseTarget = {};
      for (const [k, v] of Object.entries(f)) if (k.startsWith('target.') && k.length > 7) target[k.slice(7)] = v;
      const offered = model.actions.options.some((o) => o.action === f.action && sameTarget(o.target, target));
      if (!offered) return 'That action is not available to you for this case.';
      return { kind: 'request', action: f.action as ResponseActionType, target, dryRun: f.dryRun === '1' };
    }
    const request = model.actions.requests.find((r) => r.requestId === requestId);
    if (!request) return 'There is no such response request on this case.';
    if (route === 'approve' || route === 'reject') {
      if (request.status !== 'PENDING_APPROVAL') return `That request is no longer waiting for approval (it is ${request.status.toLowerCase().replace(/_/g, ' ')}).`;
      if (route === 'approve') return { kind: 'approve', requestId };
      const reason = text('reason', 500);
      return { kind: 'reject', requestId, ...(reason ? { reason } : {}) };
    }
    const undone = model.actions.requests.some((r) => r.undoOf === requestId && !['REJECTED', 'REFUSED', 'FAILED'].includes(r.status));
    if (request.status !== 'SUCCEEDED' || !request.undo || undone) return 'That action cannot be undone.';
    return { kind: 'undo', requestId };
  }

  async function post(path: string, caseId: string, route: string, requestId: string | undefined, body: string | undefined): Promise<Result> {
    const raw = body ?? '';
    if (Buffer.byteLength(raw, 'utf8') > PAGE_MAX_BODY_BYTES) return errorPage(413, 'The form is too large.');
    const fields: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(raw)) if (!(k in fields)) fields[k] = v;
    const auth = await authorise(caseId, fields.t, 'POST');
    if ('refused' in auth) return auth.refused;
    const token = fields.t;
    const viewer: CasePageViewer = { id: auth.payload.viewer, role: auth.payload.role };
    const model = await deps.loadModel(caseId, viewer);
    if (!model) return errorPage(404, 'There is no such case, or it is not yours to see.');

    // Back to `/view/{caseId}`, relative so it holds under any stage path or custom domain.
    const depth = path.split('/').length - 3;
    const back = (flash: CasePageFlash): Result => ({
      statusCode: 303,
      headers: { ...CASE_PAGE_HEADERS, location: `${'../'.repeat(depth)}${caseId}?t=${token}&f=${flash.ok ? 'ok' : 'error'}&m=${encodeURIComponent(cleanFlash(flash.message))}` },
      body: '',
    });

    const key = fields.k;
    if (!key || !FORM_KEY.test(key)) return back({ ok: false, message: 'That form is out of date. Please try again.' });
    const verb = verbOf(model, route, requestId, fields);
    if (typeof verb === 'string') return back({ ok: false, message: verb });
    delete fields.t;
    const outcome = await deps.act(caseId, viewer, verb, { key, fields });
    log({ level: 'INFO', message: 'case page action', caseId, viewer: viewer.id, verb: verb.kind, ok: outcome.ok });
    return back({ ok: outcome.ok, message: outcome.message || (outcome.ok ? 'Done.' : 'Not done.') });
  }

  return async (method, path, query, body) => {
    if (!path.startsWith('/view/')) return undefined;
    const m = VIEW.exec(path);
    try {
      if (!m || !CASE_ID.test(m[1]) || (m[3] !== undefined && !REQUEST_ID.test(m[3]))) return errorPage(404, 'There is no such page.');
      const [, caseId, route, requestId] = m;
      if (!route) {
        if (method !== 'GET') return errorPage(405, 'Use GET to open the case page.', { allow: 'GET' });
        return await show(caseId, query ?? {});
      }
      if (requestId !== undefined && route !== 'actions') return errorPage(404, 'There is no such page.');
      if (method !== 'POST') return errorPage(405, 'Use the buttons on the case page.', { allow: 'POST' });
      return await post(path, caseId, requestId ? (m[4] as string) : route, requestId, body);
    } catch (err) {
      log({ level: 'ERROR', message: 'case page request failed', method, path: path.slice(0, 200), error: String(err), stack: (err as Error).stack });
      return errorPage(500, 'Something went wrong. Please try again in a moment.');
    }
  };
}
