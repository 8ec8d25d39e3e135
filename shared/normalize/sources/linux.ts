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
import { baseEvent, fileFromPath, hashUid, isObj, numOrUndef, strOrUndef, type BaseOptions, type Rec } from './common';

// ---------------------------------------------------------------- auditd text

/** True when v is upper-case hex digits only (what /^[0-9A-F]+$/ tests, without a regex call per value). */
function isHexText(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** Fields auditd writes quoted when plain and as bare hex when encoded. */
function isEncodable(type: string, key: string): boolean {
  if (type === 'EXECVE') return key.length > 1 && key.charCodeAt(0) === 97 /* a */ && key !== 'argc' && /^a\d+(\[\d+\])?$/.test(key);
  return key === 'proctitle' || key === 'name' || key === 'cwd' || key === 'comm' || key === 'exe' || key === 'cmd' || key === 'data' || key === 'acct';
}

function decodeHex(hex: string, nulAsSpace: boolean): string {
  const s = Buffer.from(hex, 'hex').toString('utf8');
  if (!nulAsSpace || !s.includes('\0')) return s;
  // Trailing NULs dropped, the others (argv separators) shown as spaces.
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end).replaceAll('\0', ' ');
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// The keys the lines of each record type came with, as a tree per type of key sequences in line order (V8's own
// transition tree, for audit.log). A line whose keys follow a known path takes each key's string from the tree (no slice
// per key, no isEncodable test) and its record is made by the path's constructor: one object literal naming every key,
// so records of one path share a hidden class and keep fast properties. A key store per pair, as before, hashed every
// key into V8's string table and left records of more than a dozen keys in dictionary mode, slow to read in mapAudit.
// Bounded: hostile input could name endless keys; past the bounds a line is read as before.

/** A key in the tree of its record type (the root: the type itself, no key). */
interface KeyNode {
  key: string;
  /** How an unquoted value of the key is read: 0 as written, 1 hex-decoded when it is hex, 2 also NULs as spaces (proctitle). */
  enc: number;
  parent: KeyNode | undefined;
  /** Keys from the root to here (the value's index in `values` is depth - 1). */
  depth: number;
  children: KeyNode[];
  /** The constructor of a record whose keys end here; made the second time a line ends here. */
  make: RecordMaker | undefined;
  ends: number;
}

type RecordMaker = (type: string, msg: string, values: readonly string[]) => Rec;

const MAX_NODES = 4096;
const MAX_CHILDREN = 16;
const MAX_DEPTH = 128;
const MAX_MAKERS = 512;
const MAX_ROOTS = 64;
/** The tree of each record type seen (a list, found by comparing a line's type in place: no slice, no hash). */
const roots: KeyNode[] = [];
let nodeCount = 0;
let makerCount = 0;
const NO_KEYS: Rec = {};

// The line being parsed (parseAuditdText runs to its end without calling out, so one set of these serves every line):
// its type and msg, the tree node its keys have reached and their values, or, once a key is off the tree, the record
// being built pair by pair.
let lineType = '';
let lineMsg = '';
let at: KeyNode | undefined;
const values: string[] = [];
let rec: Rec = NO_KEYS;

function keyNode(key: string, enc: number, parent: KeyNode | undefined): KeyNode {
  nodeCount++;
  return { key, enc, parent, depth: parent === undefined ? 0 : parent.depth + 1, children: [], make: undefined, ends: 0 };
}

function encoding(type: string, key: string): number {
  return isEncodable(type, key) ? (key === 'proctitle' ? 2 : 1) : 0;
}

/** The tree of the record type at s[from, to). */
function rootAt(s: string, from: number, to: number): KeyNode | undefined {
  const len = to - from;
  for (let r = 0; r < roots.length; r++) {
    const k = roots[r].key;
    if (k.length !== len) continue;
    let m = 0;
    while (m < len && k.charCodeAt(m) === s.charCodeAt(from + m)) m++;
    if (m === len) return roots[r];
  }
  return undefined;
}

/** The child of node whose key is at s[i…] followed by '=' before `to`, compared in place. */
function keyAt(node: KeyNode, s: string, i: number, to: number): KeyNode | undefined {
  const cs = node.children;
  for (let c = 0; c < cs.length; c++) {
    const k = cs[c].key;
    const len = k.length;
    if (i + len >= to || s.charCodeAt(i + len) !== 61 /* = */) continue;
    let m = 0;
    while (m < len && k.charCodeAt(m) === s.charCodeAt(i + m)) m++;
    if (m === len) return cs[c];
  }
  return undefined;
}

/**
 * A new child of node for key, or undefined when the key cannot be on a path: a key the record already has (type, msg,
 * one before it on the path: the pair is skipped, the first value kept), a key the `in` test finds on Object.prototype
 * (skipped too), an array index (enumerated before the others: a literal would not keep the line's order), or a bound.
 */
function learn(node: KeyNode, key: string, enc: number): KeyNode | undefined {
  if (nodeCount >= MAX_NODES || node.children.length >= MAX_CHILDREN || node.depth >= MAX_DEPTH) return undefined;
  if (key === 'type' || key === 'msg' || key in NO_KEYS || isDigit(key.charCodeAt(0))) return undefined;
  for (let n: KeyNode | undefined = node; n !== undefined && n.parent !== undefined; n = n.parent) if (n.key === key) return undefined;
  // The key as a property name (an internalized copy): a slice of 13 characters or more would keep the line alive.
  const child = keyNode(Object.keys({ [key]: 0 })[0], enc, node);
  node.children.push(child);
  return child;
}

/** The keys from the root to node, in line order. */
function pathKeys(node: KeyNode): string[] {
  const keys: string[] = new Array<string>(node.depth);
  for (let n: KeyNode = node; n.parent !== undefined; n = n.parent) keys[n.depth - 1] = n.key;
  return keys;
}

/** The record of the line so far, built pair by pair from the path's keys and values: the line goes on off the tree. */
function offTree(node: KeyNode): void {
  const keys = pathKeys(node);
  rec = { type: lineType, msg: lineMsg };
  for (let k = 0; k < keys.length; k++) rec[keys[k]] = values[k];
  at = undefined;
}

/** The record constructor for the keys from the root to node: one literal, the keys as JSON string literals. */
function recordMaker(node: KeyNode): RecordMaker {
  let members = '';
  const keys = pathKeys(node);
  for (let k = 0; k < keys.length; k++) members += `, ${JSON.stringify(keys[k])}: v[${k}]`;
  makerCount++;
  return new Function('t', 'm', 'v', `return { type: t, msg: m${members} };`) as RecordMaker;
}

/**
 * Parses the `key=value …` pairs of s[from, to) into the line's record, without overwriting keys already set. Bounds
 * rather than slices: a line's main part, its ENRICHED tail and a `msg='…'` payload are read in place.
 */
function parsePairs(s: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    let c = s.charCodeAt(i);
    while (c === 32 || c === 9) {
      if (++i >= to) return true;
      c = s.charCodeAt(i);
    }
    let next = at === undefined ? undefined : keyAt(at, s, i, to);
    if (next !== undefined) {
      // A key of the tree and its '=' (the first '=' from i: keys hold no '=' and no space; never msg).
      const eq = i + next.key.length;
      let j = eq + 1;
      const q = j < to ? s.charCodeAt(j) : -1;
      let value: string;
      if (q === 34 /* " */ || q === 39 /* ' */) {
        const close = s.indexOf(q === 34 ? '"' : "'", j + 1);
        if (close === -1 || close >= to) return false;
        value = s.slice(eq + 2, close);
        j = close + 1;
      } else {
        // The value ends at the first space (none in the key) or at `to`.
        let e = s.indexOf(' ', j);
        if (e === -1 || e > to) e = to;
        value = s.slice(j, e);
        j = e;
        if (next.enc !== 0 && value.length >= 2 && value.length % 2 === 0 && isHexText(value)) value = decodeHex(value, next.enc === 2);
      }
      values[next.depth - 1] = value;
      at = next;
      i = j;
      continue;
    }
    const eq = s.indexOf('=', i);
    if (eq === -1 || eq >= to) return true; // trailing garbage without '=': ignore the word
    let sp = s.indexOf(' ', i);
    if (sp !== -1 && sp < eq) {
      i = sp + 1; // a bare word (no '='), e.g. "op=… res=failed'" tails: skip it
      continue;
    }
    let j = eq + 1;
    // Not the character at `to`: a payload's closing quote must not open a value.
    const q = j < to ? s.charCodeAt(j) : -1;
    if (q === 39 /* ' */ && eq - i === 3 && s.charCodeAt(i) === 109 /* m */ && s.charCodeAt(i + 1) === 115 /* s */ && s.charCodeAt(i + 2) === 103 /* g */) {
      // msg='…': the user-space payload, its own key=value pairs.
      const close = s.indexOf("'", j + 1);
      if (close === -1 || close >= to) return false;
      parsePairs(s, eq + 2, close);
      i = close + 1;
      continue;
    }
    // Not a key of the tree: a new one for it, or the line goes on off the tree.
    const key = s.slice(i, eq);
    const enc = encoding(lineType, key);
    if (at !== undefined) {
      next = learn(at, key, enc);
      if (next === undefined) offTree(at);
    }
    let value: string;
    if (q === 34 /* " */ || q === 39 /* ' */) {
      const close = s.indexOf(q === 34 ? '"' : "'", j + 1);
      if (close === -1 || close >= to) return false;
      j = close + 1;
      value = s.slice(eq + 2, close);
    } else {
      // The first space after the key is after '=' here, so it ends the value.
      if (sp === -1 || sp > to) sp = to;
      value = s.slice(j, sp);
      j = sp;
      if (enc !== 0 && value.length >= 2 && value.length % 2 === 0 && isHexText(value)) value = decodeHex(value, enc === 2);
    }
    if (next !== undefined) {
      values[next.depth - 1] = value;
      at = next;
    } else if (!(key in rec)) rec[key] = value;
    i = j;
  }
  return true;
}

