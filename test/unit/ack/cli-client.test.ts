import { CaseApiClient, isLoopback, regionOf } from '../../../cli/commands/cases';

/** The `mdr cases` client: loopback called plainly, anything else SigV4-signed for execute-api. */
describe('case API client', () => {
  const saved = { ...process.env };
  let calls: { url: string; init: RequestInit }[];

  beforeEach(() => {
    calls = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ cases: [] }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });

  it('tells loopback from remote, and reads the region from an execute-api host', () => {
    expect(isLoopback(new URL('http://127.0.0.1:3000'))).toBe(true);
    expect(isLoopback(new URL('http://localhost:3000'))).toBe(true);
    expect(isLoopback(new URL('http://[::1]:3000'))).toBe(true);
    expect(isLoopback(new URL('https://abc.execute-api.eu-west-1.amazonaws.com'))).toBe(false);
    expect(regionOf(new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'))).toBe('eu-west-1');
    expect(regionOf(new URL('https://cases.example.com'))).toBeUndefined();
  });

  it('calls the local API plainly with the caller header', async () => {
    await new CaseApiClient({ api: 'http://127.0.0.1:4567', localUser: 'alice' }).request('GET', '/cases', { limit: '5' });
    expect(calls[0].url).toBe('http://127.0.0.1:4567/cases?limit=5');
    const h = calls[0].init.headers as Record<string, string>;
    expect(h['x-mdr-local-user']).toBe('alice');
    expect(h.authorization).toBeUndefined();
  });

  it('signs remote requests with SigV4 for execute-api in the URL’s region, keeping the stage path', async () => {
    await new CaseApiClient({ api: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/' }).request('POST', '/cases/case-1/notes', {}, { text: 'hi' }, { 'idempotency-key': 'k-12345678' });
    expect(calls[0].url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/cases/case-1/notes');
    const h = calls[0].init.headers as Record<string, string>;
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*idempotency-key/);
    expect(h['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(h.host).toBeUndefined();
    expect(calls[0].init.body).toBe('{"text":"hi"}');
  });

  it('refuses plain http beyond loopback and a remote call without a region', async () => {
    expect(() => new CaseApiClient({ api: 'http://cases.example.com' })).toThrow(/https/);
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await expect(new CaseApiClient({ api: 'https://cases.example.com' }).request('GET', '/cases')).rejects.toThrow(/region/);
  });

  it('turns API errors into messages with the code', async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ error: { code: 'not_found', message: 'case x not found' } }), { status: 404 }));
    await expect(new CaseApiClient({ api: 'http://127.0.0.1:1' }).request('GET', '/cases/x')).rejects.toThrow('not_found: case x not found (HTTP 404)');
  });
});
