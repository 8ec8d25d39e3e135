/**
 * Fuzz: the case API's input validation and parseAction. createCaseApiHandler
 * runs over an in-memory CaseStore fake (the target is request validation,
 * not AWS). Every malformed request gets a 4xx with a JSON
 * `{"error":{"code","message"}}` body, never a 500; any request at all never
 * gets a 5xx; parseAction returns an action or throws CaseError
 * `invalid_request`, never anything else.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createCaseApiHandler } from '../../../functions/case-api/handler';
import { CaseError, parseAction } from '../../../shared/cases/lifecycle';
import type { CaseRecord } from '../../../shared/cases/model';
import type { CaseDetail, CasePage, CaseQuery, CaseStore, CaseWrite, CorrelationRecord, TimelineEntry, WriteResult } from '../../../shared/cases/store';
import type { CaseEvent, CaseStatus } from '../../../shared/contracts/case-event';
import { caseCounter, runs } from './support';

const counter = caseCounter();
const hit = counter.hit;
const statuses = new Map<number, number>();
afterAll(() => {
  const total = counter.total();
  console.log(
    `fuzz case-api: ${total} cases tried (${counter.summary()}); statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`).join(' ')}`,
  );
});

const TENANT = 'acme';
const NOW = new Date('2026-03-02T12:00:00Z');

/** In-memory CaseStore: enough of the port for the API (reads, listing with tokens, versioned command writes). */
class MemoryCaseStore implements CaseStore {
  cases = new Map<string, CaseRecord>();
  commands = new Map<string, CaseEvent[]>();
  timeline = new Map<string, TimelineEntry[]>();

  async findingOutcome(): Promise<CaseEvent[] | undefined> {
    return undefined;
  }
  async commandOutcome(commandId: string): Promise<CaseEvent[] | undefined> {
    return this.commands.get(commandId);
  }
  async getCorrelation(): Promise<CorrelationRecord | undefined> {
    return undefined;
  }
  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const c = this.cases.get(caseId);
    return c && structuredClone(c);
  }
  async getCaseDetail(caseId: string): Promise<CaseDetail | undefined> {
    const c = await this.getCase(caseId);
    return c && { case: c, alerts: [], timeline: this.timeline.get(caseId) ?? [] };
  }
  async listCases(q: CaseQuery): Promise<CasePage> {
    let start = 0;
    if (q.nextToken !== undefined) {
      const m = /^tok-(\d+)$/.exec(q.nextToken);
      if (!m) throw new Error('nextToken is not a token this API issued');
      start = Number(m[1]);
    }
    const all = [...this.cases.values()]
      .filter((c) => c.tenantId === q.tenantId && (!q.status || c.status === q.status) && (!q.severity || c.severity === q.severity))
      .filter((c) => (!q.from || c.createdAt >= q.from) && (!q.to || c.createdAt < q.to))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const page = all.slice(start, start + q.limit);
    return { cases: page, ...(start + q.limit < all.length ? { nextToken: `tok-${start + q.limit}` } : {}) };
  }
  async openCase(): Promise<WriteResult> {
    throw new Error('not used by the case API');
  }
  async attachAlerts(): Promise<WriteResult> {
    throw new Error('not used by the case API');
  }
  async applyCommand(input: { commandId: string; writes: CaseWrite[]; events: CaseEvent[] }): Promise<WriteResult> {
    if (this.commands.has(input.commandId)) return 'duplicate';
    for (const w of input.writes) if ((this.cases.get(w.case.caseId)?.version ?? -1) !== w.expectedVersion) return 'conflict';
    for (const w of input.writes) {
      this.cases.set(w.case.caseId, structuredClone(w.case));
      this.timeline.set(w.case.caseId, [...(this.timeline.get(w.case.caseId) ?? []), w.timeline]);
    }
    this.commands.set(input.commandId, input.events);
    return 'ok';
  }
}

const STATUSES: CaseStatus[] = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'MERGED'];

function seedCase(id: string, status: CaseStatus, tenantId = TENANT): CaseRecord {
  const at = '2026-03-02T10:00:00.000Z';
  return {
    caseId: id,
    tenantId,
    title: `Case ${id}`,
    status,
    severity: 'high',
    ruleId: 'rule-1',
    tags: ['attack.defense_evasion'],
    correlationKey: `key-${id}`,
    entities: { users: ['alice'], hosts: [], ips: ['198.51.100.7'], accounts: ['111122223333'], resources: [] },
    alertCount: 1,
    detectedAt: at,
    createdAt: at,
    firstSeen: at,
    lastSeen: at,
    updatedAt: at,
    version: 1,
    ...(status === 'RESOLVED' || status === 'CLOSED' ? { resolvedAt: '2026-03-02T11:00:00.000Z', resolution: 'false_positive' } : {}),
  };
}

