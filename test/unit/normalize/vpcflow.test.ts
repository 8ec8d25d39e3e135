import fc from 'fast-check';
import { vpcflow, parseVpcFlowLine, isVpcFlowHeader, mapVpcFlowRecord, DEFAULT_VPC_FLOW_FIELDS } from '../../../shared/normalize/sources/vpcflow';
import { canonicalJson, hashUid } from '../../../shared/normalize/sources/common';
import { stableId } from '../../../shared/hash';
import { Rng, vpcFlowLine, VPC_V2_HEADER } from '../../bench/generators';
import { vpcFlowLineV5, VPC_V5_HEADER } from '../../bench/source-generators';
import { runs } from '../fuzz/support';
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
    expect(inbound.uid).toMatch(/^[0-9a-f]{32}$/);
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

  describe('uid: the flow record AWS writes, not the whole text (docs/decisions/0013)', () => {
    const IDENTITY = ['account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'start', 'end', 'log-status'];
    const base = parseVpcFlowLine('2 111122223333 eni-0123abcd4567ef890 10.0.0.1 10.0.0.2 40022 22 6 20 4249 1772452800 1772452860 ACCEPT OK')!;
    const uidOf = (rec: Record<string, unknown>) => mapVpcFlowRecord(rec).uid;

    test('the documented parts, hashed by stableId; pinned for the fixtures, unchanged across releases', () => {
      expect(uidOf(base)).toBe(stableId('aws.vpcflow', '111122223333', 'eni-0123abcd4567ef890', '10.0.0.1', '10.0.0.2', '40022', '22', '6', '1772452800', '1772452860', 'OK'));
      const uids = (file: string) => normalizeBatch(unwrapText(fixtureText('vpcflow', file)).records).events.map((e) => e.uid);
      expect(uids('default-v2.log')).toEqual([
        // stableId of aws.vpcflow, 111122223333, eni-0123abcd4567ef890, 198.51.100.66, 10.0.4.12, 40022, 22, 6, 1772452800, 1772452860, OK (checked outside Node)
        'c0e1fc071c1b2c45f3e4227acc489d97',
        '2c1349cb0433eb9ef1fe6cae6b117793',
        'f226d69fe12e96f321aca11da733b9b8',
        'b9be0750fc7ee015386c56818d000571',
      ]);
      expect(uids('custom-v5.log')).toEqual(['216cff055adbd76c9a7f2ac5aad6ca8d', '7ec9be0707d22c7e5c28861fea6fbecc']);
    });

    test('the same flow record under another key order, with numbers, with another format or other counters keeps its uid', () => {
      const want = uidOf(base);
      expect(uidOf(Object.fromEntries(Object.entries(base).reverse()))).toBe(want);
      expect(uidOf({ ...base, srcport: 40022, dstport: 22, protocol: 6, start: 1772452800, end: 1772452860, 'account-id': 111122223333 })).toBe(want);
      // What a record says about the flow beyond its identity does not name another record.
      expect(uidOf({ ...base, version: '5', packets: '21', bytes: '9', action: 'REJECT', 'tcp-flags': '2', 'vpc-id': 'vpc-1', 'flow-direction': 'ingress' })).toBe(want);
      // The same flow written by a custom-format flow log on the same interface.
      const v5 = VPC_V5_HEADER.split(' ');
      const custom = parseVpcFlowLine(v5.map((f) => (f in base ? String(base[f]) : '-')).join(' '), v5)!;
      expect(uidOf(custom)).toBe(want);
      // `-` (no data) and an absent field are the same empty part.
      const nodata = parseVpcFlowLine('2 111122223333 eni-0123abcd4567ef890 - - - - - - - 1772452800 1772452860 - NODATA')!;
      const { srcaddr: _s, dstaddr: _d, srcport: _sp, dstport: _dp, protocol: _p, ...absent } = nodata;
      expect(uidOf(absent)).toBe(uidOf(nodata));
    });

    test('each identity field, and a value moved to the next field, gives another uid', () => {
      const changed = IDENTITY.map((f) => uidOf({ ...base, [f]: f === 'start' || f === 'end' ? '1772452801' : `${String(base[f])}0` }));
      expect(new Set([uidOf(base), ...changed]).size).toBe(IDENTITY.length + 1);
      expect(uidOf({ ...base, srcaddr: '10.0.0.1', dstaddr: '' })).not.toBe(uidOf({ ...base, srcaddr: '', dstaddr: '10.0.0.1' }));
      expect(uidOf({ ...base, srcaddr: '10.0.0.', dstaddr: '110.0.0.2' })).not.toBe(uidOf(base));
    });

    test('generated v2 and v5 flows, formats alternating: a distinct uid per flow record, the same in either format', () => {
      const r = new Rng(7);
      const v2 = VPC_V2_HEADER.split(' ');
      const v5 = VPC_V5_HEADER.split(' ');
      const seen = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const rec = i % 7 < 3 ? parseVpcFlowLine(vpcFlowLineV5(r, i), v5)! : parseVpcFlowLine(vpcFlowLine(r, i), i % 2 ? v2 : DEFAULT_VPC_FLOW_FIELDS)!;
        const uid = uidOf(rec);
        seen.add(uid);
        // The flow's v2 line (the identity fields of the v5 record, the rest as the v2 format writes them).
        const asV2 = parseVpcFlowLine(DEFAULT_VPC_FLOW_FIELDS.map((f) => (typeof rec[f] === 'string' ? rec[f] : '-')).join(' '))!;
        expect(uidOf(asV2)).toBe(uid);
      }
      expect(seen.size).toBe(3000);
    });

    test('a record that names no interface keeps the hash of its whole canonical text', () => {
      for (const rec of [{ ...base, 'interface-id': '-' }, Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'interface-id'))]) {
        expect(uidOf(rec)).toBe(hashUid(rec));
      }
      expect(uidOf({ ...base, 'interface-id': '-', bytes: '1' })).not.toBe(uidOf({ ...base, 'interface-id': '-' }));
    });

    test('any string or number values under any keys: only the identity fields decide the uid (property)', () => {
      const key = fc.oneof(fc.constantFrom(...DEFAULT_VPC_FLOW_FIELDS, 'vpc-id', 'tcp-flags', '0', '7', 'constructor'), fc.string({ maxLength: 6 }));
      const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
      fc.assert(
        fc.property(fc.array(fc.tuple(key, value), { maxLength: 20 }), fc.string({ minLength: 1, maxLength: 4 }), (pairs, extra) => {
          const rec: Record<string, unknown> = { ...base };
          for (const [k, v] of pairs) if (k !== '__proto__') rec[k] = v;
          let uid: string;
          try {
            uid = uidOf(rec);
          } catch {
            return; // rejected records have no uid
          }
          const other = { ...rec, [`x-${extra}`]: extra };
          for (const f of ['version', 'action', 'vpc-id']) other[f] = `${String(rec[f])}${extra}`;
          for (const f of ['packets', 'bytes']) other[f] = rec[f] === '7' ? '8' : '7';
          expect(uidOf(other) === uid).toBe(typeof rec['interface-id'] === 'string' && rec['interface-id'] !== '-' && rec['interface-id'] !== '');
        }),
        runs(300),
      );
    });
  });

  test('a custom format line: the record copied from the format template equals the key-by-key record', () => {
    const keyByKey = (line: string, fields: readonly string[]) => {
      const t = line.split(' ');
      const rec: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) rec[fields[i]] = t[i];
      return rec;
    };
    const lists = [VPC_V5_HEADER.split(' '), ['version', 'srcaddr', 'version', 'dstaddr'], ['a', '__proto__', 'b'], ['2', 'x', '10', 'y'], ['start', 'end', 'srcaddr']];
    for (const fields of lists) {
      for (const line of [fields.map((_, i) => `v${i}`).join(' '), fields.map((f, i) => `${f}-${i * 7}`).join(' ')]) {
        const rec = parseVpcFlowLine(line, fields)!;
        const want = keyByKey(line, fields);
        expect(Object.keys(rec)).toEqual(Object.keys(want));
        expect(canonicalJson(rec)).toBe(canonicalJson(want));
        expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
      }
    }
  });
});

