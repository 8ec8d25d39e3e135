import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
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

  test('bad input', () => {
    expect(normalizeRecord({ ...records[0], answers: 'none' })).toMatchObject({ ok: false, source: 'aws.route53resolver', reason: 'answers: expected an array, got string' });
    expect(normalizeRecord({ ...records[0], query_timestamp: 1 })).toMatchObject({ ok: false, reason: 'query_timestamp: expected a timestamp string, got number' });
    expect(normalizeRecord({ ...records[0], answers: [{ Rdata: 1 }] })).toMatchObject({ ok: false, reason: 'answers[0].Rdata: expected a string, got number' });
  });
});