function freshHandler() {
  const store = new MemoryCaseStore();
  STATUSES.forEach((s, i) => store.cases.set(`case-${i}`, seedCase(`case-${i}`, s)));
  store.cases.set('case-other', seedCase('case-other', 'NEW', 'other-tenant'));
  const handler = createCaseApiHandler({ store, publish: async () => true, tenantId: TENANT, settings: { reopenWindowMs: 72 * 3_600_000 }, now: () => NOW });
  return { store, handler };
}

interface Req {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  signed?: boolean;
}

let requestSeq = 0;
function event(r: Req): APIGatewayProxyEventV2WithIAMAuthorizer {
  const body = r.body === undefined ? undefined : r.base64 ? Buffer.from(r.body, 'utf8').toString('base64') : r.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: r.path,
    rawQueryString: '',
    headers: r.headers ?? {},
    queryStringParameters: r.query,
    body,
    isBase64Encoded: Boolean(r.base64),
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: r.method, path: r.path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'fuzz' },
      requestId: `req-${++requestSeq}`,
      routeKey: '$default',
      stage: '$default',
      time: NOW.toISOString(),
      timeEpoch: NOW.getTime(),
      authorizer:
        r.signed === false
          ? (undefined as never)
          : { iam: { accessKey: 'AKIA', accountId: '111122223333', callerId: 'AIDA', cognitoIdentity: null as never, principalOrgId: null as never, userArn: 'arn:aws:iam::111122223333:user/analyst', userId: 'AIDA' } },
    },
  } as APIGatewayProxyEventV2WithIAMAuthorizer;
}

/** The API's error contract. */
function expectErrorBody(res: APIGatewayProxyStructuredResultV2): void {
  const body = JSON.parse(String(res.body)) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code).toBe('string');
  expect(typeof body.error?.message).toBe('string');
  expect(String(body.error?.message).length).toBeGreaterThan(0);
}

async function call(r: Req): Promise<APIGatewayProxyStructuredResultV2> {
  const { handler } = freshHandler();
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const res = await handler(event(r));
    statuses.set(Number(res.statusCode), (statuses.get(Number(res.statusCode)) ?? 0) + 1);
    return res;
  } finally {
    errors.mockRestore();
  }
}

async function expect4xx(r: Req): Promise<void> {
  const res = await call(r);
  if (!(Number(res.statusCode) >= 400 && Number(res.statusCode) < 500)) throw new Error(`expected 4xx for ${JSON.stringify(r)}, got ${res.statusCode} ${String(res.body)}`);
  expectErrorBody(res);
}

const CASE_IDS = ['case-0', 'case-1', 'case-2', 'case-3', 'case-4', 'case-5'];
const VERBS = ['acknowledge', 'unacknowledge', 'start', 'resolve', 'close', 'reopen', 'assign', 'notes', 'merge'];
const arbJunk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', ' ', '-1', '0', '101', '1.5', 'NaN', '1e3', 'null', 'ACKNOWLEDGED ', 'new', '2026-02-30T25:00:00Z', 'tok-x', 'tok-', '\u0000', '%00', '../'));

/** A body that parseAction must refuse for the verb (missing, empty, wrong type, or not an object). */
function arbBadBody(verb: string): fc.Arbitrary<string> {
  const field = { resolve: 'resolution', assign: 'assignee', notes: 'text', merge: 'into' }[verb];
  const badValue = fc.oneof(fc.constantFrom(null, 0, 1, true, false, '', '   ', [], {}, ['x']), fc.integer(), fc.array(fc.string(), { maxLength: 2 }));
  const notObject = fc.oneof(
    fc.constantFrom('[]', '[1]', 'null', '42', '"text"', 'true', '{', '{"a":', 'not json', '{"resolution":"true_positive"', '\u0000'),
    fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  );
  if (!field) return notObject;
  const wrong = badValue.map((v) => JSON.stringify({ [field]: v }));
  const missing = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== field), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }).map((o) => JSON.stringify(o));
  const badResolution = fc.string({ maxLength: 20 }).filter((s) => !['true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate'].includes(s) && s.trim() !== '');
  return verb === 'resolve' ? fc.oneof(notObject, wrong, missing, badResolution.map((s) => JSON.stringify({ resolution: s }))) : fc.oneof(notObject, wrong, missing);
}

