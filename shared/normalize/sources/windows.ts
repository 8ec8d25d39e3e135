/**
 * Windows event logs as JSON → OCSF, with the Sigma logsource of each event.
 *
 * Input: the shape evtx converters write, `{"Event":{"System":{…},"EventData":{…}}}`,
 * with XML attributes under `#attributes` (evtx_dump) or `@Name` (xml2json
 * style), EventData either as a name→value map or a `Data` array of
 * `{"@Name", "#text"}` items, and UserData for events that use it. An already
 * flat record (`EventID`, `Channel`, `Computer`, EventData fields at top
 * level, as Windows event forwarders emit) is accepted too.
 *
 * `raw` choice: Sigma's Windows rules select on EventData field names
 * (`Image`, `CommandLine`, `TargetUserName`…) next to `EventID`, `Channel`,
 * `Provider_Name` and `Computer`, all at top level. So `raw` is the
 * flattened map: every EventData/UserData field under its own name, then the
 * System fields (`EventID`, `Channel`, `Computer`, `Provider_Name`,
 * `Provider_Guid`, `EventRecordID`, `TimeCreated`, `Level`, `Task`,
 * `Opcode`, `Keywords`, `Version`, `Security_UserID`,
 * `Execution_ProcessID`, `Execution_ThreadID`, `Correlation_ActivityID`);
 * a System field wins over an EventData field of the same name. Values keep
 * the converter's types (numbers stay numbers, hex strings stay strings).
 */
import { lazyEvent, NormalizeError, type SourceMapper } from '../source';
import type { LogSource, TelemetryEvent } from '../../telemetry';
import type { OcsfEvent, OcsfProduct } from '../../ocsf/types';
import {
  OcsfClass,
  type OcsfDevice,
  type OcsfFile,
  type OcsfFingerprint,
  type OcsfNetworkEndpointExt,
  type OcsfProcessExt,
  type OcsfUserExt,
} from '../../ocsf/classes';
import { baseEvent, baseName, compact, fileFromPath, hashUid, isObj, numOrUndef, productOf, sharedProduct, strOrUndef, type BaseOptions, type Rec } from './common';
import { parseTimestamp } from './timestamp';

// ---------------------------------------------------------------- flattening

/**
 * Reader of one XML attribute: under `#attributes`, as `@name`, or as a plain
 * member. Generated per name with the keys as JSON string literals, so V8
 * reads them with named loads; one function taking the name made its keyed
 * loads see every attribute name of every event (megamorphic).
 */
function attrReader(name: string): (o: unknown) => unknown {
  const n = JSON.stringify(name);
  const at = JSON.stringify(`@${name}`);
  return new Function(
    'isObj',
    `return (o) => {
      if (!isObj(o)) return undefined;
      const a = o['#attributes'];
      if (isObj(a) && a[${n}] !== undefined) return a[${n}];
      if (o[${at}] !== undefined) return o[${at}];
      return o[${n}];
    };`,
  )(isObj) as (o: unknown) => unknown;
}

const attrName = attrReader('Name');
const attrGuid = attrReader('Guid');
const attrSystemTime = attrReader('SystemTime');
const attrUserId = attrReader('UserID');
const attrProcessId = attrReader('ProcessID');
const attrThreadId = attrReader('ThreadID');
const attrActivityId = attrReader('ActivityID');

/** An XML element's text: the value itself, or its `#text` when it also has attributes. */
function text(v: unknown): unknown {
  if (isObj(v)) return v['#text'] ?? v['#value'] ?? v.value;
  return v;
}

