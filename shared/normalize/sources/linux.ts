/**
 * Linux auditd and journald → OCSF Process Activity (1007), Authentication
 * (3002), Account Change (3001), or Base Event for the rest.
 *
 * auditd writes one `type=… msg=audit(SECONDS.MS:SERIAL): key=value …` line
 * per record; several records (SYSCALL, EXECVE, PATH, PROCTITLE…) share a
 * serial. Sigma's auditd rules select on one record's fields (`type: EXECVE`,
 * `a0`, `exe`, `key`…), so each line is one vendor record here and `raw` is
 * its key/value map: quotes removed, hex-encoded strings decoded (auditd
 * hex-encodes values with spaces or control characters), the user-space
 * `msg='…'` payload flattened in, and the ENRICHED format's interpreted
 * fields (after 0x1d) kept under their upper-case names. The same map also
 * comes as JSON from shippers that parse audit.log the same way.
 *
 * journald: `journalctl -o json` entries (`__REALTIME_TIMESTAMP`, `MESSAGE`,
 * `SYSLOG_IDENTIFIER`, `_PID`, `_COMM`, `_HOSTNAME`…), raw as exported.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent, LogSource } from '../../telemetry';
import type { OcsfEvent } from '../../ocsf/types';
import { OcsfClass, type OcsfDevice, type OcsfProcessExt, type OcsfUserExt } from '../../ocsf/classes';
import { baseEvent, compact, fileFromPath, hashUid, isObj, numOrUndef, strOrUndef, type BaseOptions, type Rec } from './common';

// ---------------------------------------------------------------- auditd text

const HEX = /^[0-9A-F]+$/;

/** Fields auditd writes quoted when plain and as bare hex when encoded. */
function isEncodable(type: string, key: string): boolean {
  if (type === 'EXECVE') return key.length > 1 && key.charCodeAt(0) === 97 /* a */ && key !== 'argc' && /^a\d+(\[\d+\])?$/.test(key);
  return key === 'proctitle' || key === 'name' || key === 'cwd' || key === 'comm' || key === 'exe' || key === 'cmd' || key === 'data' || key === 'acct';
}

function decodeHex(hex: string, nulAsSpace: boolean): string {
  const buf = Buffer.from(hex, 'hex');
  const s = buf.toString('utf8');
  return nulAsSpace ? s.replace(/\0+$/, '').replace(/\0/g, ' ') : s;
}

/** Parses `key=value …` pairs into rec, without overwriting keys already set. */
function parsePairs(s: string, rec: Rec, type: string): boolean {
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const eq = s.indexOf('=', i);
    if (eq === -1) return true; // trailing garbage without '=': ignore the word
    const sp = s.indexOf(' ', i);
    if (sp !== -1 && sp < eq) {
      i = sp + 1; // a bare word (no '='), e.g. "op=… res=failed'" tails: skip it
      continue;
    }
    const key = s.slice(i, eq);
    let j = eq + 1;
    let value: string;
    const q = s.charCodeAt(j);
    if (q === 34 /* " */ || q === 39 /* ' */) {
      const close = s.indexOf(q === 34 ? '"' : "'", j + 1);
      if (close === -1) return false;
      value = s.slice(j + 1, close);
      j = close + 1;
      if (q === 39 && key === 'msg') {
        // The user-space payload: its own key=value pairs.
        parsePairs(value, rec, type);
        i = j;
        continue;
      }
    } else {
      let end = s.indexOf(' ', j);
      if (end === -1) end = n;
      value = s.slice(j, end);
      j = end;
      if (value.length >= 2 && value.length % 2 === 0 && isEncodable(type, key) && HEX.test(value)) {
        value = decodeHex(value, key === 'proctitle');
      }
    }
    if (!(key in rec)) rec[key] = value;
    i = j;
  }
  return true;
}

/** One audit.log line → record; undefined if the line is not an audit record. */
export function parseAuditdLine(line: string): Rec | undefined {
  if (!line.startsWith('type=')) return undefined;
  const sp = line.indexOf(' ');
  if (sp === -1) return undefined;
  const type = line.slice(5, sp);
  const m = /^ msg=(audit\(\d+(?:\.\d+)?:\d+\)):?/.exec(line.slice(sp));
  if (!m) return undefined;
  const rec: Rec = { type, msg: m[1] };
  let rest = line.slice(sp + m[0].length);
  let enriched: string | undefined;
  const gs = rest.indexOf('\x1d');
  if (gs !== -1) {
    enriched = rest.slice(gs + 1);
    rest = rest.slice(0, gs);
  }
  if (!parsePairs(rest, rec, type)) return undefined;
  if (enriched && !parsePairs(enriched, rec, type)) return undefined;
  return rec;
}