/** The record of a line whose keys all followed the tree to node: made by the path's constructor once it has one. */
function recordAt(node: KeyNode): Rec {
  let make = node.make;
  if (make === undefined && ++node.ends >= 2 && makerCount < MAX_MAKERS) make = node.make = recordMaker(node);
  if (make !== undefined) return make(lineType, lineMsg, values);
  offTree(node);
  return rec;
}

/** One audit.log line → record; undefined if the line is not an audit record. */
export function parseAuditdLine(line: string): Rec | undefined {
  return parseAuditdText(line, 0, line.length);
}

/**
 * parseAuditdLine of the line text[from, to), read in place: a line sliced from its body is a sliced string, and
 * reading one character by character costs about three times what reading the body's own flat text does.
 */
export function parseAuditdText(text: string, from: number, to: number): Rec | undefined {
  if (to - from < 5 || !text.startsWith('type=', from)) return undefined;
  const sp = text.indexOf(' ', from);
  if (sp === -1 || sp >= to) return undefined;
  // ` msg=audit(SECONDS[.MILLIS]:SERIAL)` and an optional ':', checked by auditTime (no regex, no match array).
  if (to - sp < 11 || !text.startsWith(' msg=audit(', sp)) return undefined;
  const close = text.indexOf(')', sp + 11);
  if (close === -1 || close >= to) return undefined;
  if (auditTimeIn(text, sp + 5, close + 1) === -1) return undefined;
  const msg = text.slice(sp + 5, close + 1);
  let root = rootAt(text, from + 5, sp);
  let type: string;
  if (root !== undefined) type = root.key;
  else {
    type = text.slice(from + 5, sp);
    if (nodeCount < MAX_NODES && roots.length < MAX_ROOTS) roots.push((root = keyNode(Object.keys({ [type]: 0 })[0], 0, undefined)));
  }
  lineType = type;
  lineMsg = msg;
  at = root;
  rec = root === undefined ? { type, msg } : NO_KEYS;
  let i = close + 1;
  if (i < to && text.charCodeAt(i) === 58 /* : */) i++;
  let gs = text.indexOf('\x1d', i);
  if (gs >= to) gs = -1;
  const end = gs === -1 ? to : gs;
  const ok = parsePairs(text, i, end) && (gs === -1 || gs + 1 >= to || parsePairs(text, gs + 1, to));
  const out = !ok ? undefined : at !== undefined ? recordAt(at) : rec;
  // The line's record not kept past it (its values stay in `values` until the next line's overwrite them).
  rec = NO_KEYS;
  at = undefined;
  lineMsg = lineType = '';
  return out;
}

