/**
 * Amazon VPC Flow Logs → OCSF Network Activity (4001), activity Traffic.
 *
 * Flow logs are space-separated text. S3 log files start with a header line
 * naming the fields (default v2 format or a custom list of v3–v5+ fields);
 * CloudWatch Logs events carry bare lines. parseVpcFlowLine() turns one line
 * into a record keyed by the vendor's field names (`srcaddr`, `dstport`,
 * `log-status`…), values kept as the strings AWS wrote (`-` for no data);
 * that record is `raw` and what this mapper recognizes.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import type { OcsfCloud } from '../../ocsf/types';
import { OcsfClass, type OcsfConnectionInfo, type OcsfNetworkEndpointExt, type OcsfTraffic } from '../../ocsf/classes';
import { stableId } from '../../hash';
import { baseEvent, hashUid, sharedProduct, toNum, type Rec } from './common';

/** Field order of the default (version 2) format. */
export const DEFAULT_VPC_FLOW_FIELDS: readonly string[] = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
];

/** Every field name AWS documents for flow log records (v2–v5 and later). */
const KNOWN_FIELDS = new Set<string>([
  ...DEFAULT_VPC_FLOW_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
]);

const FIELD_NAME = /^[a-z][a-z0-9-]*$/;

/** True for the header line of a flow log file: every token a field name, at least one known. */
export function isVpcFlowHeader(line: string): boolean {
  const tokens = line.trim().split(/\s+/);
  let known = 0;
  for (const t of tokens) {
    if (!FIELD_NAME.test(t)) return false;
    if (KNOWN_FIELDS.has(t)) known++;
  }
  return known >= 2 || (tokens.length === 1 && known === 1);
}

export function parseVpcFlowHeader(line: string): string[] {
  return line.trim().split(/\s+/);
}

const DEFAULT_LINE = /^\d+ \S+ (?:eni-[0-9a-f]+|-) /;
/** Cheap test for a default-format (v2) line, used when no header is available. */
export function looksLikeVpcFlowLine(line: string): boolean {
  return DEFAULT_LINE.test(line);
}

// Tokens of the line being parsed, reused from line to line (one array for all lines rather than one per line).
const tokens: string[] = [];
// The last field list found equal to the default one (a file's header is a new array per file).
let defaultLike: readonly string[] = DEFAULT_VPC_FLOW_FIELDS;

function isDefaultFields(fields: readonly string[]): boolean {
  if (fields === defaultLike) return true;
  if (fields.length !== DEFAULT_VPC_FLOW_FIELDS.length) return false;
  for (let i = 0; i < fields.length; i++) if (fields[i] !== DEFAULT_VPC_FLOW_FIELDS[i]) return false;
  defaultLike = fields;
  return true;
}

/** One flow log line → record keyed by field name; undefined when the field count does not match. */
export function parseVpcFlowLine(line: string, fields: readonly string[] = DEFAULT_VPC_FLOW_FIELDS): Rec | undefined {
  // line.split(' ') into `tokens`, stopping once there are more tokens than fields.
  const want = fields.length;
  let count = 0;
  let pos = 0;
  for (;;) {
    const sp = line.indexOf(' ', pos);
    if (count === want) {
      count = -1;
      break;
    }
    if (sp === -1) {
      tokens[count++] = line.slice(pos);
      break;
    }
    tokens[count++] = line.slice(pos, sp);
    pos = sp + 1;
  }
  let t: readonly string[] = tokens;
  if (count !== want) {
    // Tolerate stray whitespace (tabs, double spaces, trailing CR) before giving up.
    t = line.trim().split(/\s+/);
    if (t.length !== want) return undefined;
  }
  // The default format as one literal: the same keys in the same order as the loop below, in one shape for all records.
  if (isDefaultFields(fields)) {
    return {
      version: t[0],
      'account-id': t[1],
      'interface-id': t[2],
      srcaddr: t[3],
      dstaddr: t[4],
      srcport: t[5],
      dstport: t[6],
      protocol: t[7],
      packets: t[8],
      bytes: t[9],
      start: t[10],
      end: t[11],
      action: t[12],
      'log-status': t[13],
    };
  }
  // A custom format: the format's own constructor, one object literal naming every field.
  return recordMakerOf(fields)(t);
}

