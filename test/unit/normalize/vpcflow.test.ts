import { vpcflow, parseVpcFlowLine, isVpcFlowHeader } from '../../../shared/normalize/sources/vpcflow';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixtureText } from './helpers';

describe('vpcflow', () => {
  test('default v2 file: header + lines → Network Activity Traffic', () => {
    const { records, failures } = unwrapText(fixtureText('vpcflow', 'default-v2.log'));
    expect(failures).toEqual([]);
    expect(records).toHaveLength(4);
    expect(recognize(records[0])?.id).toBe('aws.vpcflow');
    const { events, failures: nf } = normalizeBatch(records);
    expect(nf).toEqual([]);
    expectValid(events);
    const [inbound, , rejected, nodata] = events;
    expect(inbound.raw).toEqual({ version: '2', 'account-id': '111122223333', 'interface-id': 'eni-0123abcd4567ef890', srcaddr: '198.51.100.66', dstaddr: '10.0.4.12', srcport: '40022', dstport: '22', protocol: '6', packets: '20', bytes: '4249', start: '1772452800', end: '1772452860', action: 'ACCEPT', 'log-status': 'OK' });
    expect(inbound.logsource).toEqual({ product: 'aws', service: 'vpcflowlogs' });
    expect(inbound.time).toBe(1772452800000);
    expect(inbound.uid).toMatch(/^[0-9a-f]{64}$/);
    expect(inbound.ocsf).toMatchObject({
      class_uid: 4001,
      activity_id: 6,
      type_uid: 400106,
      src_endpoint: { ip: '198.51.100.66', port: 40022, interface_uid: 'eni-0123abcd4567ef890' },
      dst_endpoint: { ip: '10.0.4.12', port: 22 },
      connection_info: { protocol_num: 6, protocol_name: 'tcp' },
      traffic: { packets: 20, bytes: 4249 },
      start_time: 1772452800000,
      end_time: 1772452860000,
      action_id: 1,
      disposition_id: 1,
      cloud: { provider: 'AWS', account: { uid: '111122223333' } },
      status_detail: 'OK',
    });
    expect(rejected.ocsf).toMatchObject({ action_id: 2, disposition: 'Blocked' });
    // NODATA: no addresses, still a valid event about the interface.
    expect(nodata.ocsf.dst_endpoint).toBeUndefined();
    expect(nodata.ocsf).toMatchObject({ src_endpoint: { interface_uid: 'eni-0123abcd4567ef890' }, status_detail: 'NODATA' });
    expect(new Set(events.map((e) => e.uid)).size).toBe(4);
  });

  test('custom v5 format with direction, tcp flags, region and AZ', () => {
    const { records } = unwrapText(fixtureText('vpcflow', 'custom-v5.log'));
    const { events } = normalizeBatch(records);
    expectValid(events);
    expect(events[0].ocsf).toMatchObject({
      src_endpoint: { vpc_uid: 'vpc-0ee55ff66aa77bb88', subnet_uid: 'subnet-0aa11bb22cc33dd44', instance_uid: 'i-0a1b2c3d4e5f60718' },
      connection_info: { direction_id: 2, tcp_flags: 19 },
      cloud: { region: 'eu-west-1', zone: 'euw1-az1' },
      unmapped: { 'pkt-dst-aws-service': 'S3', 'traffic-path': '8', type: 'IPv4' },
      metadata: { product: { version: '5' } },
    });
    expect(events[1].ocsf).toMatchObject({ connection_info: { direction_id: 1, protocol_name: 'udp' }, action_id: 2 });
  });

  test('line parser and header detection', () => {
    expect(isVpcFlowHeader('version account-id interface-id srcaddr')).toBe(true);
    expect(isVpcFlowHeader('2 111122223333 eni-1 10.0.0.1')).toBe(false);
    expect(parseVpcFlowLine('a b', ['x', 'y'])).toEqual({ x: 'a', y: 'b' });
    expect(parseVpcFlowLine('a  b\t', ['x', 'y'])).toEqual({ x: 'a', y: 'b' });
    expect(parseVpcFlowLine('a b c', ['x', 'y'])).toBeUndefined();
  });

  test('wrong types are rejected', () => {
    const rec = parseVpcFlowLine('2 111122223333 eni-0123abcd4567ef890 10.0.0.1 10.0.0.2 1 2 6 1 1 1772452800 1772452860 ACCEPT OK')!;
    expect(normalizeRecord({ ...rec, dstport: 'http' })).toMatchObject({ ok: false, source: 'aws.vpcflow', reason: 'dstport: expected a number, got string "http"' });
    expect(normalizeRecord({ ...rec, start: '-', end: '-' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^start: missing/) });
    expect(normalizeRecord({ ...rec, bytes: { n: 1 } })).toMatchObject({ ok: false, reason: 'bytes: expected a string or number, got object' });
    expect(vpcflow.recognize({ srcaddr: '1.1.1.1' })).toBe(false);
  });
});