/**
 * The time (ms) of an auditd `msg`, `audit(SECONDS[.FRACTION]:SERIAL)`, or -1 when msg is not one. By hand rather than
 * with a regex: every record is read, and the match array and its strings were garbage per record.
 */
function auditTime(msg: string): number {
  return auditTimeIn(msg, 0, msg.length);
}

/** auditTime of s[from, to) (an audit.log line's msg read in place, in its flat text: no slice to read it). */
function auditTimeIn(s: string, from: number, to: number): number {
  if (to - from < 6 || !s.startsWith('audit(', from) || s.charCodeAt(to - 1) !== 41 /* ) */) return -1;
  const start = from + 6;
  let i = start;
  let secs = 0;
  while (i < to && isDigit(s.charCodeAt(i))) secs = secs * 10 + s.charCodeAt(i++) - 48;
  if (i === start) return -1;
  // Exact only below 2^53: a longer run of digits is read as Number() reads it.
  if (i - start > 15) secs = Number(s.slice(start, i));
  let ms = 0;
  if (i < to && s.charCodeAt(i) === 46 /* . */) {
    const frac = ++i;
    while (i < to && isDigit(s.charCodeAt(i))) i++;
    if (i === frac) return -1;
    // The first three digits, zero-padded: milliseconds.
    for (let k = frac; k < frac + 3; k++) ms = ms * 10 + (k < i ? s.charCodeAt(k) - 48 : 0);
  }
  if (i >= to || s.charCodeAt(i) !== 58 /* : */) return -1;
  const serial = ++i;
  while (i < to && isDigit(s.charCodeAt(i))) i++;
  if (i === serial || i !== to - 1) return -1;
  return secs * 1000 + ms;
}

