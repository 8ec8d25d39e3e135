import { gzipSync } from 'node:zlib';
import { decodeCloudWatchLogsData, parseJsonDocuments, unwrapCloudWatchLogs, unwrapText, unwrapValue } from '../../../shared/normalize/envelopes';

const a = { n: 1, s: 'x' };
const b = { n: 2, nested: { arr: [1, { c: '}' }] } };
const c = { n: 3, s: 'brace { and "quote"' };

describe('envelopes: JSON text', () => {
  test('one document', () => {
    expect(unwrapText(JSON.stringify(a))).toEqual({ records: [a], failures: [] });
  });

  test('a JSON array body', () => {
    expect(unwrapText(JSON.stringify([a, b, c]))).toEqual({ records: [a, b, c], failures: [] });
  });

  test('NDJSON with blank lines and CRLF', () => {
    const text = `${JSON.stringify(a)}\r\n\n${JSON.stringify(b)}\r\n${JSON.stringify(c)}\n`;
    expect(unwrapText(text)).toEqual({ records: [a, b, c], failures: [] });
  });

  test('concatenated documents, on one line and pretty-printed', () => {
    expect(unwrapText(`${JSON.stringify(a)}${JSON.stringify(b)} ${JSON.stringify(c)}`).records).toEqual([a, b, c]);
    const pretty = [a, b, c].map((x) => JSON.stringify(x, null, 2)).join('\n');
    expect(unwrapText(pretty)).toEqual({ records: [a, b, c], failures: [] });
  });

  test('a malformed NDJSON line is reported with its line and offset; later lines survive', () => {
    const l1 = JSON.stringify(a);
    const bad = '{"n": 2, "s": "unterminated';
    const l3 = JSON.stringify(c);
    const text = `${l1}\n${bad}\n${l3}\n`;
    const r = unwrapText(text);
    expect(r.records).toEqual([a, c]);
    expect(r.failures).toEqual([{ line: 2, offset: l1.length + 1, reason: 'truncated or malformed JSON document', input: bad }]);
  });

  test('a record cut off without a closing brace does not swallow the next record', () => {
    const text = `{"n":1,"o":{"p":2}\n{"n":3}\n`;
    const r = unwrapText(text);
    expect(r.records).toEqual([{ n: 3 }]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ line: 1, offset: 0, input: '{"n":1,"o":{"p":2}' });
  });

  test('truncated at the end of input', () => {
    const text = `${JSON.stringify(a)}\n{"n": 2, "x": [1, 2`;
    const r = unwrapText(text);
    expect(r.records).toEqual([a]);
    expect(r.failures).toEqual([{ line: 2, offset: JSON.stringify(a).length + 1, reason: 'truncated JSON document (unexpected end of input)', input: '{"n": 2, "x": [1, 2' }]);
  });

  test('balanced but invalid JSON and stray text are reported', () => {
    const text = `{"n": 1,}\nnot json here\n${JSON.stringify(b)}`;
    const r = unwrapText(text);
    expect(r.records).toEqual([b]);
    expect(r.failures.map((f) => [f.line, f.reason.split(':')[0]])).toEqual([
      [1, 'malformed JSON'],
      [2, 'unexpected text outside a JSON document'],
    ]);
  });

  test('scalars and non-object array elements are failures, not records', () => {
    const r = unwrapText('[{"n":1}, 5, "s", null]');
    expect(r.records).toEqual([{ n: 1 }]);
    expect(r.failures.map((f) => f.index)).toEqual([1, 2, 3]);
    expect(unwrapText('{"n":1}\n42\n').failures[0]).toMatchObject({ line: 2, reason: 'not a JSON object (got number)' });
  });

  test('oversized records are reported, not parsed into the batch', () => {
    const big = { blob: 'x'.repeat(2000) };
    const r = unwrapText(`${JSON.stringify(a)}\n${JSON.stringify(big)}\n`, { maxRecordChars: 1000 });
    expect(r.records).toEqual([a]);
    expect(r.failures[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^record exceeds 1000 characters/) });
    // A container (log file) is judged per element, not as a whole.
    const file = { Records: [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a] };
    expect(unwrapText(JSON.stringify(file), { maxRecordChars: 100 }).records).toHaveLength(file.Records.length);
  });

  test('empty input yields nothing', () => {
    expect(unwrapText('')).toEqual({ records: [], failures: [] });
    expect(unwrapText(' \n\n ')).toEqual({ records: [], failures: [] });
  });

  test('parseJsonDocuments reports positions of values', () => {
    const { values } = parseJsonDocuments(`${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    expect(values.map((v) => v.line)).toEqual([1, 2]);
  });
});

describe('envelopes: containers', () => {
  test('CloudTrail log file → its records', () => {
    expect(unwrapText(JSON.stringify({ Records: [a, b] }))).toEqual({ records: [a, b], failures: [] });
    expect(unwrapValue({ Records: [a, 'bad'] }).failures[0]).toMatchObject({ index: 1, reason: 'Records element is not a JSON object' });
  });

  test('Microsoft Graph collection → its value elements', () => {
    const page = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2', value: [a, b] };
    expect(unwrapValue(page).records).toEqual([a, b]);
  });

  test('an object that only has a Records key among others is a record', () => {
    const rec = { Records: [a], other: 1 };
    expect(unwrapValue(rec).records).toEqual([rec]);
  });
});

describe('envelopes: CloudWatch Logs', () => {
  const flowLine = '2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.5 10.0.2.9 49152 443 6 10 840 1772445600 1772445660 ACCEPT OK';
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: 'vpc-flow',
    logStream: 'eni-0a1b2c3d4e5f67890-all',
    subscriptionFilters: ['to-mdr'],
    logEvents: [
      { id: '1', timestamp: 1772445660000, message: JSON.stringify(a) },
      { id: '2', timestamp: 1772445660000, message: flowLine },
      { id: '3', timestamp: 1772445660000, message: '{"broken":' },
      { id: '4', timestamp: 1772445660000, message: 'free text nobody understands' },
      { id: '5', timestamp: 1772445660000, message: 'type=USER_LOGIN msg=audit(1772445600.120:88): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\'op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=192.0.2.1 terminal=ssh res=failed\'' },
    ],
  };

  test('JSON messages, VPC flow lines and auditd lines become records; bad ones are reported by index and id', () => {
    const r = unwrapCloudWatchLogs(payload);
    expect(r.records).toHaveLength(3);
    expect(r.records[0]).toEqual(a);
    expect(r.records[1]).toMatchObject({ srcaddr: '10.0.1.5', dstport: '443', 'log-status': 'OK' });
    expect(r.records[2]).toMatchObject({ type: 'USER_LOGIN', acct: 'root', res: 'failed' });
    expect(r.failures.map((f) => [f.index, f.logEventId])).toEqual([
      [2, '3'],
      [3, '4'],
    ]);
    expect(r.failures[0].reason).toMatch(/^malformed JSON/);
  });

  test('a payload found in a text body is unwrapped too', () => {
    expect(unwrapText(JSON.stringify(payload)).records).toHaveLength(3);
  });

  test('custom VPC format fields can be supplied for header-less lines', () => {
    const p = { ...payload, logEvents: [{ id: '9', timestamp: 0, message: 'vpc-0abc 10.0.1.5 10.0.2.9 443 egress 1772445600' }] };
    const r = unwrapCloudWatchLogs(p, { vpcFlowFields: ['vpc-id', 'srcaddr', 'dstaddr', 'dstport', 'flow-direction', 'start'] });
    expect(r.records).toEqual([{ 'vpc-id': 'vpc-0abc', srcaddr: '10.0.1.5', dstaddr: '10.0.2.9', dstport: '443', 'flow-direction': 'egress', start: '1772445600' }]);
  });

  test('control messages carry no records', () => {
    expect(unwrapCloudWatchLogs({ ...payload, messageType: 'CONTROL_MESSAGE', logEvents: [{ id: 'x', timestamp: 0, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] })).toEqual({ records: [], failures: [], skipped: 1 });
  });

  test('decodeCloudWatchLogsData: base64 gzip JSON', () => {
    const data = gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
    expect(decodeCloudWatchLogsData(data).records).toHaveLength(3);
    expect(decodeCloudWatchLogsData('bm90IGd6aXA=').failures[0].reason).toMatch(/not base64 gzip/);
    const notJson = gzipSync(Buffer.from('nope')).toString('base64');
    expect(decodeCloudWatchLogsData(notJson).failures[0].reason).toMatch(/not JSON/);
    expect(unwrapCloudWatchLogs({ foo: 1 }).failures[0].reason).toMatch(/no logEvents/);
  });
});

describe('envelopes: text log files', () => {
  test('VPC flow log file with a custom header', () => {
    const text = 'version vpc-id srcaddr dstaddr srcport dstport protocol start end action log-status\n5 vpc-0abc 10.0.1.5 10.0.2.9 51000 22 6 1772445600 1772445660 REJECT OK\n5 vpc-0abc 10.0.1.5 broken\n';
    const r = unwrapText(text);
    expect(r.records).toEqual([{ version: '5', 'vpc-id': 'vpc-0abc', srcaddr: '10.0.1.5', dstaddr: '10.0.2.9', srcport: '51000', dstport: '22', protocol: '6', start: '1772445600', end: '1772445660', action: 'REJECT', 'log-status': 'OK' }]);
    expect(r.failures).toEqual([{ line: 3, offset: expect.any(Number), reason: 'VPC Flow Log line does not have 11 fields', input: '5 vpc-0abc 10.0.1.5 broken' }]);
  });

  test('audit.log lines, read in place in the body: CRLF, a malformed line, a line cut at the body end', () => {
    const lines = [
      'type=CWD msg=audit(1772470000.412:30215): cwd="/tmp"',
      'type=PATH msg=audit(1772470000.412:30215): item=0 name="/usr/bin/id"',
      'type=SYSCALL msg=audit(garbage): a=1',
      '',
      'type=PROCTITLE msg=audit(1772470000.412:30215): proctitle=6964',
    ];
    for (const eol of ['\n', '\r\n']) {
      const text = lines.join(eol);
      const r = unwrapText(text);
      expect(r.records).toEqual([
        { type: 'CWD', msg: 'audit(1772470000.412:30215)', cwd: '/tmp' },
        { type: 'PATH', msg: 'audit(1772470000.412:30215)', item: '0', name: '/usr/bin/id' },
        { type: 'PROCTITLE', msg: 'audit(1772470000.412:30215)', proctitle: 'id' },
      ]);
      expect(r.failures).toEqual([{ line: 3, offset: text.indexOf('type=SYSCALL'), reason: 'malformed auditd line', input: lines[2] }]);
    }
    // The next line's text is not read as part of a line: a msg, quote or ENRICHED tail must close within the line.
    expect(unwrapText('type=CWD msg=audit(1772470000.412:1\n): cwd="/tmp"').failures.map((f) => f.line)).toEqual([1, 2]);
    expect(unwrapText('type=CWD msg=audit(1772470000.412:1): cwd="/tmp\n"').failures.map((f) => f.reason)).toEqual(['malformed auditd line', 'not JSON and not a known text log format']);
    expect(unwrapText('type=CWD msg=audit(1772470000.412:1): cwd=x\ny=2').records).toEqual([{ type: 'CWD', msg: 'audit(1772470000.412:1)', cwd: 'x' }]);
  });

  test('unknown text is reported per line', () => {
    const r = unwrapText('hello world\nsecond line');
    expect(r.records).toEqual([]);
    expect(r.failures.map((f) => f.line)).toEqual([1, 2]);
  });
});

describe('CloudWatch Logs subscription events forwarded by logs-ingest', () => {
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/vpc/custom-flow',
    logStream: 'eni-0123abcd4567ef890-all',
    subscriptionFilters: ['mdr-to-normalize'],
    logEvents: [
      { id: '1', timestamp: 0, message: 'vpc-0abc 10.0.1.5 10.0.2.9 443 egress 1772445600' },
      { id: '2', timestamp: 0, message: 'vpc-0abc too few' },
    ],
  };
  const body = (p: object) => JSON.stringify({ awslogs: { data: gzipSync(Buffer.from(JSON.stringify(p))).toString('base64') } });

  test('the {"awslogs":{"data"}} body is decoded; a log group hint gives custom flow lines their fields', () => {
    const hinted = unwrapText(body(payload), { logGroups: { '/vpc/custom-flow': { vpcFlowFields: ['vpc-id', 'srcaddr', 'dstaddr', 'dstport', 'flow-direction', 'start'] } } });
    expect(hinted.records).toEqual([{ 'vpc-id': 'vpc-0abc', srcaddr: '10.0.1.5', dstaddr: '10.0.2.9', dstport: '443', 'flow-direction': 'egress', start: '1772445600' }]);
    expect(hinted.failures).toEqual([expect.objectContaining({ logGroup: '/vpc/custom-flow', logEventId: '2', reason: 'VPC Flow Log line does not have 6 fields' })]);
    // Without the hint the custom line is not a known format: reported, not dropped.
    expect(unwrapText(body(payload)).failures).toHaveLength(2);
  });

  test('control messages are skipped, not mistaken for empty input; bad data and unknown message types are failures', () => {
    expect(unwrapText(body({ ...payload, messageType: 'CONTROL_MESSAGE' }))).toEqual({ records: [], failures: [], skipped: 1 });
    expect(unwrapText('{"awslogs":{"data":"bm90IGd6aXA="}}').failures[0].reason).toMatch(/not base64 gzip/);
    expect(unwrapText('{"awslogs":{"data":42}}').failures[0].reason).toMatch(/awslogs.data is not a string/);
    expect(unwrapText(body({ ...payload, messageType: 'OTHER' })).failures[0].reason).toMatch(/not DATA_MESSAGE/);
  });
});