const arbMalformed: fc.Arbitrary<{ kind: string; req: Req }> = fc.oneof(
  // Unsigned: no IAM principal.
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: fc.constantFrom('/cases', '/metrics', '/cases/case-0', '/cases/case-0/acknowledge') }).map((r) => ({ kind: 'unsigned', req: { ...r, signed: false } })),
  // No such route.
  fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'get'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('/', '/case', '/cases/', '/cases/a/b/c', '/cases/case-0/ack', '/cases/case-0/Acknowledge', `/cases/${'x'.repeat(65)}`, '/cases/ca$e', '/metrics/x'))).filter(
    ([m, p]) => {
      const path = p.replace(/\/+$/, '') || '/';
      if (m === 'GET' && (path === '/cases' || path === '/metrics' || /^\/cases\/[A-Za-z0-9-]{1,64}$/.test(path))) return false;
      const a = /^\/cases\/[A-Za-z0-9-]{1,64}\/([a-z]+)$/.exec(path);
      return !(m === 'POST' && a && VERBS.includes(a[1]));
    },
  ).map(([method, path]) => ({ kind: 'no-route', req: { method, path } })),
  // Listing with a bad filter.
  fc.tuple(fc.constantFrom('status', 'severity', 'limit', 'from', 'to', 'nextToken'), arbJunk).filter(([k, v]) => {
    if (k === 'status') return !STATUSES.includes(v as CaseStatus) && v !== '';
    if (k === 'severity') return !['informational', 'low', 'medium', 'high', 'critical'].includes(v) && v !== '';
    if (k === 'limit') return !(Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 100);
    if (k === 'from' || k === 'to') return Number.isNaN(Date.parse(v));
    return !/^tok-\d+$/.test(v);
  }).map(([k, v]) => ({ kind: 'bad-query', req: { method: 'GET', path: '/cases', query: { [k]: v } } })),
  // Action with a body parseAction refuses.
  fc.constantFrom(...VERBS.filter((v) => ['resolve', 'assign', 'notes', 'merge'].includes(v))).chain((verb) =>
    fc.tuple(fc.constantFrom(...CASE_IDS), arbBadBody(verb), fc.boolean()).map(([id, body, base64]) => ({ kind: 'bad-body', req: { method: 'POST', path: `/cases/${id}/${verb}`, body, base64 } })),
  ),
  // Any action with a body that is not a JSON object.
  fc.tuple(fc.constantFrom(...VERBS), fc.constantFrom(...CASE_IDS), fc.constantFrom('[]', 'null', '1', '"x"', '{', 'nope', '{"a":1}}')).map(([verb, id, body]) => ({ kind: 'not-object', req: { method: 'POST', path: `/cases/${id}/${verb}`, body } })),
  // Unknown case, or another tenant's.
  fc.tuple(fc.constantFrom(...VERBS), fc.constantFrom('case-missing', 'case-other', 'x')).map(([verb, id]) => ({ kind: 'no-case', req: { method: 'POST', path: `/cases/${id}/${verb}`, body: JSON.stringify({ resolution: 'true_positive', assignee: 'bob', text: 'n', into: 'case-1' }) } })),
  fc.constantFrom('case-missing', 'case-other').map((id) => ({ kind: 'no-case', req: { method: 'GET', path: `/cases/${id}` } })),
  // A bad Idempotency-Key on an otherwise valid action.
  fc.tuple(fc.oneof(fc.string({ maxLength: 7 }), fc.string({ minLength: 129, maxLength: 140 }), fc.string({ minLength: 8, maxLength: 20 }).map((s) => `${s} bad/`))).filter(([k]) => !/^[A-Za-z0-9_.:-]{8,128}$/.test(k)).map(([key]) => ({
    kind: 'bad-idempotency-key',
    req: { method: 'POST', path: '/cases/case-0/notes', body: JSON.stringify({ text: 'a note' }), headers: { 'idempotency-key': key } },
  })),
  // Transitions the state machine refuses (409) and merge targets that do not exist (404).
  fc.tuple(fc.constantFrom(...CASE_IDS), fc.constantFrom('close', 'reopen', 'unacknowledge')).filter(([id, verb]) => {
    const s = STATUSES[Number(id.slice(5))];
    return (verb === 'close' && s !== 'RESOLVED') || (verb === 'reopen' && s !== 'RESOLVED' && s !== 'CLOSED') || (verb === 'unacknowledge' && s !== 'ACKNOWLEDGED');
  }).map(([id, verb]) => ({ kind: 'illegal-transition', req: { method: 'POST', path: `/cases/${id}/${verb}` } })),
  fc.string({ minLength: 1, maxLength: 20 }).map((into) => ({ kind: 'bad-merge', req: { method: 'POST', path: '/cases/case-0/merge', body: JSON.stringify({ into: `zz${into}` }) } })),
);