/** `{"Event":{…}}` → the flat field map Sigma rules expect (see the module comment). */
export function flattenWindowsEvent(record: Rec): Rec {
  const event = record.Event;
  if (!isObj(event)) throw new NormalizeError('Event: expected an object');
  const sys = event.System;
  if (!isObj(sys)) throw new NormalizeError('Event.System: expected an object');
  // The System fields, in the order they follow the event data; `mask` says which of the optional ones are set.
  const eidText = text(sys.EventID);
  const eid = typeof eidText === 'string' && /^\d+$/.test(eidText) ? Number(eidText) : eidText;
  const channel = text(sys.Channel);
  const computer = text(sys.Computer);
  const provider = sys.Provider;
  const providerName = attrName(provider);
  const guid = attrGuid(provider);
  const rid = text(sys.EventRecordID);
  const timeCreated = attrSystemTime(sys.TimeCreated);
  const level = sys.Level;
  const task = sys.Task;
  const opcode = sys.Opcode;
  const keywords = sys.Keywords;
  const version = sys.Version;
  const securityUid = attrUserId(sys.Security);
  const execution = sys.Execution;
  const pid = attrProcessId(execution);
  const tid = attrThreadId(execution);
  const act = attrActivityId(sys.Correlation);
  const mask =
    (guid !== undefined ? HAS_GUID : 0) |
    (rid !== undefined ? HAS_RECORD_ID : 0) |
    (level !== undefined && level !== null ? HAS_LEVEL : 0) |
    (task !== undefined && task !== null ? HAS_TASK : 0) |
    (opcode !== undefined && opcode !== null ? HAS_OPCODE : 0) |
    (keywords !== undefined && keywords !== null ? HAS_KEYWORDS : 0) |
    (version !== undefined && version !== null ? HAS_VERSION : 0) |
    (securityUid !== undefined ? HAS_SECURITY_UID : 0) |
    (pid !== undefined ? HAS_PID : 0) |
    (tid !== undefined ? HAS_TID : 0) |
    (act !== undefined ? HAS_ACTIVITY : 0);
  const ed = event.EventData;
  const ud = event.UserData;
  if (isObj(ed) && !Array.isArray(ed.Data) && !isObj(ud)) {
    const make = flatShape(ed, mask);
    if (make !== undefined) {
      return make(ed, eid, channel, computer, providerName, guid, rid, timeCreated, text(level), text(task), text(opcode), text(keywords), text(version), securityUid, pid, tid, act);
    }
  }
  let out: Rec = {};
  if (isObj(ed)) {
    const data = ed.Data;
    if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) {
        const d = data[i];
        const name = attrName(d);
        if (typeof name === 'string') out[name] = text(d) ?? null;
        else if (d !== null && d !== undefined) out[`Data_${i}`] = text(d);
      }
    } else if (plainMembers(ed)) {
      // Object.assign into an empty object takes the parsed object's shape:
      // copied key by key, a record of more than ~16 fields becomes a
      // dictionary-mode object, slower to read for the mapper and the rules
      // and to serialize. Not a spread: adding the System fields below to a
      // spread's copy built new hidden classes for every record (about 1 µs
      // a field, 11–14 µs per Sysmon record on Node 20), where the assigned
      // copy follows the transitions every record shares. Same keys, same order.
      out = Object.assign({}, ed);
    } else {
      for (const k in ed) {
        if (k === '#attributes' || k.startsWith('@')) continue;
        out[k] = ed[k];
      }
    }
  } else if (ed !== undefined && ed !== null) {
    throw new NormalizeError('Event.EventData: expected an object');
  }
  if (isObj(ud)) {
    for (const k in ud) {
      const inner = ud[k];
      if (!isObj(inner)) continue;
      for (const f in inner) if (f !== '#attributes' && !f.startsWith('@') && !(f in out)) out[f] = inner[f];
    }
  }
  // Named stores, one per field (a loop of keyed stores would also turn the record into a dictionary).
  out.EventID = eid;
  out.Channel = channel;
  out.Computer = computer;
  out.Provider_Name = providerName;
  if (mask & HAS_GUID) out.Provider_Guid = guid;
  if (mask & HAS_RECORD_ID) out.EventRecordID = rid;
  out.TimeCreated = timeCreated;
  if (mask & HAS_LEVEL) out.Level = text(level);
  if (mask & HAS_TASK) out.Task = text(task);
  if (mask & HAS_OPCODE) out.Opcode = text(opcode);
  if (mask & HAS_KEYWORDS) out.Keywords = text(keywords);
  if (mask & HAS_VERSION) out.Version = text(version);
  if (mask & HAS_SECURITY_UID) out.Security_UserID = securityUid;
  if (mask & HAS_PID) out.Execution_ProcessID = pid;
  if (mask & HAS_TID) out.Execution_ThreadID = tid;
  if (mask & HAS_ACTIVITY) out.Correlation_ActivityID = act;
  return out;
}

// Bits of flattenWindowsEvent's `mask`: the optional System fields that are set.
const HAS_GUID = 1;
const HAS_RECORD_ID = 2;
const HAS_LEVEL = 4;
const HAS_TASK = 8;
const HAS_OPCODE = 16;
const HAS_KEYWORDS = 32;
const HAS_VERSION = 64;
const HAS_SECURITY_UID = 128;
const HAS_PID = 256;
const HAS_TID = 512;
const HAS_ACTIVITY = 1024;

/** The System fields after the event data, in order, each with its bit of `mask` (0: always set). */
const SYSTEM_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['EventID', 0],
  ['Channel', 0],
  ['Computer', 0],
  ['Provider_Name', 0],
  ['Provider_Guid', HAS_GUID],
  ['EventRecordID', HAS_RECORD_ID],
  ['TimeCreated', 0],
  ['Level', HAS_LEVEL],
  ['Task', HAS_TASK],
  ['Opcode', HAS_OPCODE],
  ['Keywords', HAS_KEYWORDS],
  ['Version', HAS_VERSION],
  ['Security_UserID', HAS_SECURITY_UID],
  ['Execution_ProcessID', HAS_PID],
  ['Execution_ThreadID', HAS_TID],
  ['Correlation_ActivityID', HAS_ACTIVITY],
];

/** Builds a flat record from the event data and the System values (in SYSTEM_FIELDS order). */
type FlatMaker = (ed: Rec, ...system: unknown[]) => Rec;

interface FlatShape {
  keys: string[];
  mask: number;
  make: FlatMaker;
}

/**
 * Flat records by shape: the event data's keys in order and which optional System fields are set. Each shape's
 * record is made by one object literal naming every key, generated once for the shape with the keys as JSON string
 * literals: one allocation with every member in place, where the general path's copy of the event data and the
 * System members stored after it grew the record's property store several times (0.42 against 0.09 µs a Sysmon
 * record). A literal repeating an event-data key among the System ones keeps it where the event data has it, with the
 * System value, as the general path's store over the copy does. Event data with a `__proto__`, array-index,
 * `#attributes` or `@…` key, inherited enumerable members, or past SHAPE_LIMIT shapes takes the general path.
 */
const shapes: FlatShape[] = [];
const SHAPE_LIMIT = 256;
let lastShape = 0;
/** The event data's keys as for…in walks them, reused from record to record. */
const walked: string[] = [];