/** The serial of an auditd `msg` auditTime accepted: the digits before the closing ')' (found by hand: lastIndexOf is a C++ call). */
function auditSerial(msg: string): string {
  let i = msg.length - 2;
  while (isDigit(msg.charCodeAt(i))) i--;
  return msg.slice(i + 1, -1);
}

/** Time (ms) and serial from `audit(1700000000.123:456)`. */
export function auditTimestamp(msg: string): { time: number; serial: string } | undefined {
  const time = auditTime(msg);
  return time === -1 ? undefined : { time, serial: auditSerial(msg) };
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

// The objects below are built member by member in their output order, not as compact() copies of literals: an auditd
// record made up to six such copies, and allocation (the collector's share) was most of its cost.

function auditUser(uid: unknown, name: unknown): OcsfUserExt | undefined {
  const u = strOrUndef(uid);
  const n = strOrUndef(name);
  if (u === undefined) return n === undefined ? undefined : { name: n };
  return n === undefined ? { uid: u } : { uid: u, name: n };
}

// `a0`, `a1`…: EXECVE argument keys, made once rather than per argument of each record.
const ARG_KEYS = Array.from({ length: 64 }, (_, i) => `a${i}`);

/** The EXECVE arguments joined by spaces; keyCount: the record's number of keys. */
function execveCmdLine(rec: Rec, keyCount: number): string | undefined {
  const argc = numOrUndef(rec.argc);
  if (argc === undefined) return undefined;
  let cmd: string | undefined;
  // argc comes from the record: bound the loop by what the record can hold.
  const n = Math.min(argc, keyCount);
  for (let i = 0; i < n; i++) {
    const a = rec[i < ARG_KEYS.length ? ARG_KEYS[i] : `a${i}`];
    if (typeof a === 'string') cmd = cmd === undefined ? a : `${cmd} ${a}`;
  }
  return cmd;
}

// The last msg mapped and what it says: the records of one event share its msg (five for an execve), one after another.
let lastMsg = '';
let lastTime = -1;
let lastSerial = '';
let lastStamp = '';

function mapAudit(rec: Rec): TelemetryEvent {
  let keyCount = 0;
  for (const k in rec) {
    const v = rec[k];
    if (typeof v !== 'string' && typeof v !== 'number') throw new NormalizeError(`${k}: expected a string or number`);
    keyCount++;
  }
  const msg = rec.msg as string;
  if (msg !== lastMsg) {
    const t = auditTime(msg);
    if (t === -1) throw new NormalizeError(`msg: not an audit timestamp: "${String(rec.msg).slice(0, 40)}"`);
    lastTime = t;
    lastSerial = auditSerial(msg);
    lastStamp = msg.slice(6, -1);
    lastMsg = msg;
  }
  const time = lastTime;
  const type = rec.type as string;
  const host = strOrUndef(rec.node) ?? strOrUndef(rec.hostname_node);
  const device: OcsfDevice | undefined = host ? { hostname: host } : undefined;
  // A literal, not a spread of a shared object: each event's logsource is its own. With its category from the start
  // for a process creation (a member added to a literal after it is made grows a property store).
  let logsource: LogSource;
  let ocsf: OcsfEvent;

  const success = rec.success === 'yes' || rec.res === 'success' || rec.res === '1';
  const failed = rec.success === 'no' || rec.res === 'failed' || rec.res === '0';
  // One options object for whichever branch maps the record (a spread of shared options per branch cost more than
  // the branch: V8 built the copy member by member).
  const serial = lastSerial;
  const options: BaseOptions = { uid: serial, log_name: 'audit', event_code: type, original_time: msg, status_id: success ? 1 : failed ? 2 : undefined, severity_id: undefined };

  if (type === 'SYSCALL' && EXECVE_SYSCALLS.has(String(rec.syscall)) || type === 'EXECVE') {
    logsource = { product: 'linux', service: 'auditd', category: 'process_creation' };
    ocsf = baseEvent(OcsfClass.ProcessActivity, 1, time, AUDITD_PRODUCT, options);
    let process: OcsfProcessExt | undefined;
    if (type === 'EXECVE') {
      const cmd = execveCmdLine(rec, keyCount);
      if (cmd !== undefined) (process ??= {}).cmd_line = cmd;
      const name = strOrUndef(rec.a0);
      if (name !== undefined) (process ??= {}).name = name;
    } else {
      const pid = numOrUndef(rec.pid);
      if (pid !== undefined) (process ??= {}).pid = pid;
      const name = strOrUndef(rec.comm);
      if (name !== undefined) (process ??= {}).name = name;
      const file = fileFromPath(strOrUndef(rec.exe));
      if (file !== undefined) (process ??= {}).file = file;
      const user = auditUser(rec.uid, rec.UID);
      if (user !== undefined) (process ??= {}).user = user;
      const ppid = numOrUndef(rec.ppid);
      if (ppid !== undefined) (process ??= {}).parent_process = { pid: ppid };
    }
    ocsf.process = process ?? { name: 'unknown' };
    ocsf.actor = { user: auditUser(rec.auid, rec.AUID) ?? auditUser(rec.uid, rec.UID) ?? { name: 'unknown' } };
  } else if (type === 'USER_LOGIN' || type === 'USER_AUTH' || type === 'USER_LOGOUT' || type === 'USER_START' || type === 'USER_END' || type === 'USER_ERR') {
    logsource = { product: 'linux', service: 'auditd' };
    const logoff = type === 'USER_LOGOUT' || type === 'USER_END';
    options.severity_id = failed ? 3 : 1;
    ocsf = baseEvent(OcsfClass.Authentication, logoff ? 2 : 1, time, AUDITD_PRODUCT, options);
    const acct = strOrUndef(rec.acct);
    ocsf.user = accountUser(acct, strOrUndef(rec.id) ?? strOrUndef(rec.auid));
    const addr = strOrUndef(rec.addr);
    if (addr && addr !== '?') {
      const hostname = rec.hostname !== '?' ? strOrUndef(rec.hostname) : undefined;
      ocsf.src_endpoint = hostname === undefined ? { ip: addr } : { ip: addr, hostname };
    }
    const exe = strOrUndef(rec.exe);
    ocsf.service = { name: exe ? exe.slice(exe.lastIndexOf('/') + 1) : 'unknown' };
    if (device) ocsf.dst_endpoint = { hostname: device.hostname };
    if (rec.terminal !== undefined) ocsf.is_remote = String(rec.terminal).includes('ssh') || (addr !== undefined && addr !== '?');
    const pid = numOrUndef(rec.pid);
    const file = fileFromPath(exe);
    let process: { pid?: number; file?: OcsfProcessExt['file'] } | undefined;
    if (pid !== undefined) (process ??= {}).pid = pid;
    if (file !== undefined) (process ??= {}).file = file;
    ocsf.actor = { process };
  } else if (type === 'ADD_USER' || type === 'DEL_USER' || type === 'USER_CHAUTHTOK' || type === 'USER_MGMT') {
    logsource = { product: 'linux', service: 'auditd' };
    const op = String(rec.op ?? '');
    const activity = type === 'ADD_USER' ? 1 : type === 'DEL_USER' ? 6 : type === 'USER_CHAUTHTOK' ? 3 : op.includes('lock') ? 9 : 99;
    ocsf = baseEvent(OcsfClass.AccountChange, activity, time, AUDITD_PRODUCT, options);
    ocsf.user = accountUser(strOrUndef(rec.acct), strOrUndef(rec.id));
    ocsf.actor = { user: auditUser(rec.auid, rec.AUID) ?? { name: 'unknown' } };
  } else {
    logsource = { product: 'linux', service: 'auditd' };
    ocsf = baseEvent(OcsfClass.BaseEvent, 99, time, AUDITD_PRODUCT, options);
  }
  if (device) ocsf.device = device;
  const key = strOrUndef(rec.key);
  if (key && key !== '(null)') ocsf.unmapped = { key };
  // auditd's own identity of a record: the host, the event's `seconds.millis:serial` (serials restart at boot; the time
  // does not), the type (records of one event share the serial) and, for PATH records, the item. Not a hash of the
  // record: that cost more than mapping it (decision 0012).
  const stamp = lastStamp;
  const item = rec.item === undefined ? '' : `:${String(rec.item)}`;
  return { uid: `auditd:${host ?? ''}:${stamp}:${type}${item}`, source: 'linux.auditd', logsource, time, ocsf, raw: rec };
}

/** The user an account record names: `{ name, uid }` without the absent ones, `{ name: 'unknown' }` for neither. */
function accountUser(name: string | undefined, uid: string | undefined): OcsfUserExt {
  if (name === undefined) return uid === undefined ? { name: 'unknown' } : { uid };
  return uid === undefined ? { name } : { name, uid };
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

/**
 * The process that wrote a journal entry (only the branches that show it build it), member by member in output order
 * rather than as compact() copies of literals; undefined when the entry names none of it.
 */
function journalActorProcess(rec: Rec): OcsfProcessExt | undefined {
  let p: OcsfProcessExt | undefined;
  const pid = numOrUndef(rec._PID);
  if (pid !== undefined) (p ??= {}).pid = pid;
  const name = strOrUndef(rec._COMM);
  if (name !== undefined) (p ??= {}).name = name;
  const file = fileFromPath(strOrUndef(rec._EXE));
  if (file !== undefined) (p ??= {}).file = file;
  const cmd = strOrUndef(rec._CMDLINE);
  if (cmd !== undefined) (p ??= {}).cmd_line = cmd;
  const uid = strOrUndef(rec._UID);
  if (uid !== undefined) (p ??= {}).user = { uid };
  return p;
}

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
    ocsf.src_endpoint = m[3] ? { ip: m[2], port: Number(m[3]) } : { ip: m[2] };
    ocsf.service = { name: 'sshd' };
    ocsf.status_detail = 'USER_DOES_NOT_EXIST';
    ocsf.is_remote = true;
  } else if (message.includes('session ') && (m = PAM_SESSION.exec(message))) {
    options.status_id = 1;
    ocsf = baseEvent(OcsfClass.Authentication, m[1] === 'opened' ? 1 : 2, time, JOURNAL_PRODUCT, options);
    ocsf.user = { name: m[2] };
    ocsf.service = { name: ident || 'pam' };
    if (device) ocsf.dst_endpoint = { hostname: host };
  } else if (ident === 'sudo' && (m = SUDO_CMD.exec(message))) {
    ocsf = baseEvent(OcsfClass.ProcessActivity, 1, time, JOURNAL_PRODUCT, options);
    const cmd = m[4];
    const sp = cmd.indexOf(' ');
    const exe = sp === -1 ? cmd : cmd.slice(0, sp);
    ocsf.process = { cmd_line: cmd, file: fileFromPath(exe), name: exe.slice(exe.lastIndexOf('/') + 1), user: { name: m[3] } };
    ocsf.actor = { user: { name: m[1] }, process: journalActorProcess(rec) };
  } else {
    ocsf = baseEvent(OcsfClass.BaseEvent, 99, time, JOURNAL_PRODUCT, options);
    const actorProcess = journalActorProcess(rec);
    if (actorProcess) ocsf.actor = { process: actorProcess };
  }
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
