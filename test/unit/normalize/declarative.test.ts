import { createDeclarativeSource, parseMappingFile, DeclarativeSpecError } from '../../../shared/normalize/sources/declarative';
import { builtInSources, normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch as normalizeMessages } from '../../../shared/normalize/normalize-batch';
import { expectValid, fixture, fixtureText } from './helpers';

describe('declarative mappings', () => {
  const [swg] = parseMappingFile(fixtureText('declarative', 'acme-swg.mapping.json'));
  const vpn = createDeclarativeSource(fixture('declarative', 'acme-vpn.mapping.json'));
  const sources = [...builtInSources, swg, vpn];

  test('web gateway records → HTTP Activity per the mapping', () => {
    const { records } = unwrapText(fixtureText('declarative', 'acme-swg.ndjson'));
    expect(recognize(records[0], sources)?.id).toBe('acme.swg');
    const { events, failures } = normalizeBatch(records, sources);
    expect(failures).toEqual([]);
    expectValid(events);
    const [get, post] = events;
    expect(get).toMatchObject({ uid: 'r-0001', source: 'acme.swg', logsource: { product: 'acme', category: 'proxy' }, time: 1772474400000, raw: records[0] });
    expect(get.ocsf).toMatchObject({
      class_uid: 4002,
      category_uid: 4,
      activity_id: 3,
      type_uid: 400203,
      activity_name: 'Get',
      severity_id: 1,
      status_id: 1,
      src_endpoint: { ip: '10.1.2.42', port: 51514 },
      dst_endpoint: { hostname: 'updates.example.org', ip: '192.0.2.10', port: 443 },
      http_request: { http_method: 'GET', url: { url_string: 'https://updates.example.org/check?v=2' }, user_agent: 'curl/8.5.0' },
      http_response: { code: 200 },
      actor: { user: { name: 'alice' } },
      disposition_id: 1,
      metadata: { log_name: 'swg-access', uid: 'r-0001', product: { name: 'Secure Web Gateway', vendor_name: 'Acme', version: '4.2' } },
      unmapped: { vendor: 'acme', log_type: 'web', category: 'software-updates', bytes_out: 512 },
    });
    expect(Object.keys(get.ocsf.unmapped!).sort()).toEqual(['bytes_out', 'category', 'log_type', 'vendor']);
    // String port converted by type: integer.
    expect(post.ocsf).toMatchObject({ activity_id: 6, severity_id: 4, status_id: 2, dst_endpoint: { port: 8443 }, disposition_id: 2 });
  });

  test('a message body is normalized with the sources given (the mapping after the built-ins); the built-ins alone reject it', () => {
    const body = fixtureText('declarative', 'acme-swg.ndjson');
    const { records } = unwrapText(body);
    const withMapping = normalizeMessages([{ messageId: 'm1', body }], {}, sources);
    expect(withMapping.rejected).toEqual([]);
    expect(withMapping.events.map((e) => e.event)).toEqual(normalizeBatch(records, sources).events);
    const builtIn = normalizeMessages([{ messageId: 'm1', body }]);
    expect(builtIn.events).toEqual([]);
    expect(builtIn.rejected.map((r) => r.reason)).toEqual(['no recognizable source', 'no recognizable source']);
  });

  test('VPN logins → Authentication; booleans converted', () => {
    const { records } = unwrapText(fixtureText('declarative', 'acme-vpn.ndjson'));
    const { events, failures } = normalizeBatch(records, sources);
    expect(failures).toEqual([]);
    expectValid(events);
    expect(events[0].ocsf).toMatchObject({ class_uid: 3002, status_id: 1, is_mfa: true, user: { name: 'alice' }, service: { name: 'Acme VPN' } });
    expect(events[1].ocsf).toMatchObject({ status_id: 2, severity_id: 3, is_mfa: false });
    expect(events[0].uid).toMatch(/^[0-9a-f]{64}$/);
  });

  test('record errors become NormalizeErrors with the source field named', () => {
    const { records } = unwrapText(fixtureText('declarative', 'acme-swg.ndjson'));
    const r0 = records[0] as Record<string, unknown>;
    expect(normalizeRecord({ ...r0, request: { method: 'GET' } }, sources)).toEqual({ ok: false, source: 'acme.swg', reason: 'request.url: missing required field' });
    expect(normalizeRecord({ ...r0, client: { ip: '1.2.3.4', port: 'high' } }, sources)).toEqual({ ok: false, source: 'acme.swg', reason: 'client.port: expected an integer, got string' });
    expect(normalizeRecord({ ...r0, ts: 'soon' }, sources)).toMatchObject({ ok: false, reason: 'ts: expected an epoch number, got string' });
    const v = { product: 'acme-vpn', event: 'login_ok', when: '2026-03-02T18:00:00Z', remote_addr: '1.1.1.1' };
    expect(normalizeRecord(v, sources)).toMatchObject({ ok: false, source: 'acme.vpn', reason: 'username: missing required field' });
  });

  test('an invalid OCSF result is refused (class requirements enforced)', () => {
    const m = createDeclarativeSource({ id: 'x.auth', match: { field: 'k', equals: 1 }, class_uid: 3002, time: { field: 't' }, product: { name: 'X', vendor_name: 'X' }, fields: { 'src_endpoint.ip': 'ip' } });
    expect(normalizeRecord({ k: 1, t: 1772474400, ip: '1.1.1.1' }, [m])).toMatchObject({ ok: false, reason: expect.stringContaining('user: required') });
  });

  test('bad mappings are rejected up front', () => {
    const ok = fixture('declarative', 'acme-vpn.mapping.json');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, id: '' }, /^id:/],
      [{ ...ok, match: { field: 'a' } }, /^match: a condition needs/],
      [{ ...ok, match: { field: 'a', regex: '(' } }, /^match.regex:/],
      [{ ...ok, class_uid: 12345 }, /not a built-in class/],
      [{ ...ok, time: { field: 'when', format: 'weird' } }, /^time.format/],
      [{ ...ok, product: { name: 'x' } }, /^product:/],
      [{ ...ok, fields: { class_uid: 'x' } }, /own key/],
      [{ ...ok, fields: { 'user.name': { field: 'u', type: 'date' } } }, /type: one of/],
      // The product object is shared by every event of the mapping; prototype names would write to every object.
      [{ ...ok, fields: { 'metadata.product.name': 'u' } }, /^fields.metadata.product.name: set the product with the mapping's own `product` key/],
      [{ ...ok, fields: { '__proto__.polluted': 'u' } }, /^fields.__proto__.polluted: '__proto__' is not an OCSF attribute name/],
      [{ ...ok, fields: { 'user.constructor.prototype.polluted': 'u' } }, /'constructor' is not an OCSF attribute name/],
    ];
    for (const [spec, re] of bad) {
      expect(() => createDeclarativeSource(spec)).toThrow(DeclarativeSpecError);
      expect(() => createDeclarativeSource(spec)).toThrow(re);
    }
    expect(() => parseMappingFile('id: yaml')).toThrow(/not JSON/);
  });

  test('code generated for a mapping sets the same fields as the general loop, errors included', () => {
    const spec = {
      id: 'gen.check',
      match: { field: 'k', equals: 1 },
      class_uid: 4001,
      time: { field: 't' },
      product: { name: 'G', vendor_name: 'G', version: '1' },
      fields: {
        'src_endpoint.ip': 'a.b.c',
        'src_endpoint.port': { field: 'a.port', type: 'integer' },
        x: 'n',
        'x.y': 'm',
        'metadata.log_name': { value: 'gen' },
        'unmapped.extra': 'e',
        'arr.0': 'list.0',
        'q.r': 'absent',
        'dst_endpoint.hostname': { field: 'host', type: 'string', required: true },
        'dst_endpoint.svc': { field: 'svc', map: { '1': 'one', '2': 'two' }, default: 'other' },
        'we"ird.k\\ey': 'w',
        count: 5,
      },
      unmapped: true,
    };
    const generated = createDeclarativeSource(spec);
    const general = createDeclarativeSource(spec, { generateCode: false });
    const base = { k: 1, t: 1772474400, a: { b: { c: '10.0.0.1' }, port: '8443' }, n: 7, m: 'em', e: 'ee', list: ['l0'], host: 'h', svc: 2, w: 'ww', z: 'zz' };
    const records: Record<string, unknown>[] = [
      base,
      { ...base, a: null, n: undefined, list: 'notalist', svc: 9 },
      { ...base, a: { b: 'str' }, x: 1, svc: null },
      { ...base, n: { already: 'object' } },
      { ...base, host: undefined },
      { ...base, a: { port: 'high' } },
      // An own "__proto__" key, as JSON.parse makes it, among the unmapped ones.
      { ...JSON.parse('{"__proto__":{"p":1}}'), ...base, list: [] },
    ];
    const run = (m: typeof generated, r: Record<string, unknown>) => {
      try {
        return JSON.stringify(m.normalize(r));
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    for (const r of records) expect(run(generated, r)).toBe(run(general, r));
    expect(run(generated, records[4])).toBe('error: host: missing required field');
  });

  test('conditions: any, not, exists, type; recognize never throws', () => {
    const m = createDeclarativeSource({
      id: 'cond',
      match: { any: [{ field: 'a.b', exists: true }, { all: [{ field: 'n', type: 'number' }, { not: { field: 'n', equals: 0 } }] }] },
      class_uid: 0,
      activity_id: 99,
      time: { field: 't', format: 'auto' },
      product: { name: 'C', vendor_name: 'C' },
    });
    expect(m.recognize({ a: { b: 0 } })).toBe(true);
    expect(m.recognize({ a: 'str' })).toBe(false);
    expect(m.recognize({ n: 2 })).toBe(true);
    expect(m.recognize({ n: 0 })).toBe(false);
    const [e] = m.normalize({ n: 2, t: '2026-03-02T18:00:00Z' });
    expect(e.time).toBe(Date.parse('2026-03-02T18:00:00Z'));
    expect(m.normalize({ n: 2, t: 1772474400 })[0].time).toBe(1772474400000);
  });
});