function flatShape(ed: Rec, mask: number): FlatMaker | undefined {
  // Records of one kind come in runs: the last shape's keys, compared as for…in walks them, settle most records.
  const last = shapes[lastShape];
  if (last !== undefined && last.mask === mask) {
    const keys = last.keys;
    let i = 0;
    for (const k in ed) {
      if (k !== keys[i]) {
        i = -1;
        break;
      }
      i++;
    }
    if (i === keys.length) return last.make;
  }
  let n = 0;
  for (const k in ed) {
    const c = k.charCodeAt(0);
    // '#', '@': XML attributes (the general path drops them); '_': __proto__ is set, not copied, by a literal.
    if (c === 35 || c === 64 || (c === 95 && k === '__proto__')) return undefined;
    walked[n++] = k;
  }
  for (let i = 0; i < shapes.length; i++) {
    if (sameShape(shapes[i], n, mask)) {
      lastShape = i;
      return shapes[i].make;
    }
  }
  if (shapes.length >= SHAPE_LIMIT) return undefined;
  const keys = walked.slice(0, n);
  const own = Object.keys(ed);
  if (own.length !== n || own.some((k, i) => k !== keys[i] || isArrayIndex(k))) return undefined;
  const members = keys.map((k) => `${JSON.stringify(k)}: ed[${JSON.stringify(k)}]`);
  SYSTEM_FIELDS.forEach(([key, bit], i) => {
    if (bit === 0 || (mask & bit) !== 0) members.push(`${JSON.stringify(key)}: s${i}`);
  });
  const params = SYSTEM_FIELDS.map((_, i) => `s${i}`).join(', ');
  const make = new Function(`return (ed, ${params}) => ({ ${members.join(', ')} });`)() as FlatMaker;
  lastShape = shapes.length;
  shapes.push({ keys, mask, make });
  return make;
}

function sameShape(shape: FlatShape, n: number, mask: number): boolean {
  const keys = shape.keys;
  if (shape.mask !== mask || keys.length !== n) return false;
  for (let i = 0; i < n; i++) if (keys[i] !== walked[i]) return false;
  return true;
}

function isArrayIndex(k: string): boolean {
  return String(Number(k) >>> 0) === k && k !== '4294967295';
}

/** True when every member of an EventData map is copied as is: none is an XML attribute (`#attributes`, `@…`). */
function plainMembers(ed: Rec): boolean {
  for (const k in ed) if (k === '#attributes' || k.charCodeAt(0) === 64) return false;
  return true;
}

function isNested(r: Rec): boolean {
  return isObj(r.Event) && isObj(r.Event.System);
}

function isFlat(r: Rec): boolean {
  return r.EventID !== undefined && typeof r.Channel === 'string' && typeof r.Computer === 'string';
}

// ---------------------------------------------------------------- logsource

const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
const SYSMON_CHANNEL_LC = SYSMON_CHANNEL.toLowerCase();

/** Sysmon EventID → Sigma category (Sigma taxonomy, product windows). */
const SYSMON_CATEGORIES: Record<number, string> = {
  1: 'process_creation',
  2: 'file_change',
  3: 'network_connection',
  5: 'process_termination',
  6: 'driver_load',
  7: 'image_load',
  8: 'create_remote_thread',
  9: 'raw_access_thread',
  10: 'process_access',
  11: 'file_event',
  13: 'registry_set',
  14: 'registry_rename',
  15: 'create_stream_hash',
  17: 'pipe_created',
  18: 'pipe_created',
  19: 'wmi_event',
  20: 'wmi_event',
  21: 'wmi_event',
  22: 'dns_query',
  23: 'file_delete',
  24: 'clipboard_capture',
  25: 'process_tampering',
  26: 'file_delete',
  27: 'file_block_executable',
  28: 'file_block_shredding',
  29: 'file_executable_detected',
};

/** Sigma services for the channels its rules name; others are derived from the channel name. */
const CHANNEL_SERVICES: Record<string, string> = {
  security: 'security',
  system: 'system',
  application: 'application',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'microsoft-windows-sysmon/operational': 'sysmon',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-wmi-activity/operational': 'wmi',
  'microsoft-windows-dns-client/operational': 'dns-client',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'microsoft-windows-driverframeworks-usermode/operational': 'driver-framework',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-openssh/operational': 'openssh',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  'microsoft-windows-dhcp-server/operational': 'dhcp',
  'dns server': 'dns-server',
  'microsoft-windows-dns-server/analytical': 'dns-server-analytic',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-appxpackaging/operational': 'appxpackaging-om',
  'microsoft-windows-diagnosis-scripted/operational': 'diagnosis-scripted',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-certificateservicesclient-lifecycle-system/operational': 'certificateservicesclient-lifecycle-system',
  'microsoft-windows-kernel-shimengine/operational': 'shim-engine',
  'microsoft-windows-hyper-v-worker-admin': 'hyper-v-worker',
  'microsoft-windows-vhdmp/operational': 'vhdmp',
  'microsoft-windows-servicing/operational': 'servicing',
};

/** Sigma service for a channel: the taxonomy name when it has one, else a slug of the channel. */
const serviceCache = new Map<string, string>();