const AUDIT_MSG = /^audit\((\d+)(?:\.(\d+))?:(\d+)\)$/;

/** Time (ms) and serial from `audit(1700000000.123:456)`. */
export function auditTimestamp(msg: string): { time: number; serial: string } | undefined {
  const m = AUDIT_MSG.exec(msg);
  if (!m) return undefined;
  const ms = m[2] ? Number((m[2] + '00').slice(0, 3)) : 0;
  return { time: Number(m[1]) * 1000 + ms, serial: m[3] };
}

// ---------------------------------------------------------------- mapping

const AUDITD_PRODUCT = { name: 'auditd', vendor_name: 'Linux' };
const JOURNAL_PRODUCT = { name: 'systemd-journald', vendor_name: 'Linux' };

const EXECVE_SYSCALLS = new Set(['59', '322', 'execve', 'execveat', '11', '221']);

function isAuditRecord(r: Rec): boolean {
  return typeof r.type === 'string' && typeof r.msg === 'string' && r.msg.startsWith('audit(');
}

function isJournalRecord(r: Rec): boolean {
  return typeof r.__REALTIME_TIMESTAMP === 'string' && r.MESSAGE !== undefined;
}

function auditUser(uid: unknown, name: unknown): OcsfUserExt | undefined {
  return compact<OcsfUserExt>({ uid: strOrUndef(uid), name: strOrUndef(name) });
}

function execveCmdLine(rec: Rec): string | undefined {
  const argc = numOrUndef(rec.argc);
  if (argc === undefined) return undefined;
  const parts: string[] = [];
  // argc comes from the record: bound the loop by what the record can hold.
  const n = Math.min(argc, Object.keys(rec).length);
  for (let i = 0; i < n; i++) {
    const a = rec[`a${i}`];
    if (typeof a === 'string') parts.push(a);
  }
  return parts.length ? parts.join(' ') : undefined;
}