// The last custom field list seen and its record constructor (a file's lines share one header; a deployment a few formats).
let makerFields: readonly string[] | undefined;
let maker: (t: readonly string[]) => Rec = () => ({});

/**
 * A function making a format's record from its words: one object literal with the fields, in order, as JSON string
 * literals, generated once per field list. Keyed stores adding 27 keys to an object leave it in dictionary mode (slow
 * to read, walk and serialize), and storing over a copy of a template record was a megamorphic keyed store per field;
 * the literal is one allocation in one fast shape. A repeated field keeps its first position and its last value, as
 * the stores did. A list naming `__proto__` is made by plain stores.
 */
function recordMakerOf(fields: readonly string[]): (t: readonly string[]) => Rec {
  if (fields === makerFields) return maker;
  if (fields.includes('__proto__')) {
    maker = (t) => {
      const rec: Rec = {};
      for (let i = 0; i < fields.length; i++) rec[fields[i]] = t[i];
      return rec;
    };
  } else {
    const members = fields.map((f, i) => `${JSON.stringify(f)}: t[${i}]`).join(', ');
    maker = new Function(`return (t) => ({ ${members} });`)() as (t: readonly string[]) => Rec;
  }
  makerFields = fields;
  return maker;
}

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'icmpv6', 132: 'sctp' };

const PRODUCT = sharedProduct({ name: 'Amazon VPC', vendor_name: 'AWS', feature: { name: 'Flow Logs' } });

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '-' && v !== '' ? v : undefined;
}

function isFlowRecord(r: Rec): boolean {
  if (typeof r['interface-id'] === 'string') return true;
  return typeof r.srcaddr === 'string' && typeof r.dstaddr === 'string' && (r['log-status'] !== undefined || r.start !== undefined);
}

/** Fields kept in `unmapped` when present, in this order. */
const UNMAPPED = ['type', 'pkt-srcaddr', 'pkt-dstaddr', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'traffic-path', 'sublocation-type', 'sublocation-id', 'reject-reason'];

/** A flow identity field's text: a number as its text (`"443"` and `443` agree), `-`, empty or absent as empty. */
function idPart(v: unknown): string {
  return typeof v === 'number' ? String(v) : (str(v) ?? '');
}

/**
 * The record's uid (docs/decisions/0013-vpc-flow-record-uid.md): AWS writes one record per network interface, 5-tuple
 * and capture window, so those (with the account, and the log status that tells a NODATA or SKIPDATA record of the
 * window apart) name it. Without an interface they do not, and the record keeps the hash of its whole canonical text.
 */
function flowUid(rec: Rec): string {
  const iface = str(rec['interface-id']);
  if (iface === undefined) return hashUid(rec);
  return stableId(
    'aws.vpcflow',
    idPart(rec['account-id']),
    iface,
    idPart(rec.srcaddr),
    idPart(rec.dstaddr),
    idPart(rec.srcport),
    idPart(rec.dstport),
    idPart(rec.protocol),
    idPart(rec.start),
    idPart(rec.end),
    idPart(rec['log-status']),
  );
}