export function channelService(channel: string): string {
  // The two channels nearly every event comes from, without hashing the name for the cache.
  if (channel === SYSMON_CHANNEL) return 'sysmon';
  if (channel === 'Security') return 'security';
  const cached = serviceCache.get(channel);
  if (cached !== undefined) return cached;
  const key = channel.toLowerCase();
  const service =
    CHANNEL_SERVICES[key] ??
    key
      .replace(/^microsoft-windows-/, '')
      .replace(/\/operational$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  // Channels are few; the bound only guards against hostile input.
  if (serviceCache.size < 1000) serviceCache.set(channel, service);
  return service;
}

/** Sigma category of a channel's event, when the taxonomy gives it one. */
function windowsCategory(ch: string, eid: number, f: Rec): string | undefined {
  if (ch === SYSMON_CHANNEL_LC) {
    if (eid === 12) {
      const t = String(f.EventType ?? '');
      return t === 'CreateKey' ? 'registry_add' : t.startsWith('Delete') ? 'registry_delete' : 'registry_event';
    }
    return SYSMON_CATEGORIES[eid];
  }
  if (ch === 'security') return eid === 4688 ? 'process_creation' : undefined;
  if (ch === 'microsoft-windows-powershell/operational' || ch === 'powershellcore/operational') {
    return eid === 4104 ? 'ps_script' : eid === 4103 ? 'ps_module' : undefined;
  }
  if (ch === 'windows powershell') {
    return eid === 400 ? 'ps_classic_start' : eid === 600 ? 'ps_classic_provider_start' : eid === 800 ? 'ps_classic_script' : undefined;
  }
  return undefined;
}

/**
 * Sigma logsource: always the channel's service, plus the category when the
 * taxonomy has one. Rules compare only the fields they name, so a category
 * rule (`process_creation`) and a channel rule (`service: security`,
 * `EventID: 4688`) both apply to a 4688 event.
 */
export function windowsLogSource(channel: string, eid: number, f: Rec): LogSource {
  return logSourceOf(channel, lowerChannel(channel), eid, f);
}

function logSourceOf(channel: string, ch: string, eid: number, f: Rec): LogSource {
  const category = windowsCategory(ch, eid, f);
  const service = channelService(channel);
  return category ? { product: 'windows', service, category } : { product: 'windows', service };
}

// ---------------------------------------------------------------- mapping

const PRODUCTS: Record<string, { name: string; vendor_name: string }> = {
  sysmon: sharedProduct({ name: 'Sysmon', vendor_name: 'Microsoft' }),
  security: sharedProduct({ name: 'Windows Security Auditing', vendor_name: 'Microsoft' }),
};
const WINDOWS = { name: 'Windows Event Log', vendor_name: 'Microsoft' };

// Other channels' product (`feature` is the channel), one per channel; channels are few, the bound guards against hostile input.
const channelProducts = new Map<string, OcsfProduct>();

function channelProduct(channel: string): OcsfProduct {
  let p = channelProducts.get(channel);
  if (!p) {
    p = { ...WINDOWS, feature: { name: channel } };
    if (channelProducts.size < 256) channelProducts.set(channel, sharedProduct(p));
  }
  return p;
}

/** channel.toLowerCase(), without a new string for the two channels nearly every event comes from. */
function lowerChannel(channel: string): string {
  if (channel === SYSMON_CHANNEL) return SYSMON_CHANNEL_LC;
  if (channel === 'Security') return 'security';
  return channel.toLowerCase();
}

function parseHashes(h: unknown): OcsfFingerprint[] | undefined {
  if (typeof h !== 'string' || h === '') return undefined;
  const out: OcsfFingerprint[] = [];
  for (const part of h.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const alg = part.slice(0, eq).toUpperCase();
    const value = part.slice(eq + 1);
    const id = alg === 'MD5' ? 1 : alg === 'SHA1' ? 2 : alg === 'SHA256' ? 3 : 99;
    out.push(id === 99 ? { algorithm_id: 99, algorithm: alg, value } : { algorithm_id: id, algorithm: alg === 'SHA1' ? 'SHA-1' : alg === 'SHA256' ? 'SHA-256' : 'MD5', value });
  }
  return out.length ? out : undefined;
}

function file(path: unknown, hashes?: unknown): OcsfFile | undefined {
  const f: OcsfFile | undefined = fileFromPath(strOrUndef(path));
  if (!f) return undefined;
  const h = parseHashes(hashes);
  if (h) f.hashes = h;
  return f;
}

/** `{ name, domain, uid }` without the absent ones (undefined when none), built member by member rather than through compact(). */
function windowsUser(name: unknown, domain?: unknown, sid?: unknown): OcsfUserExt | undefined {
  let n = strOrUndef(name);
  let d = strOrUndef(domain);
  // Sysmon writes DOMAIN\user in one field.
  if (n && d === undefined) {
    const i = n.indexOf('\\');
    if (i !== -1) {
      d = n.slice(0, i);
      n = n.slice(i + 1);
    }
  }
  if (n === '-') n = undefined;
  if (d === '-') d = undefined;
  const uid = strOrUndef(sid);
  if (n === undefined && d === undefined && uid === undefined) return undefined;
  const u: OcsfUserExt = {};
  if (n !== undefined) u.name = n;
  if (d !== undefined) u.domain = d;
  if (uid !== undefined) u.uid = uid;
  return u;
}

/** The EventData names of one Sysmon process (''), or of its parent, source or target: built once, not per event. */
interface ProcessKeys {
  image: string;
  pid: string;
  guid: string;
  cmd: string;
}
const processKeys = (prefix: string): ProcessKeys => ({ image: `${prefix}Image`, pid: `${prefix}ProcessId`, guid: `${prefix}ProcessGuid`, cmd: `${prefix}CommandLine` });
const PROCESS_KEYS = { '': processKeys(''), Parent: processKeys('Parent'), Source: processKeys('Source'), Target: processKeys('Target') };

/** Sysmon's process fields (Image, ProcessId, ProcessGuid, CommandLine…) under a prefix ('' or 'Parent'/'Source'/'Target'). */
function sysmonProcess(f: Rec, prefix: '' | 'Parent' | 'Source' | 'Target'): OcsfProcessExt | undefined {
  const keys = PROCESS_KEYS[prefix];
  const image = f[keys.image];
  // Members in the order compact() of { pid, uid, cmd_line, file, name, user, integrity } gave them.
  const pid = numOrUndef(f[keys.pid]);
  const uid = strOrUndef(f[keys.guid]);
  const cmd = strOrUndef(f[keys.cmd]);
  const fl = file(image, prefix === '' ? f.Hashes : undefined);
  const name = typeof image === 'string' ? baseName(image) : undefined;
  const user = prefix === '' ? windowsUser(f.User) : prefix === 'Parent' ? windowsUser(f.ParentUser) : undefined;
  const integrity = prefix === '' ? strOrUndef(f.IntegrityLevel) : undefined;
  if (pid === undefined && uid === undefined && cmd === undefined && fl === undefined && name === undefined && user === undefined && integrity === undefined) return undefined;
  const p: OcsfProcessExt = {};
  if (pid !== undefined) p.pid = pid;
  if (uid !== undefined) p.uid = uid;
  if (cmd !== undefined) p.cmd_line = cmd;
  if (fl !== undefined) p.file = fl;
  if (name !== undefined) p.name = name;
  if (user !== undefined) p.user = user;
  if (integrity !== undefined) p.integrity = integrity;
  return p;
}

function sysmonActor(f: Rec): OcsfEvent['actor'] {
  const proc = sysmonProcess(f, '');
  const user = windowsUser(f.User);
  return compact({ process: proc, user }) ?? { process: { name: 'unknown' } };
}

const LOGON_TYPES: Record<number, string> = {
  0: 'System',
  2: 'Interactive',
  3: 'Network',
  4: 'Batch',
  5: 'OS Service',
  7: 'Unlock',
  8: 'Network Cleartext',
  9: 'New Credentials',
  10: 'Remote Interactive',
  11: 'Cached Interactive',
  12: 'Cached Remote Interactive',
  13: 'Cached Unlock',
};

function mapSysmon(eid: number, f: Rec, time: number, o: Parameters<typeof baseEvent>[4]): OcsfEvent {
  const P = PRODUCTS.sysmon;
  let ev: OcsfEvent;
  switch (eid) {
    case 1:
    case 5: {
      ev = baseEvent(OcsfClass.ProcessActivity, eid === 1 ? 1 : 2, time, P, o);
      const proc = sysmonProcess(f, '') ?? { name: 'unknown' };
      const parent = sysmonProcess(f, 'Parent');
      if (parent) proc.parent_process = parent;
      ev.process = proc;
      // The actor of a launch is the parent process.
      ev.actor = compact({ process: parent, user: windowsUser(f.ParentUser) ?? windowsUser(f.User) }) ?? { user: { name: 'unknown' } };
      break;
    }
    case 3: {
      if (!strOrUndef(f.SourceIp) && !strOrUndef(f.DestinationIp)) throw new NormalizeError('DestinationIp: missing required field');
      const initiated = String(f.Initiated).toLowerCase() === 'true';
      ev = baseEvent(OcsfClass.NetworkActivity, 1, time, P, o);
      ev.src_endpoint = compact<OcsfNetworkEndpointExt>({ ip: strOrUndef(f.SourceIp), port: numOrUndef(f.SourcePort), hostname: strOrUndef(f.SourceHostname) }) ?? {};
      ev.dst_endpoint = compact<OcsfNetworkEndpointExt>({ ip: strOrUndef(f.DestinationIp), port: numOrUndef(f.DestinationPort), hostname: strOrUndef(f.DestinationHostname) });
      ev.connection_info = compact({ protocol_name: strOrUndef(f.Protocol), direction_id: initiated ? 2 : 1, direction: initiated ? 'Outbound' : 'Inbound' });
      ev.actor = sysmonActor(f);
      break;
    }
    case 6:
      ev = baseEvent(OcsfClass.KernelExtensionActivity, 1, time, P, o);
      ev.driver = { file: file(f.ImageLoaded, f.Hashes) ?? { name: 'unknown' } };
      ev.actor = { user: { name: 'SYSTEM' } };
      break;
    case 7:
      ev = baseEvent(OcsfClass.ModuleActivity, 1, time, P, o);
      ev.module = compact({ file: file(f.ImageLoaded, f.Hashes), type: 'DLL' }) ?? { type: 'DLL' };
      ev.actor = sysmonActor(f);
      break;
    case 8:
    case 10: {
      ev = baseEvent(OcsfClass.ProcessActivity, eid === 8 ? 4 : 3, time, P, o);
      ev.process = sysmonProcess(f, 'Target') ?? { name: 'unknown' };
      ev.actor = compact({ process: sysmonProcess(f, 'Source'), user: windowsUser(f.SourceUser) }) ?? { process: { name: 'unknown' } };
      if (eid === 10 && f.GrantedAccess !== undefined) ev.unmapped = { GrantedAccess: f.GrantedAccess, CallTrace: f.CallTrace };
      break;
    }
    case 2:
    case 11:
    case 15:
    case 23:
    case 26:
    case 27:
    case 29: {
      const activity = eid === 11 || eid === 15 || eid === 29 ? 1 : eid === 2 ? 6 : 4;
      ev = baseEvent(OcsfClass.FileSystemActivity, activity, time, P, o);
      ev.file = file(f.TargetFilename, f.Hashes) ?? { name: 'unknown' };
      ev.actor = sysmonActor(f);
      break;
    }
    case 12:
    case 13:
    case 14: {
      const type = String(f.EventType ?? '');
      const target = strOrUndef(f.TargetObject);
      if (!target) throw new NormalizeError('TargetObject: missing required field');
      const isValue = type === 'SetValue' || type === 'DeleteValue' || eid === 13;
      if (isValue) {
        ev = baseEvent(OcsfClass.RegistryValueActivity, type === 'DeleteValue' ? 4 : 2, time, P, o);
        const i = target.lastIndexOf('\\');
        ev.reg_value = compact({ path: target, name: i >= 0 ? target.slice(i + 1) : target, data: f.Details });
      } else {
        ev = baseEvent(OcsfClass.RegistryKeyActivity, eid === 14 ? 5 : type === 'DeleteKey' ? 4 : 1, time, P, o);
        ev.reg_key = { path: target };
        if (eid === 14 && typeof f.NewName === 'string') ev.unmapped = { NewName: f.NewName };
      }
      ev.actor = sysmonActor(f);
      break;
    }
    case 22: {
      ev = baseEvent(OcsfClass.DnsActivity, 1, time, P, o);
      const qname = strOrUndef(f.QueryName);
      if (!qname) throw new NormalizeError('QueryName: missing required field');
      ev.query = { hostname: qname };
      const results = strOrUndef(f.QueryResults);
      if (results) {
        // QueryResults looks like "type:  5 host.example.com;::ffff:192.0.2.1;"
        ev.answers = results
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => ({ rdata: s.replace(/^type:\s+\d+\s+/, '').replace(/^::ffff:/, '') }));
      }
      const status = numOrUndef(f.QueryStatus);
      if (status !== undefined) {
        ev.rcode_id = status === 0 ? 0 : status === 9003 ? 3 : 99;
        ev.rcode = status === 0 ? 'NoError' : status === 9003 ? 'NXDomain' : 'Other';
      }
      ev.src_endpoint = { hostname: strOrUndef(f.Computer) };
      ev.actor = sysmonActor(f);
      break;
    }
    default:
      ev = baseEvent(OcsfClass.BaseEvent, 99, time, P, o);
      ev.actor = sysmonActor(f);
  }
  return ev;
}

