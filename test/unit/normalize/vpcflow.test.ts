import fc from 'fast-check';
import { vpcflow, parseVpcFlowLine, isVpcFlowHeader, mapVpcFlowRecord, DEFAULT_VPC_FLOW_FIELDS } from '../../../shared/normalize/sources/vpcflow';
import { canonicalJson, hashUid } from '../../../shared/normalize/sources/common';
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

  test('uids are pinned: the flow log uid is the sha256 of the canonical record, unchanged across releases', () => {
    const uids = (file: string) => normalizeBatch(unwrapText(fixtureText('vpcflow', file)).records).events.map((e) => e.uid);
    expect(uids('default-v2.log')).toEqual([
      '9fa5c4a1b6828cc975ee417113885d05af4f9aef9399f76d4f9e4bd748043ac1',
      '7f6ba3131584dc2f3270f724fd0be2cd11a1265bbaf5096ff5beac234222ff03',
      'a7618decbe6acdf9a01217fc3abc4c8aa0bfe2437d85acd3975b783b09f865d4',
      'dffcdb06fb64cb62a28ea71264764c8471a7d08804354066c583481eb56278e2',
    ]);
    expect(uids('custom-v5.log')).toEqual([
      '8f962d42739ebf354950a71979166b168728332a030f608cda53cbb544b90553',
      'a7d9fa12bff0a372a14fa8f241a597f049f5d66c8445c1f3a2fffbc4a49f1873',
    ]);
  });

  // mapVpcFlowRecord builds the canonical text of a string-valued record from pieces cached per key list; hashUid is the
  // general path (canonicalJson). The two must give the same text, so the same uid, for every record.
  const sameUid = (rec: Record<string, unknown>) => expect(mapVpcFlowRecord(rec).uid).toBe(hashUid(rec));

  test('the flow record fast path gives the uid of the general canonical text: generated v2 and v5 lines, formats alternating', () => {
    const r = new Rng(7);
    const v2 = VPC_V2_HEADER.split(' ');
    const v5 = VPC_V5_HEADER.split(' ');
    for (let i = 0; i < 3000; i++) {
      // Alternating formats and runs of one format: the cached key list is replaced and found again.
      const custom = i % 7 < 3;
      const rec = custom ? parseVpcFlowLine(vpcFlowLineV5(r, i), v5)! : parseVpcFlowLine(vpcFlowLine(r, i), i % 2 ? v2 : DEFAULT_VPC_FLOW_FIELDS)!;
      sameUid(rec);
    }
  });

  test('the flow record fast path: values JSON escapes, numbers, key orders, odd keys and prototypes', () => {
    const base = parseVpcFlowLine('2 111122223333 eni-0123abcd4567ef890 10.0.0.1 10.0.0.2 1 2 6 1 1 1772452800 1772452860 ACCEPT OK')!;
    const cases: Record<string, unknown>[] = [
      base,
      { ...base, action: 'AC"CEPT' },
      { ...base, action: 'a\\b' },
      { ...base, 'log-status': 'O\nK' },
      { ...base, 'log-status': 'O\u0001K' },
      { ...base, srcaddr: 'é-ü-漢字' },
      { ...base, srcaddr: 'lone \ud800 surrogate' },
      { ...base, srcaddr: 'pair \ud83d\ude00' },
      { ...base, srcaddr: '' },
      { ...base, packets: 12, bytes: 4.5 },
      Object.fromEntries(Object.entries(base).reverse()),
      { ...base, 'vpc-id': 'vpc-1', '0': 'zero', '10': 'ten', '9': 'nine' },
      { ...base, 'key "quoted"': 'x', 'back\\slash': 'y', 'ctl\u0002': 'z' },
      JSON.parse(`{"__proto__":"p",${JSON.stringify(base).slice(1)}`) as Record<string, unknown>,
      Object.assign(Object.create({ inherited: 'i' }) as Record<string, unknown>, base),
      Object.assign(Object.create(null) as Record<string, unknown>, base),
      base,
    ];
    for (const rec of cases) sameUid(rec);
  });

  test('the flow record fast path: any string or number values under any keys (property)', () => {
    const key = fc.oneof(fc.constantFrom(...DEFAULT_VPC_FLOW_FIELDS, 'vpc-id', 'tcp-flags', '0', '7', '__proto__', 'constructor'), fc.string({ maxLength: 6 }));
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 20 }), (pairs) => {
        const rec: Record<string, unknown> = { start: '1772452800', srcaddr: '10.0.0.1', dstaddr: '10.0.0.2' };
        for (const [k, v] of pairs) if (k !== '__proto__') rec[k] = v;
        if (typeof rec.start !== 'string' && typeof rec.start !== 'number') return;
        let uid: string;
        try {
          uid = mapVpcFlowRecord(rec).uid;
        } catch {
          return; // rejected records have no uid
        }
        expect(uid).toBe(hashUid(rec));
      }),
      runs(300),
    );
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