function mapAudit(rec: Rec): TelemetryEvent {
  for (const k in rec) {
    const v = rec[k];
    if (typeof v !== 'string' && typeof v !== 'number') throw new NormalizeError(`${k}: expected a string or number`);
  }
  const ts = auditTimestamp(rec.msg as string);
  if (!ts) throw new NormalizeError(`msg: not an audit timestamp: "${String(rec.msg).slice(0, 40)}"`);
  const type = rec.type as string;
  const host = strOrUndef(rec.node) ?? strOrUndef(rec.hostname_node);
  const device: OcsfDevice | undefined = host ? { hostname: host } : undefined;
  // A literal, not a spread of a shared object: each event's logsource is its own (process_creation is set below).
  const logsource: LogSource = { product: 'linux', service: 'auditd' };
  let ocsf: OcsfEvent;

  const success = rec.success === 'yes' || rec.res === 'success' || rec.res === '1';
  const failed = rec.success === 'no' || rec.res === 'failed' || rec.res === '0';
  // One options object for whichever branch maps the record (a spread of shared options per branch cost more than
  // the branch: V8 built the copy member by member).
  const options: BaseOptions = { uid: `${ts.serial}`, log_name: 'audit', event_code: type, original_time: rec.msg as string, status_id: success ? 1 : failed ? 2 : undefined, severity_id: undefined };

  if (type === 'SYSCALL' && EXECVE_SYSCALLS.has(String(rec.syscall)) || type === 'EXECVE') {
    logsource.category = 'process_creation';
    ocsf = baseEvent(OcsfClass.ProcessActivity, 1, ts.time, AUDITD_PRODUCT, options);
    const exe = strOrUndef(rec.exe);
    const process: OcsfProcessExt =
      type === 'EXECVE'
        ? { cmd_line: execveCmdLine(rec), name: strOrUndef(rec.a0) }
        : compact<OcsfProcessExt>({
            pid: numOrUndef(rec.pid),
            name: strOrUndef(rec.comm),
            file: fileFromPath(exe),
            user: auditUser(rec.uid, rec.UID),
            parent_process: numOrUndef(rec.ppid) !== undefined ? { pid: numOrUndef(rec.ppid) } : undefined,
          }) ?? {};
    ocsf.process = compact(process) ?? { name: 'unknown' };
    ocsf.actor = { user: auditUser(rec.auid, rec.AUID) ?? auditUser(rec.uid, rec.UID) ?? { name: 'unknown' } };
  } else if (type === 'USER_LOGIN' || type === 'USER_AUTH' || type === 'USER_LOGOUT' || type === 'USER_START' || type === 'USER_END' || type === 'USER_ERR') {
    const logoff = type === 'USER_LOGOUT' || type === 'USER_END';
    options.severity_id = failed ? 3 : 1;
    ocsf = baseEvent(OcsfClass.Authentication, logoff ? 2 : 1, ts.time, AUDITD_PRODUCT, options);
    const acct = strOrUndef(rec.acct);
    ocsf.user = compact<OcsfUserExt>({ name: acct, uid: strOrUndef(rec.id) ?? strOrUndef(rec.auid) }) ?? { name: 'unknown' };
    const addr = strOrUndef(rec.addr);
    if (addr && addr !== '?') ocsf.src_endpoint = compact({ ip: addr, hostname: rec.hostname !== '?' ? strOrUndef(rec.hostname) : undefined });
    const exe = strOrUndef(rec.exe);
    ocsf.service = { name: exe ? exe.slice(exe.lastIndexOf('/') + 1) : 'unknown' };
    if (device) ocsf.dst_endpoint = { hostname: device.hostname };
    if (rec.terminal !== undefined) ocsf.is_remote = /ssh/.test(String(rec.terminal)) || (addr !== undefined && addr !== '?');
    ocsf.actor = { process: compact({ pid: numOrUndef(rec.pid), file: fileFromPath(exe) }) };
  } else if (type === 'ADD_USER' || type === 'DEL_USER' || type === 'USER_CHAUTHTOK' || type === 'USER_MGMT') {
    const op = String(rec.op ?? '');
    const activity = type === 'ADD_USER' ? 1 : type === 'DEL_USER' ? 6 : type === 'USER_CHAUTHTOK' ? 3 : /lock/.test(op) ? 9 : 99;
    ocsf = baseEvent(OcsfClass.AccountChange, activity, ts.time, AUDITD_PRODUCT, options);
    ocsf.user = compact<OcsfUserExt>({ name: strOrUndef(rec.acct), uid: strOrUndef(rec.id) }) ?? { name: 'unknown' };
    ocsf.actor = { user: auditUser(rec.auid, rec.AUID) ?? { name: 'unknown' } };
  } else {
    ocsf = baseEvent(OcsfClass.BaseEvent, 99, ts.time, AUDITD_PRODUCT, options);
  }
  if (device) ocsf.device = device;
  const key = strOrUndef(rec.key);
  if (key && key !== '(null)') ocsf.unmapped = { key };
  // auditd's own identity of a record: the host, the event's `seconds.millis:serial` (serials restart at boot; the time
  // does not), the type (records of one event share the serial) and, for PATH records, the item. Not a hash of the
  // record: that cost more than mapping it (decision 0012).
  const stamp = (rec.msg as string).slice(6, -1);
  const item = rec.item === undefined ? '' : `:${String(rec.item)}`;
  return { uid: `auditd:${host ?? ''}:${stamp}:${type}${item}`, source: 'linux.auditd', logsource, time: ts.time, ocsf, raw: rec };
}

/** Sigma services for the syslog identifiers Sigma's Linux rules name. */
const JOURNAL_SERVICES: Record<string, string> = {
  sshd: 'sshd',
  sudo: 'sudo',
  su: 'auth',
  cron: 'cron',
  CRON: 'cron',
  crond: 'cron',
  'systemd-logind': 'auth',
  login: 'auth',
  auditd: 'auditd',
  clamd: 'clamav',
  vsftpd: 'vsftpd',
  guacd: 'guacamole',
};

const SSH_ACCEPTED = /^Accepted (\S+) for (\S+) from (\S+) port (\d+)/;
const SSH_FAILED = /^Failed (\S+) for (?:invalid user )?(\S+) from (\S+) port (\d+)/;
const SSH_INVALID = /^Invalid user (\S*) from (\S+)(?: port (\d+))?/;
const PAM_SESSION = /session (opened|closed) for user (\S+?)(?:\(uid=\d+\))?(?: by|$)/;
const SUDO_CMD = /^\s*(\S+) : (?:.*?; )?TTY=\S+ ; PWD=(\S*) ; USER=(\S+) ; COMMAND=(.*)$/;