function mapSecurity(eid: number, f: Rec, time: number, o: BaseOptions): OcsfEvent {
  const P = PRODUCTS.security;
  const subject = windowsUser(f.SubjectUserName, f.SubjectDomainName, f.SubjectUserSid);
  const target = windowsUser(f.TargetUserName, f.TargetDomainName, f.TargetUserSid ?? f.TargetSid);
  let ev: OcsfEvent;
  switch (eid) {
    case 4688:
    case 4689: {
      ev = baseEvent(OcsfClass.ProcessActivity, eid === 4688 ? 1 : 2, time, P, o);
      const path = strOrUndef(eid === 4688 ? f.NewProcessName : f.ProcessName);
      const proc: OcsfProcessExt = compact<OcsfProcessExt>({
        pid: numOrUndef(eid === 4688 ? f.NewProcessId : f.ProcessId),
        file: fileFromPath(path),
        name: path ? path.slice(path.lastIndexOf('\\') + 1) : undefined,
        cmd_line: strOrUndef(f.CommandLine),
        user: target && target.name ? target : subject,
      }) ?? { name: 'unknown' };
      if (eid === 4688) {
        const parentPath = strOrUndef(f.ParentProcessName);
        const parent = compact<OcsfProcessExt>({ pid: numOrUndef(f.ProcessId), file: fileFromPath(parentPath), name: parentPath ? parentPath.slice(parentPath.lastIndexOf('\\') + 1) : undefined });
        if (parent) proc.parent_process = parent;
        ev.actor = compact({ user: subject, process: parent }) ?? { user: { name: 'unknown' } };
      } else {
        ev.actor = { user: subject ?? { name: 'unknown' } };
      }
      ev.process = proc;
      break;
    }
    case 4624:
    case 4625:
    case 4634:
    case 4647:
    case 4648:
    case 4768:
    case 4769:
    case 4770:
    case 4771:
    case 4776: {
      const activity = eid === 4634 || eid === 4647 ? 2 : eid === 4768 ? 3 : eid === 4769 ? 4 : eid === 4770 ? 5 : eid === 4771 ? 6 : eid === 4776 ? 99 : 1;
      const status = f.Status !== undefined ? String(f.Status) : undefined;
      const failed = eid === 4625 || eid === 4771 || (status !== undefined && status !== '0x0' && status !== '0');
      ev = baseEvent(OcsfClass.Authentication, activity, time, P, {
        uid: o.uid,
        original_time: o.original_time,
        log_name: o.log_name,
        event_code: o.event_code,
        product_version: o.product_version,
        status_id: failed ? 2 : 1,
        severity_id: failed ? 3 : 1,
      });
      const user =
        eid === 4648
          ? windowsUser(f.TargetUserName, f.TargetDomainName)
          : eid === 4776
            ? windowsUser(f.TargetUserName)
            : target;
      ev.user = user ?? { name: 'unknown' };
      // Actor and source endpoint built member by member and left out when empty (what compact() and delete did).
      const pid = numOrUndef(f.ProcessId);
      const pfile = fileFromPath(strOrUndef(f.ProcessName));
      let proc: OcsfProcessExt | undefined;
      if (pid !== undefined || pfile !== undefined) {
        proc = {};
        if (pid !== undefined) proc.pid = pid;
        if (pfile !== undefined) proc.file = pfile;
      }
      if (subject || proc) {
        const actor: NonNullable<OcsfEvent['actor']> = {};
        if (subject) actor.user = subject;
        if (proc) actor.process = proc;
        ev.actor = actor;
      }
      const ip = strOrUndef(f.IpAddress);
      const srcIp = ip && ip !== '-' ? (ip.startsWith('::ffff:') ? ip.slice(7) : ip) : undefined;
      const srcPort = numOrUndef(f.IpPort) || undefined;
      const srcHost = strOrUndef(f.WorkstationName) ?? strOrUndef(f.Workstation);
      if (srcIp !== undefined || srcPort !== undefined || srcHost !== undefined) {
        const src: OcsfNetworkEndpointExt = {};
        if (srcIp !== undefined) src.ip = srcIp;
        if (srcPort !== undefined) src.port = srcPort;
        if (srcHost !== undefined) src.hostname = srcHost;
        ev.src_endpoint = src;
      }
      const computer = strOrUndef(f.Computer);
      // Authentication needs a target: the computer that logged the event, else the Windows logon service.
      if (computer) ev.dst_endpoint = { hostname: computer };
      else ev.service = { name: 'Windows' };
      if (eid === 4769 && typeof f.ServiceName === 'string') ev.service = { name: f.ServiceName, uid: strOrUndef(f.ServiceSid) };
      const lt = numOrUndef(f.LogonType);
      if (lt !== undefined) {
        ev.logon_type_id = lt in LOGON_TYPES ? lt : 99;
        ev.logon_type = LOGON_TYPES[lt] ?? 'Other';
        ev.is_remote = lt === 3 || lt === 10 || lt === 8;
      }
      const pkg = strOrUndef(f.AuthenticationPackageName) ?? strOrUndef(f.PackageName);
      const proto = eid >= 4768 && eid <= 4771 ? 'Kerberos' : pkg;
      if (proto) {
        const p = proto.toUpperCase();
        ev.auth_protocol_id = p.includes('NTLM') || p.startsWith('MICROSOFT_AUTHENTICATION_PACKAGE') ? 1 : p === 'KERBEROS' ? 2 : 99;
        ev.auth_protocol = proto;
      }
      if (failed) ev.status_detail = [strOrUndef(f.Status), strOrUndef(f.SubStatus), strOrUndef(f.FailureReason)].filter(Boolean).join(' ') || undefined;
      if (typeof f.TargetLogonId === 'string') ev.session = { uid: f.TargetLogonId };
      break;
    }
    case 4720:
    case 4722:
    case 4723:
    case 4724:
    case 4725:
    case 4726:
    case 4740:
    case 4767: {
      const activity: Record<number, number> = { 4720: 1, 4722: 2, 4723: 3, 4724: 4, 4725: 5, 4726: 6, 4740: 9, 4767: 12 };
      ev = baseEvent(OcsfClass.AccountChange, activity[eid], time, P, o);
      ev.user = target ?? { name: 'unknown' };
      ev.actor = { user: subject ?? { name: 'unknown' } };
      break;
    }
    case 4728:
    case 4729:
    case 4732:
    case 4733:
    case 4756:
    case 4757: {
      const add = eid === 4728 || eid === 4732 || eid === 4756;
      ev = baseEvent(OcsfClass.GroupManagement, add ? 3 : 4, time, P, o);
      ev.group = compact({ name: strOrUndef(f.TargetUserName), domain: strOrUndef(f.TargetDomainName), uid: strOrUndef(f.TargetSid) }) ?? { name: 'unknown' };
      const member = strOrUndef(f.MemberName);
      ev.user = compact<OcsfUserExt>({ uid: strOrUndef(f.MemberSid), name: member && member !== '-' ? member : undefined });
      if (!ev.user) delete ev.user;
      ev.actor = { user: subject ?? { name: 'unknown' } };
      break;
    }
    default:
      ev = baseEvent(OcsfClass.BaseEvent, 99, time, P, o);
      if (subject) ev.actor = { user: subject };
  }
  return ev;
}