export function mapVpcFlowRecord(rec: Rec): TelemetryEvent {
  for (const k in rec) {
    const v = rec[k];
    if (typeof v !== 'string' && typeof v !== 'number') throw new NormalizeError(`${k}: expected a string or number, got ${v === null ? 'null' : typeof v}`);
  }
  const start = toNum(rec.start, 'start');
  const end = toNum(rec.end, 'end');
  if (start === undefined && end === undefined) throw new NormalizeError('start: missing required field (no start or end time)');
  if ((start ?? 0) < 0 || (end ?? 0) < 0) throw new NormalizeError('start: negative timestamp');
  const time = (start ?? end)! * 1000;
  const protocol = toNum(rec.protocol, 'protocol');
  const action = str(rec.action);
  const logStatus = str(rec['log-status']);
  const direction = str(rec['flow-direction']);
  const account = str(rec['account-id']);

  const ocsf = baseEvent(OcsfClass.NetworkActivity, 6, time, PRODUCT, {
    product_version: str(rec.version),
    log_name: 'vpc-flow-logs',
  });
  // Objects are built member by member, absent members left out (what compact() did, without the intermediate object
  // per attribute); the order of members and of the checks that throw is unchanged.
  const src: OcsfNetworkEndpointExt = {};
  const srcIp = str(rec.srcaddr);
  if (srcIp !== undefined) src.ip = srcIp;
  const srcPort = toNum(rec.srcport, 'srcport');
  if (srcPort !== undefined) src.port = srcPort;
  const iface = str(rec['interface-id']);
  if (iface !== undefined) src.interface_uid = iface;
  const instance = str(rec['instance-id']);
  if (instance !== undefined) src.instance_uid = instance;
  const vpc = str(rec['vpc-id']);
  if (vpc !== undefined) src.vpc_uid = vpc;
  const subnet = str(rec['subnet-id']);
  if (subnet !== undefined) src.subnet_uid = subnet;
  const dstIp = str(rec.dstaddr);
  const dstPort = toNum(rec.dstport, 'dstport');
  let dst: OcsfNetworkEndpointExt | undefined;
  if (dstIp !== undefined || dstPort !== undefined) {
    dst = {};
    if (dstIp !== undefined) dst.ip = dstIp;
    if (dstPort !== undefined) dst.port = dstPort;
  }
  if (srcIp === undefined && srcPort === undefined && iface === undefined && instance === undefined && vpc === undefined && subnet === undefined && !dst) {
    throw new NormalizeError('srcaddr: missing required field (no srcaddr, dstaddr or interface-id)');
  }
  ocsf.src_endpoint = src;
  if (dst) ocsf.dst_endpoint = dst;
  const tcpFlags = toNum(rec['tcp-flags'], 'tcp-flags');
  if (protocol !== undefined || tcpFlags !== undefined || direction === 'ingress' || direction === 'egress') {
    const conn: OcsfConnectionInfo = {};
    if (protocol !== undefined) {
      conn.protocol_num = protocol;
      const name = PROTOCOLS[protocol];
      if (name !== undefined) conn.protocol_name = name;
    }
    if (tcpFlags !== undefined) conn.tcp_flags = tcpFlags;
    if (direction === 'ingress') {
      conn.direction_id = 1;
      conn.direction = 'Inbound';
    } else if (direction === 'egress') {
      conn.direction_id = 2;
      conn.direction = 'Outbound';
    }
    ocsf.connection_info = conn;
  }
  const packets = toNum(rec.packets, 'packets');
  const bytes = toNum(rec.bytes, 'bytes');
  if (packets !== undefined || bytes !== undefined) {
    const traffic: OcsfTraffic = {};
    if (packets !== undefined) traffic.packets = packets;
    if (bytes !== undefined) traffic.bytes = bytes;
    ocsf.traffic = traffic;
  }
  if (start !== undefined) ocsf.start_time = start * 1000;
  if (end !== undefined) ocsf.end_time = end * 1000;
  if (action === 'ACCEPT') {
    ocsf.action_id = 1;
    ocsf.action = 'Allowed';
    ocsf.disposition_id = 1;
    ocsf.disposition = 'Allowed';
  } else if (action === 'REJECT') {
    ocsf.action_id = 2;
    ocsf.action = 'Denied';
    ocsf.disposition_id = 2;
    ocsf.disposition = 'Blocked';
  }
  if (logStatus) ocsf.status_detail = logStatus;
  const cloud: OcsfCloud & Rec = { provider: 'AWS' };
  const region = str(rec.region);
  if (region !== undefined) cloud.region = region;
  if (account) cloud.account = { uid: account };
  const zone = str(rec['az-id']);
  if (zone !== undefined) cloud.zone = zone;
  ocsf.cloud = cloud;
  let unmapped: Rec | undefined;
  for (let i = 0; i < UNMAPPED.length; i++) {
    const v = str(rec[UNMAPPED[i]]);
    if (v !== undefined) (unmapped ??= {})[UNMAPPED[i]] = v;
  }
  if (unmapped) ocsf.unmapped = unmapped;
  return { uid: flowUid(rec), source: 'aws.vpcflow', logsource: { product: 'aws', service: 'vpcflowlogs' }, time, ocsf, raw: rec };
}

export const vpcflow: SourceMapper = {
  id: 'aws.vpcflow',
  name: 'Amazon VPC Flow Logs (v2 default and custom v3–v5 formats)',
  recognize: isFlowRecord,
  normalize(record) {
    return [mapVpcFlowRecord(record)];
  },
};