/** Anything a client could send: method, path, query, headers and body all arbitrary. */
const arbAnyRequest: fc.Arbitrary<Req> = fc.record(
  {
    method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('PUT', 'DELETE'), fc.string({ maxLength: 8 })) }),
    path: fc.oneof(
      fc.tuple(fc.constantFrom('/cases/', '/cases/case-', '/metrics', '/cases'), fc.string({ maxLength: 20 }), fc.constantFrom('', '/acknowledge', '/resolve', '/merge', '/notes', '/assign', '/start', '/reopen', '/close', '/unacknowledge')).map(([a, b, c]) => `${a}${b}${c}`),
      fc.constantFrom(...CASE_IDS).chain((id) => fc.constantFrom(...VERBS).map((v) => `/cases/${id}/${v}`)),
      fc.constantFrom('/cases', '/metrics', ...CASE_IDS.map((id) => `/cases/${id}`)),
      fc.string({ maxLength: 40 }),
    ),
    query: fc.dictionary(fc.constantFrom('status', 'severity', 'limit', 'from', 'to', 'nextToken', 'x'), arbJunk, { maxKeys: 4 }),
    headers: fc.dictionary(fc.constantFrom('idempotency-key', 'content-type', 'x-anything'), fc.string({ maxLength: 140 }), { maxKeys: 2 }),
    body: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.record({ resolution: fc.oneof(fc.constantFrom('true_positive', 'duplicate'), fc.string()), text: fc.string({ maxLength: 5000 }), assignee: fc.string({ maxLength: 300 }), into: fc.constantFrom(...CASE_IDS, 'case-other', 'nope') }, { requiredKeys: [] }).map((o) => JSON.stringify(o))),
    base64: fc.constantFrom(false, false, false, true),
    signed: fc.constantFrom(true, true, true, true, false),
  },
  { requiredKeys: ['method', 'path'] },
);

describe('fuzz: case API', () => {
  it('every malformed request gets a 4xx with {"error":{"code","message"}}, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(arbMalformed, async ({ kind, req }) => {
        hit(`malformed:${kind}`);
        await expect4xx(req);
      }),
      runs(1200),
    );
  });

  it('no request at all gets a 5xx; every 4xx carries the error body', async () => {
    await fc.assert(
      fc.asyncProperty(arbAnyRequest, async (req) => {
        hit('any');
        const res = await call(req);
        const status = Number(res.statusCode);
        if (status >= 500) throw new Error(`${status} for ${JSON.stringify(req)}: ${String(res.body)}`);
        if (status >= 400) expectErrorBody(res);
        else expect(() => JSON.parse(String(res.body)) as unknown).not.toThrow();
      }),
      runs(1200),
    );
  });

  it('parseAction returns an action of the asked type or throws CaseError invalid_request, nothing else', () => {
    const arbBody = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 10 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
      fc.record({ resolution: fc.anything({ maxDepth: 1 }), comment: fc.anything({ maxDepth: 1 }), reason: fc.anything({ maxDepth: 1 }), assignee: fc.anything({ maxDepth: 1 }), text: fc.anything({ maxDepth: 1 }), into: fc.anything({ maxDepth: 1 }) }, { requiredKeys: [] }),
      fc.record({ resolution: fc.constantFrom('true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate', 'TRUE_POSITIVE', ''), assignee: fc.string(), text: fc.string(), into: fc.string() }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('acknowledge', 'unacknowledge', 'start', 'resolve', 'close', 'reopen', 'assign', 'note', 'merge'), fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'notes')), arbBody, (verb, body) => {
        hit('parseAction');
        try {
          const a = parseAction(verb, body as Record<string, unknown>);
          expect(a.type).toBe(verb);
          if (a.type === 'resolve') expect(['true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate']).toContain(a.resolution);
          if (a.type === 'assign') expect(typeof a.assignee === 'string' && a.assignee.trim().length > 0).toBe(true);
          if (a.type === 'note') expect(typeof a.text === 'string' && a.text.trim().length > 0).toBe(true);
          if (a.type === 'merge') expect(typeof a.into === 'string' && a.into.trim().length > 0).toBe(true);
        } catch (e) {
          if (!(e instanceof CaseError)) throw e;
          expect(e.code).toBe('invalid_request');
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      runs(2000),
    );
  });
});