/** Windows SystemTime, or Sysmon's UtcTime ("2026-03-02 16:10:11.123", UTC without a zone). */
function windowsTime(f: Rec): number {
  const t = f.TimeCreated ?? f.UtcTime ?? f.EventTime ?? f['@timestamp'];
  if (typeof t !== 'string') {
    if (t === undefined || t === null) throw new NormalizeError('TimeCreated: missing required field');
    throw new NormalizeError(`TimeCreated: expected a timestamp string, got ${typeof t}`);
  }
  let s = t;
  // SystemTime is already ISO with Z; only Sysmon's UtcTime style needs fixing up.
  if (s.charCodeAt(s.length - 1) !== 90 /* Z */) {
    if (/^\d{4}-\d\d-\d\d \d/.test(s)) s = s.replace(' ', 'T');
    if (!/[zZ]|[+-]\d\d:?\d\d$/.test(s)) s += 'Z';
  }
  const ms = parseTimestamp(s);
  if (Number.isNaN(ms)) throw new NormalizeError(`TimeCreated: not a timestamp: "${t.slice(0, 40)}"`);
  return ms;
}

/**
 * What every Windows event must carry, checked in one order for the mapper and
 * the route so both reject a record with the same reason.
 */
function windowsHeader(f: Rec): { eid: number; channel: string; ch: string; time: number } {
  const eid = typeof f.EventID === 'number' ? f.EventID : typeof f.EventID === 'string' && /^\d+$/.test(f.EventID) ? Number(f.EventID) : NaN;
  if (!Number.isInteger(eid)) throw new NormalizeError(`EventID: expected an integer, got ${JSON.stringify(f.EventID)?.slice(0, 40)}`);
  const channel = f.Channel;
  if (typeof channel !== 'string') throw new NormalizeError('Channel: expected a string');
  // Every Windows event names the computer that logged it; endpoint and device attributes hang off it.
  if (typeof f.Computer !== 'string' || f.Computer === '') {
    throw new NormalizeError(f.Computer === undefined || f.Computer === null || f.Computer === '' ? 'Computer: missing required field' : 'Computer: expected a string');
  }
  const time = windowsTime(f);
  return { eid, channel, ch: lowerChannel(channel), time };
}