function mapJournal(rec: Rec): TelemetryEvent {
  const rt = rec.__REALTIME_TIMESTAMP;
  if (typeof rt !== 'string' || !/^\d+$/.test(rt)) throw new NormalizeError('__REALTIME_TIMESTAMP: expected a string of microseconds');
  const time = Math.floor(Number(rt) / 1000);
  let message = rec.MESSAGE;
  // journald exports non-UTF-8 messages as a byte array.
  if (Array.isArray(message)) message = Buffer.from(message.filter((b): b is number => typeof b === 'number')).toString('utf8');
  if (typeof message !== 'string') throw new NormalizeError('MESSAGE: expected a string or byte array');
  const ident = strOrUndef(rec.SYSLOG_IDENTIFIER) ?? strOrUndef(rec._COMM) ?? '';
  const host = strOrUndef(rec._HOSTNAME);
  const device = host ? { hostname: host } : undefined;
  const logsource: LogSource = { product: 'linux', service: JOURNAL_SERVICES[ident] ?? 'syslog' };
  const priority = numOrUndef(rec.PRIORITY);
  // syslog priority 0–3 (emerg..err) → High, 4 warning → Medium, else Informational.
  const severity_id = priority === undefined ? 1 : priority <= 3 ? 4 : priority === 4 ? 3 : 1;
  // One options object, set per branch (see mapAudit).
  const options: BaseOptions = { uid: strOrUndef(rec.__CURSOR), log_name: 'journal', event_code: ident || undefined, message, severity_id, status_id: undefined };
  const actorProcess = compact<OcsfProcessExt>({
    pid: numOrUndef(rec._PID),
    name: strOrUndef(rec._COMM),
    file: fileFromPath(strOrUndef(rec._EXE)),
    cmd_line: strOrUndef(rec._CMDLINE),
    user: compact({ uid: strOrUndef(rec._UID) }),
  });

  let ocsf: OcsfEvent;
  let m: RegExpExecArray | null;
  if (ident === 'sshd' && ((m = SSH_ACCEPTED.exec(message)) || (m = SSH_FAILED.exec(message)))) {
    const ok = message.startsWith('Accepted');
    options.status_id = ok ? 1 : 2;
    options.severity_id = ok ? 1 : 3;
    ocsf = baseEvent(OcsfClass.Authentication, 1, time, JOURNAL_PRODUCT, options);
    ocsf.user = { name: m[2] };
    ocsf.src_endpoint = { ip: m[3], port: Number(m[4]) };
    ocsf.service = { name: 'sshd' };
    ocsf.auth_protocol = m[1];
    ocsf.is_remote = true;
    if (device) ocsf.dst_endpoint = { hostname: host };
  } else if (ident === 'sshd' && (m = SSH_INVALID.exec(message))) {
    options.status_id = 2;
    options.severity_id = 3;
    ocsf = baseEvent(OcsfClass.Authentication, 1, time, JOURNAL_PRODUCT, options);
    ocsf.user = { name: m[1] || 'unknown' };
    ocsf.src_endpoint = compact({ ip: m[2], port: m[3] ? Number(m[3]) : undefined });
    ocsf.service = { name: 'sshd' };
    ocsf.status_detail = 'USER_DOES_NOT_EXIST';
    ocsf.is_remote = true;
  } else if ((m = PAM_SESSION.exec(message))) {
    options.status_id = 1;
    ocsf = baseEvent(OcsfClass.Authentication, m[1] === 'opened' ? 1 : 2, time, JOURNAL_PRODUCT, options);
    ocsf.user = { name: m[2] };
    ocsf.service = { name: ident || 'pam' };
    if (device) ocsf.dst_endpoint = { hostname: host };
  } else if (ident === 'sudo' && (m = SUDO_CMD.exec(message))) {
    logsource.category = undefined;
    ocsf = baseEvent(OcsfClass.ProcessActivity, 1, time, JOURNAL_PRODUCT, options);
    const cmd = m[4];
    const sp = cmd.indexOf(' ');
    const exe = sp === -1 ? cmd : cmd.slice(0, sp);
    ocsf.process = { cmd_line: cmd, file: fileFromPath(exe), name: exe.slice(exe.lastIndexOf('/') + 1), user: { name: m[3] } };
    ocsf.actor = { user: { name: m[1] }, process: actorProcess };
  } else {
    ocsf = baseEvent(OcsfClass.BaseEvent, 99, time, JOURNAL_PRODUCT, options);
    if (actorProcess) ocsf.actor = { process: actorProcess };
  }
  if (logsource.category === undefined) delete logsource.category;
  if (device) ocsf.device = device;
  return { uid: strOrUndef(rec.__CURSOR) ?? hashUid(rec), source: 'linux.journald', logsource, time, ocsf, raw: rec };
}

export const linux: SourceMapper = {
  id: 'linux',
  name: 'Linux auditd records and journald JSON',
  recognize(record) {
    return isAuditRecord(record) || isJournalRecord(record);
  },
  normalize(record) {
    if (isAuditRecord(record)) return [mapAudit(record)];
    if (!isObj(record)) throw new NormalizeError('not an object');
    return [mapJournal(record)];
  },
};
