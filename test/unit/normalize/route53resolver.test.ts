import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { createHash } from 'node:crypto';
import { baseEvent } from '../../../shared/normalize/sources/common';
import { OcsfClass } from '../../../shared/ocsf/classes';
import { expectValid, fixtureText } from './helpers';

describe('route53resolver', () => {
  const { records } = unwrapText(fixtureText('route53resolver', 'queries.log'));

  test('query log lines → DNS Activity', () => {
    expect(records).toHaveLength(3);
    expect(recognize(records[0])?.id).toBe('aws.route53resolver');
    const { events, failures } = normalizeBatch(records);
    expect(failures).toEqual([]);
    expectValid(events);
    const [ok, nx, blocked] = events;
    expect(ok.raw).toBe(records[0]);
    expect(ok.logsource).toEqual({ product: 'aws', service: 'route53resolver' });
    expect(ok.time).toBe(Date.parse('2026-03-02T14:01:02Z'));
    expect(ok.ocsf).toMatchObject({
      class_uid: 4003,
      activity_id: 6,
      type_uid: 400306,
      query: { hostname: 'updates.example.com.', type: 'A', class: 'IN' },
      answers: [{ rdata: '192.0.2.44', type: 'A', class: 'IN' }, { rdata: '192.0.2.45' }],
      rcode_id: 0,
      rcode: 'NOERROR',
      src_endpoint: { ip: '10.0.4.12', port: 53124, instance_uid: 'i-0a1b2c3d4e5f60718', vpc_uid: 'vpc-0ee55ff66aa77bb88' },
      connection_info: { protocol_name: 'udp', protocol_num: 17 },
      cloud: { region: 'eu-west-1', account: { uid: '111122223333' } },
    });
    expect(nx.ocsf).toMatchObject({ rcode_id: 3, rcode: 'NXDOMAIN', answers: [] });
    expect(blocked.ocsf).toMatchObject({ action_id: 2, disposition_id: 2, severity_id: 3, unmapped: { firewall_rule_action: 'BLOCK', resolver_endpoint: 'rslvr-in-0123456789abcdef0' } });
  });

  test('the usual record (built as one literal) and the others (baseEvent, then member by member): the same members in the same order', () => {
    const [ok, , blocked] = records;
    const event = (rec: Record<string, unknown>) => {
      const r = normalizeRecord(rec);
      if (!r.ok) throw new Error(r.reason);
      return r.events[0].ocsf;
    };
    // JSON with keys in order, undefined members shown: toEqual alone ignores both.
    const shown = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '(undefined)' : x));
    const usual = event(ok);
    const base = baseEvent(OcsfClass.DnsActivity, 6, usual.time, usual.metadata.product, { original_time: ok.query_timestamp as string, severity_id: 1, log_name: 'route53-resolver-query-logs' });
    expect(shown(Object.fromEntries(Object.entries(usual).slice(0, Object.keys(base).length)))).toBe(shown(base));
    expect(Object.keys(usual).slice(Object.keys(base).length)).toEqual(['query', 'answers', 'rcode', 'rcode_id', 'src_endpoint', 'connection_info', 'cloud']);
    // The same record through the general path (a firewall action ALERT, then the firewall members taken out) is the same event.
    const general = event({ ...ok, firewall_rule_action: 'ALERT' });
    for (const k of ['action_id', 'action', 'disposition_id', 'disposition', 'unmapped']) delete general[k];
    expect(shown(general)).toBe(shown(usual));
    // Without a class, a type, a region or an account: the members that are there, in the same order.
    const sparse = event({ ...ok, query_class: undefined, answers: [{ Rdata: 'x', Class: 'IN' }], region: undefined, account_id: '' });
    expect(shown([sparse.query, sparse.answers, sparse.cloud])).toBe(shown([{ hostname: 'updates.example.com.', type: 'A' }, [{ rdata: 'x', class: 'IN' }], { provider: 'AWS' }]));
    expect(Object.keys(event(blocked))).toEqual([...Object.keys(base), 'query', 'answers', 'rcode', 'rcode_id', 'src_endpoint', 'connection_info', 'action_id', 'action', 'disposition_id', 'disposition', 'cloud', 'unmapped']);
  });

  test("an rcode named like an object's built-in member is an unknown rcode (99), not that member", () => {
    for (const rcode of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = normalizeRecord({ ...records[0], rcode });
      if (!r.ok) throw new Error(r.reason);
      expect([r.events[0].ocsf.rcode, r.events[0].ocsf.rcode_id]).toEqual([rcode, 99]);
    }
    expect(normalizeRecord({ ...records[0], rcode: 'BADCOOKIE' })).toMatchObject({ ok: true, events: [{ ocsf: { rcode_id: 23 } }] });
  });

  test('bad input', () => {
    expect(normalizeRecord({ ...records[0], answers: 'none' })).toMatchObject({ ok: false, source: 'aws.route53resolver', reason: 'answers: expected an array, got string' });
    expect(normalizeRecord({ ...records[0], query_timestamp: 1 })).toMatchObject({ ok: false, reason: 'query_timestamp: expected a timestamp string, got number' });
    expect(normalizeRecord({ ...records[0], answers: [{ Rdata: 1 }] })).toMatchObject({ ok: false, reason: 'answers[0].Rdata: expected a string, got number' });
  });
  describe('uid: the query, not the record', () => {
    const uidOf = (rec: Record<string, unknown>) => {
      const r = normalizeRecord(rec);
      if (!r.ok) throw new Error(r.reason);
      return r.events[0].uid;
    };
    const [ok, , blocked] = records;

    test('is the sha256 of the documented identity fields, each ended by NUL', () => {
      // docs/sources/route53resolver.md: source, account, region, VPC, time, source address and port, instance,
      // resolver endpoint, transport, name, class, type.
      const parts = ['aws.route53resolver', '111122223333', 'eu-west-1', 'vpc-0ee55ff66aa77bb88', '2026-03-02T14:01:02Z', '10.0.4.12', '53124', 'i-0a1b2c3d4e5f60718', '', 'UDP', 'updates.example.com.', 'IN', 'A'];
      const expected = createHash('sha256').update(parts.map((p) => `${p}\0`).join('')).digest('hex').slice(0, 32);
      expect(uidOf(ok)).toBe(expected);
      expect(uidOf(ok)).toBe('0ef72bf2fcfb77b9b3f48e8f0d7b691f');
    });

    test('the same for the same query written again: key order, a numeric port, another answer list', () => {
      const reordered = Object.fromEntries(Object.entries(ok).reverse());
      expect(uidOf(reordered)).toBe(uidOf(ok));
      expect(uidOf({ ...ok, srcport: 53124 })).toBe(uidOf(ok));
      // The port as a number's text, however the record wrote the number.
      for (const srcport of ['053124', '53124.0', ' 53124', 5.3124e4]) expect(uidOf({ ...ok, srcport })).toBe(uidOf(ok));
      for (const srcport of ['0', 0, '00']) expect(uidOf({ ...ok, srcport })).toBe(uidOf({ ...ok, srcport: '0' }));
      expect(uidOf({ ...ok, srcport: '0' })).not.toBe(uidOf(ok));
      expect(uidOf({ ...ok, answers: [], rcode: 'SERVFAIL' })).toBe(uidOf(ok));
    });

    test('differs when any identity field differs, and does not run fields together', () => {
      const base = uidOf(blocked);
      const changed: Record<string, unknown>[] = [
        { account_id: '444455556666' },
        { region: 'us-east-1' },
        { vpc_id: 'vpc-0000000000000000a' },
        { query_timestamp: '2026-03-02T14:02:31Z' },
        { srcaddr: '10.0.9.8' },
        { srcport: '1054' },
        { srcids: { instance: 'i-0000000000000000b', resolver_endpoint: 'rslvr-in-0123456789abcdef0' } },
        { srcids: { instance: 'i-0f9e8d7c6b5a43210' } },
        { transport: 'UDP' },
        { query_name: 'c3.malicious.example.' },
        { query_class: 'CH' },
        { query_type: 'A' },
      ];
      const uids = changed.map((c) => uidOf({ ...blocked, ...c }));
      expect(new Set([base, ...uids]).size).toBe(changed.length + 1);
      // A value moved from one field to the next is another query.
      expect(uidOf({ ...blocked, query_name: 'TXT', query_type: 'c2.malicious.example.' })).not.toBe(base);
    });
  });
});