/** A checked event's uid: computer, channel and record number, or a hash of the record without a number. */
function windowsUid(f: Rec, recordId = strOrUndef(f.EventRecordID)): string {
  return recordId !== undefined ? `${f.Computer as string}:${f.Channel as string}:${recordId}` : hashUid(f);
}

/** Maps a flattened Windows event (see flattenWindowsEvent). */
export function mapWindowsFields(f: Rec): TelemetryEvent {
  const { eid, channel, ch, time } = windowsHeader(f);
  const recordId = strOrUndef(f.EventRecordID);
  const uid = windowsUid(f, recordId);
  const version = strOrUndef(f.Version);
  const provider = f.Provider_Name;
  const o = {
    uid: recordId,
    original_time: typeof f.TimeCreated === 'string' ? f.TimeCreated : undefined,
    log_name: channel,
    event_code: String(eid),
    // With a provider name the product is replaced below, version included, so baseEvent need not version it first.
    product_version: typeof provider === 'string' ? undefined : version,
  };
  let ocsf: OcsfEvent;
  if (ch === SYSMON_CHANNEL_LC) ocsf = mapSysmon(eid, f, time, o);
  else if (ch === 'security') ocsf = mapSecurity(eid, f, time, o);
  else {
    ocsf = baseEvent(OcsfClass.BaseEvent, 99, time, channelProduct(channel), o);
    const u = windowsUser(f.SubjectUserName, f.SubjectDomainName, f.SubjectUserSid) ?? windowsUser(f.UserID ?? f.Security_UserID);
    if (u) ocsf.actor = { user: u };
  }
  const device: OcsfDevice | undefined = typeof f.Computer === 'string' ? { hostname: f.Computer, os: { name: 'Windows', type_id: 100, type: 'Windows' } } : undefined;
  if (device) ocsf.device = device;
  if (typeof provider === 'string') ocsf.metadata.product = productOf(ch === SYSMON_CHANNEL_LC ? PRODUCTS.sysmon : ch === 'security' ? PRODUCTS.security : channelProduct(channel), version, provider);
  return { uid, source: 'windows', logsource: logSourceOf(channel, ch, eid, f), time, ocsf, raw: f };
}

