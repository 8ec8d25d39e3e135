import { CASE_PAGE_HEADERS } from '../../../functions/case-api/page';
import { createPageRoutes, PAGE_MAX_BODY_BYTES } from '../../../functions/case-api/page-routes';
import { issueViewToken, verifyViewToken } from '../../../shared/ack/view-token';
import { CASE_ID, fullModel, NOW } from './fixtures';
import { memoryCases } from './memory';

const SECRET = 'link-secret-for-case-page-tests-0001';
const OTHER_TENANT_CASE = 'case-0000000000000000beef';
const expiresAt = NOW.getTime() + 86_400_000;
const token = (caseId = CASE_ID, over: Partial<Parameters<typeof issueViewToken>[0]> = {}, secret = SECRET) =>
  issueViewToken({ caseId, viewer: 'oncall-primary', expiresAt, ...over }, secret);

function setup() {
  const other = fullModel({ caseId: OTHER_TENANT_CASE, tenantId: 'globex', title: 'Globex secret case' });
  const mem = memoryCases([fullModel(), other], () => NOW);
  const logs: Record<string, unknown>[] = [];
  const routes = createPageRoutes({ ...mem.deps, verifyToken: (t) => verifyViewToken(t, [SECRET], NOW), now: () => NOW, log: (l) => logs.push(l) });
  return { mem, logs, routes };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Where a relative Location leads from the path that answered it. */
const follow = (path: string, location: string) => {
  const u = new URL(location, `https://cases.example.com${path}`);
  return { path: u.pathname, query: Object.fromEntries(u.searchParams) };
};

describe('case page routes', () => {
  it('leaves every other path to the JSON API', async () => {
    const { routes } = setup();
    for (const p of ['/cases', '/cases/x', '/view', '/viewer/x', '/metrics']) expect(await routes('GET', p, {}, undefined)).toBeUndefined();
  });

  it('renders the page for a valid token, with the security headers', async () => {
    const { routes } = setup();
    const t = token();
    const res = await routes('GET', `/view/${CASE_ID}`, { t }, undefined);
    expect(res?.statusCode).toBe(200);
    expect(res?.headers).toEqual(CASE_PAGE_HEADERS);
    expect(res?.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(String(res?.headers?.['content-security-policy'])).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; form-action 'self'; frame-ancestors 'none'/);
    expect(res?.body).toContain('alice signed in to the AWS console without MFA');
    expect(res?.body).toContain(`<input type="hidden" name="t" value="${t}">`);
    expect(res?.body).toContain('Viewing as <strong>oncall-primary</strong> (customer)');
  });

  it('refuses a missing, forged, expired or other-case token with a 403 page and no case data', async () => {
    const { routes, mem, logs } = setup();
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['view1.abc.def', 'malformed'],
      [token(CASE_ID, {}, 'a-guessed-secret'), 'bad_signature'],
      [token(CASE_ID, { expiresAt: NOW.getTime() - 1000 }), 'expired'],
      [token('case-11111111111111111111'), 'wrong_case'],
    ];
    for (const [t, reason] of cases) {
      const res = await routes('GET', `/view/${CASE_ID}`, t ? { t } : {}, undefined);
      expect(res?.statusCode).toBe(403);
      expect(res?.headers).toEqual(CASE_PAGE_HEADERS);
      expect(res?.body).not.toContain('alice');
      expect(res?.body).not.toContain(CASE_ID);
      expect(logs.at(-1)).toMatchObject({ level: 'WARN', message: 'case page request refused', reason });
      // The token itself never reaches the log, only a short hash of it.
      if (t) expect(JSON.stringify(logs.at(-1))).not.toContain(t);
    }
    expect(await routes('GET', `/view/${CASE_ID}`, { t: token(CASE_ID, { expiresAt: NOW.getTime() - 1000 }) }, undefined)).toMatchObject({ body: expect.stringContaining('expired') });
    expect(mem.loads).toEqual([]);
  });

  it('answers 404 for a case of another tenant, even with a valid token for it', async () => {
    const { routes } = setup();
    const res = await routes('GET', `/view/${OTHER_TENANT_CASE}`, { t: token(OTHER_TENANT_CASE) }, undefined);
    expect(res?.statusCode).toBe(404);
    expect(res?.body).not.toContain('Globex secret case');
    const post = await routes('POST', `/view/${OTHER_TENANT_CASE}/acknowledge`, {}, form({ t: token(OTHER_TENANT_CASE), k: 'key-00000001' }));
    expect(post?.statusCode).toBe(404);
  });

  it('acknowledges on POST with the token in the form, then redirects back to the page with a flash', async () => {
    const { routes, mem } = setup();
    const t = token();
    const path = `/view/${CASE_ID}/acknowledge`;
    const res = await routes('POST', path, {}, form({ t, k: 'key-00000001' }));
    expect(res?.statusCode).toBe(303);
    expect(mem.calls).toEqual([{ caseId: CASE_ID, viewer: { id: 'oncall-primary', role: 'customer' }, verb: { kind: 'acknowledge' }, form: { key: 'key-00000001', fields: { k: 'key-00000001' } } }]);
    const back = follow(path, String(res?.headers?.location));
    expect(back).toEqual({ path: `/view/${CASE_ID}`, query: { t, f: 'ok', m: 'Done: acknowledge.' } });
    const page = await routes('GET', back.path, back.query, undefined);
    expect(page?.body).toContain('<p class="flash ok" role="status">Done: acknowledge.</p>');
    expect(page?.body).toContain('<span class="pill st-ACKNOWLEDGED">Acknowledged</span>');
    expect(page?.body).not.toContain('>Acknowledge</button>');
  });

  it('redirects from nested action paths back to the page, under any stage prefix', async () => {
    const { routes, mem } = setup();
    const t = token();
    const path = `/view/${CASE_ID}/actions/rr-pending-0001/approve`;
    const res = await routes('POST', path, {}, form({ t, k: 'key-00000002' }));
    expect(res?.statusCode).toBe(303);
    expect(String(res?.headers?.location)).toMatch(new RegExp(`^\\.\\./\\.\\./\\.\\./${CASE_ID}\\?t=`));
    expect(follow(`/prod${path}`, String(res?.headers?.location)).path).toBe(`/prod/view/${CASE_ID}`);
    expect(mem.calls[0].verb).toEqual({ kind: 'approve', requestId: 'rr-pending-0001' });
  });

  it('passes a checked response-action request to act, with its target and dry-run flag', async () => {
    const { routes, mem } = setup();
    await routes(
      'POST',
      `/view/${CASE_ID}/actions`,
      {},
      form({ t: token(), k: 'key-00000003', action: 'deactivate_access_key', 'target.accessKeyId': 'AKIAEXAMPLEALICE0001', 'target.userName': 'alice', dryRun: '1' }),
    );
    expect(mem.calls[0].verb).toEqual({ kind: 'request', action: 'deactivate_access_key', target: { accessKeyId: 'AKIAEXAMPLEALICE0001', userName: 'alice' }, dryRun: true });
    expect(mem.calls[0].form.fields.t).toBeUndefined();
  });

  it('refuses, with an error flash and without calling act, what the page did not offer', async () => {
    const { routes, mem } = setup();
    const t = token();
    const tries: [string, Record<string, string>, RegExp][] = [
      [`/view/${CASE_ID}/actions`, { action: 'deactivate_access_key', 'target.accessKeyId': 'AKIAOTHERKEY00000000', 'target.userName': 'alice' }, /not available to you/],
      [`/view/${CASE_ID}/actions`, { action: 'deactivate_access_key', 'target.accessKeyId': 'AKIAEXAMPLEALICE0001' }, /not available to you/],
      [`/view/${CASE_ID}/actions`, { action: 'format_disk' }, /Unknown response action/],
      [`/view/${CASE_ID}/actions/rr-done-0002/approve`, {}, /no longer waiting for approval \(it is succeeded\)/],
      [`/view/${CASE_ID}/actions/rr-pending-0001/undo`, {}, /cannot be undone/],
      [`/view/${CASE_ID}/actions/rr-nope/reject`, {}, /no such response request/],
      [`/view/${CASE_ID}/resolve`, { resolution: 'maybe' }, /Choose a resolution/],
    ];
    for (const [path, fields, message] of tries) {
      const res = await routes('POST', path, {}, form({ t, k: 'key-00000004', ...fields }));
      expect(res?.statusCode).toBe(303);
      const back = follow(path, String(res?.headers?.location));
      expect(back.path).toBe(`/view/${CASE_ID}`);
      expect(back.query.f).toBe('error');
      expect(back.query.m).toMatch(message);
    }
    const noKey = await routes('POST', `/view/${CASE_ID}/acknowledge`, {}, form({ t }));
    expect(follow('/view/x/acknowledge', String(noKey?.headers?.location)).query.m).toMatch(/out of date/);
    expect(mem.calls).toEqual([]);
  });

  it('takes the token from the form only, never from the query string of a POST', async () => {
    const { routes, mem } = setup();
    const res = await routes('POST', `/view/${CASE_ID}/acknowledge`, { t: token() }, form({ k: 'key-00000005' }));
    expect(res?.statusCode).toBe(403);
    expect(mem.calls).toEqual([]);
  });

  it('answers wrong methods, unknown sub-paths and oversized forms with pages', async () => {
    const { routes } = setup();
    expect(await routes('POST', `/view/${CASE_ID}`, {}, '')).toMatchObject({ statusCode: 405, headers: { allow: 'GET' } });
    expect(await routes('GET', `/view/${CASE_ID}/acknowledge`, { t: token() }, undefined)).toMatchObject({ statusCode: 405, headers: { allow: 'POST' } });
    for (const p of [`/view/${CASE_ID}/delete`, `/view/${CASE_ID}/acknowledge/x/approve`, `/view/bad%20id`, `/view/${CASE_ID}/`]) {
      expect((await routes('POST', p, {}, ''))?.statusCode).toBe(404);
    }
    const big = form({ t: token(), k: 'key-00000006', comment: 'x'.repeat(PAGE_MAX_BODY_BYTES) });
    expect((await routes('POST', `/view/${CASE_ID}/resolve`, {}, big))?.statusCode).toBe(413);
  });

  it('shows a flash from the redirect only as bounded text', async () => {
    const { routes } = setup();
    const t = token();
    const res = await routes('GET', `/view/${CASE_ID}`, { t, f: 'ok', m: `<b>hi</b>\u0000\n${'y'.repeat(1000)}` }, undefined);
    expect(res?.body).toContain(`<p class="flash ok" role="status">&lt;b&gt;hi&lt;/b&gt; ${'y'.repeat(290)}</p>`);
    const odd = await routes('GET', `/view/${CASE_ID}`, { t, f: 'weird', m: 'x' }, undefined);
    expect(odd?.body).not.toContain('class="flash');
  });

  it('answers a failure in act with a 500 page that tells nothing of it', async () => {
    const { mem, logs } = setup();
    const routes = createPageRoutes({
      loadModel: mem.deps.loadModel,
      act: async () => {
        throw new Error('ddb exploded at arn:aws:dynamodb:secret');
      },
      verifyToken: (t) => verifyViewToken(t, [SECRET], NOW),
      log: (l) => logs.push(l),
    });
    const res = await routes('POST', `/view/${CASE_ID}/acknowledge`, {}, form({ t: token(), k: 'key-00000007' }));
    expect(res?.statusCode).toBe(500);
    expect(res?.body).not.toContain('ddb');
    expect(logs.at(-1)).toMatchObject({ level: 'ERROR', message: 'case page request failed' });
  });

  it('round-trips every rendered form through the routes', async () => {
    const { routes, mem } = setup();
    const page = await routes('GET', `/view/${CASE_ID}`, { t: token() }, undefined);
    const rendered = [...String(page?.body).matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
    expect(rendered.length).toBeGreaterThanOrEqual(6);
    const outcomes: string[] = [];
    for (const [, action, inner] of rendered) {
      const fields = Object.fromEntries([...inner.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((h) => [h[1], h[2]]));
      if (action.endsWith('/resolve')) fields.resolution = 'false_positive';
      // The page's relative action, resolved the way a browser does from /view/<caseId>.
      const path = new URL(action, `https://cases.example.com/view/${CASE_ID}`).pathname;
      const res = await routes('POST', path, {}, form(fields));
      const back = follow(path, String(res?.headers?.location));
      expect([res?.statusCode, back.path]).toEqual([303, `/view/${CASE_ID}`]);
      outcomes.push(`${path.split('/').pop()}:${back.query.f}`);
    }
    // The page was rendered once: after its Approve, its Reject is stale and refused against the current state.
    expect(outcomes).toEqual(['acknowledge:ok', 'resolve:ok', 'approve:ok', 'reject:error', 'actions:ok', 'actions:ok', 'undo:ok']);
    expect(mem.calls.map((c) => c.verb.kind)).toEqual(['acknowledge', 'resolve', 'approve', 'request', 'request', 'undo']);
  });
});