/**
 * SourceMapper.route for Windows: the flat field map rules read, with the
 * OCSF event mapped on first read. Throws what mapWindowsFields throws, in
 * the same order (test/unit/fuzz/route.test.ts compares the two).
 */
/** The lazy event's mapping: the record's fields, already flattened, mapped as normalize maps them. */
const windowsOcsf = (f: Rec) => mapWindowsFields(f).ocsf;

export function routeWindows(record: Rec): TelemetryEvent[] {
  const f = isNested(record) ? flattenWindowsEvent(record) : record;
  const { eid, channel, ch, time } = windowsHeader(f);
  if (ch === SYSMON_CHANNEL_LC) {
    // The Sysmon events whose mapping requires a field.
    if (eid === 3 && !strOrUndef(f.SourceIp) && !strOrUndef(f.DestinationIp)) throw new NormalizeError('DestinationIp: missing required field');
    if ((eid === 12 || eid === 13 || eid === 14) && !strOrUndef(f.TargetObject)) throw new NormalizeError('TargetObject: missing required field');
    if (eid === 22 && !strOrUndef(f.QueryName)) throw new NormalizeError('QueryName: missing required field');
  }
  return [lazyEvent(windowsUid, 'windows', logSourceOf(channel, ch, eid, f), time, f, windowsOcsf)];
}

export const windows: SourceMapper = {
  id: 'windows',
  name: 'Windows event logs as JSON (evtx converters, forwarders): Sysmon, Security and other channels',
  recognize(record) {
    return isNested(record) || isFlat(record);
  },
  route: routeWindows,
  normalize(record) {
    return [mapWindowsFields(isNested(record) ? flattenWindowsEvent(record) : record)];
  },
};
