/**
 * Amazon Route 53 Resolver query logs → OCSF DNS Activity (4003).
 *
 * One JSON object per query, from S3, CloudWatch Logs or Firehose. A record
 * holds both the query and the resolver's answer, so the activity is Traffic
 * (request and response). `raw` is the log record as written.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, SEVERITY_NAMES, type OcsfDnsAnswer, type OcsfDnsQuery, type OcsfNetworkEndpointExt } from '../../ocsf/classes';
import { OCSF_VERSION, type OcsfCloud, type OcsfEvent } from '../../ocsf/types';
import { stableId } from '../../hash';
import { activityNames, arrValue, baseEvent, isObj, isoTime, numberText, objValue, productOf, reqStrValue, sharedProduct, strValue, toNum, type Rec } from './common';

function isResolverLog(r: Rec): boolean {
  return typeof r.query_name === 'string' && r.query_timestamp !== undefined && (r.srcaddr !== undefined || r.srcids !== undefined);
}

/**
 * DNS RCODE names → OCSF rcode_id (the RCODE value itself, per RFC 6895). A Map, not an object literal: a name read as
 * an object's key finds Object.prototype's members too (`constructor` gave the Object function as rcode_id).
 */
const RCODES = new Map<string, number>([
  ['NOERROR', 0],
  ['FORMERR', 1],
  ['SERVFAIL', 2],
  ['NXDOMAIN', 3],
  ['NOTIMP', 4],
  ['REFUSED', 5],
  ['YXDOMAIN', 6],
  ['YXRRSET', 7],
  ['NXRRSET', 8],
  ['NOTAUTH', 9],
  ['NOTZONE', 10],
  ['DSOTYPENI', 11],
  ['BADVERS', 16],
  ['BADSIG', 16],
  ['BADKEY', 17],
  ['BADTIME', 18],
  ['BADMODE', 19],
  ['BADNAME', 20],
  ['BADALG', 21],
  ['BADTRUNC', 22],
  ['BADCOOKIE', 23],
]);

const DNS = OcsfClass.DnsActivity;
const TRAFFIC = activityNames(DNS, 6);
const LOG_NAME = 'route53-resolver-query-logs';
// One product object, its versioned copies built once and shared by events (productOf), not a spread per record.
const PRODUCT = sharedProduct({ name: 'Route 53 Resolver', vendor_name: 'AWS', feature: { name: 'Query Logging' } });

/** An answer's string field; its position named only when it is wrong (not a template string per field of each answer). */
function answerStr(v: unknown, i: number, field: string): string | undefined {
  return typeof v === 'string' ? v : strValue(v, `answers[${i}].${field}`);
}

export function mapResolverRecord(rec: Rec): TelemetryEvent {
  // Fields read by name here and checked by the value helpers (strValue…), not by optStr(rec, key): the keyed load in a
  // helper every source calls with its own keys is megamorphic, a generic lookup per field. Same checks, same order.
  const time = isoTime(rec.query_timestamp, 'query_timestamp');
  const queryName = reqStrValue(rec.query_name, 'query_name');
  const rcode = strValue(rec.rcode, 'rcode');
  const srcids = objValue(rec.srcids, 'srcids');
  const account = strValue(rec.account_id, 'account_id');
  const region = strValue(rec.region, 'region');
  const action = strValue(rec.firewall_rule_action, 'firewall_rule_action');

  const version = strValue(rec.version, 'version');
  // Objects are built in their output order, not as compact() copies of literals (a record makes seven of them): as one
  // literal with every member when all are there (the usual record), else key by key. A member added to a literal after
  // it is made goes to a property store allocated beside it (the event's grew three times).
  const qtype = strValue(rec.query_type, 'query_type');
  const qclass = strValue(rec.query_class, 'query_class');
  let query: OcsfDnsQuery;
  if (qtype !== undefined && qclass !== undefined) query = { hostname: queryName, type: qtype, class: qclass };
  else {
    query = { hostname: queryName };
    if (qtype !== undefined) query.type = qtype;
    if (qclass !== undefined) query.class = qclass;
  }
  const answers = arrValue(rec.answers, 'answers');
  let list: OcsfDnsAnswer[] | undefined;
  if (answers) {
    list = [];
    for (let i = 0; i < answers.length; i++) {
      const a = answers[i];
      if (!isObj(a)) throw new NormalizeError(`answers[${i}]: expected an object`);
      const rdata = answerStr(a.Rdata, i, 'Rdata') ?? '';
      const type = answerStr(a.Type, i, 'Type');
      const cls = answerStr(a.Class, i, 'Class');
      if (type !== undefined && cls !== undefined) list.push({ rdata, type, class: cls });
      else {
        const answer: OcsfDnsAnswer = { rdata };
        if (type !== undefined) answer.type = type;
        if (cls !== undefined) answer.class = cls;
        list.push(answer);
      }
    }
  }
  const ip = strValue(rec.srcaddr, 'srcaddr');
  const port = toNum(rec.srcport, 'srcport');
  const instance = srcids && typeof srcids.instance === 'string' ? srcids.instance : undefined;
  const vpc = strValue(rec.vpc_id, 'vpc_id');
  const endpoint = srcids && typeof srcids.resolver_endpoint === 'string' ? srcids.resolver_endpoint : undefined;
  const src: OcsfNetworkEndpointExt = {};
  if (ip !== undefined) src.ip = ip;
  if (port !== undefined) src.port = port;
  if (instance !== undefined) src.instance_uid = instance;
  if (vpc !== undefined) src.vpc_uid = vpc;
  if (endpoint !== undefined) src.uid = endpoint;
  const transport = strValue(rec.transport, 'transport');
  const connection = transport ? { protocol_name: transport === 'UDP' ? 'udp' : transport === 'TCP' ? 'tcp' : transport.toLowerCase(), protocol_num: transport === 'TCP' ? 6 : transport === 'UDP' ? 17 : undefined } : undefined;
  let cloud: OcsfCloud;
  if (region !== undefined && account) cloud = { provider: 'AWS', region, account: { uid: account } };
  else {
    cloud = { provider: 'AWS' };
    if (region !== undefined) cloud.region = region;
    if (account) cloud.account = { uid: account };
  }

  let ocsf: OcsfEvent;
  if (list !== undefined && rcode !== undefined && connection !== undefined && !action) {
    // The usual record (answers, rcode and transport, no firewall action): baseEvent's members, then the record's.
    ocsf = {
      class_uid: DNS.uid,
      class_name: DNS.name,
      category_uid: DNS.category_uid,
      category_name: DNS.category_name,
      activity_id: 6,
      activity_name: TRAFFIC[0],
      type_uid: DNS.uid * 100 + 6,
      type_name: TRAFFIC[1],
      severity_id: 1,
      severity: SEVERITY_NAMES[1],
      time,
      metadata: { version: OCSF_VERSION, product: version ? productOf(PRODUCT, version) : PRODUCT, original_time: rec.query_timestamp as string, log_name: LOG_NAME },
      query,
      answers: list,
      rcode,
      rcode_id: RCODES.get(rcode) ?? 99,
      src_endpoint: src,
      connection_info: connection,
      cloud,
    };
  } else {
    // Resolver query logs carry no severity; a firewall block is the notable case.
    ocsf = baseEvent(DNS, 6, time, PRODUCT, {
      product_version: version,
      original_time: typeof rec.query_timestamp === 'string' ? rec.query_timestamp : undefined,
      severity_id: action === 'BLOCK' ? 3 : 1,
      log_name: LOG_NAME,
    });
    ocsf.query = query;
    if (list) ocsf.answers = list;
    if (rcode !== undefined) {
      ocsf.rcode = rcode;
      ocsf.rcode_id = RCODES.get(rcode) ?? 99;
    }
    ocsf.src_endpoint = src;
    if (connection) ocsf.connection_info = connection;
    if (action) {
      const blocked = action === 'BLOCK';
      ocsf.action_id = blocked ? 2 : action === 'ALLOW' ? 1 : 99;
      ocsf.action = blocked ? 'Denied' : action === 'ALLOW' ? 'Allowed' : 'Other';
      ocsf.disposition_id = blocked ? 2 : action === 'ALLOW' ? 1 : action === 'ALERT' ? 15 : 99;
      ocsf.disposition = blocked ? 'Blocked' : action === 'ALLOW' ? 'Allowed' : action === 'ALERT' ? 'Detected' : 'Other';
    }
    ocsf.cloud = cloud;
  }
  // Built member by member in compact()'s order rather than as a compact() copy of a literal: most records have none.
  let unmapped: Rec | undefined;
  const groupId = rec.firewall_rule_group_id;
  if (groupId !== undefined) (unmapped ??= {}).firewall_rule_group_id = groupId;
  const listId = rec.firewall_domain_list_id;
  if (listId !== undefined) (unmapped ??= {}).firewall_domain_list_id = listId;
  if (action !== undefined) (unmapped ??= {}).firewall_rule_action = action;
  if (srcids) {
    const rslvr = srcids.resolver_endpoint;
    if (rslvr !== undefined) (unmapped ??= {}).resolver_endpoint = rslvr;
    const rni = srcids.resolver_network_interface;
    if (rni !== undefined) (unmapped ??= {}).resolver_network_interface = rni;
  }
  if (unmapped) ocsf.unmapped = unmapped;
  // The log has no id. The uid is the query's identity: who asked (account, region, VPC, source address, port and
  // ids), when, over what, and for which name, class and type. Not the sha256 of the whole canonical record (the uid of
  // sources without an id, and of this one before): that cost a record more than parsing it (docs/decisions/0011).
  const uid = stableId(
    'aws.route53resolver',
    account ?? '',
    region ?? '',
    vpc ?? '',
    rec.query_timestamp as string,
    ip ?? '',
    port === undefined ? '' : numberText(rec.srcport, port),
    instance ?? '',
    endpoint ?? '',
    transport ?? '',
    queryName,
    qclass ?? '',
    qtype ?? '',
  );
  return { uid, source: 'aws.route53resolver', logsource: { product: 'aws', service: 'route53resolver' }, time, ocsf, raw: rec };
}

export const route53resolver: SourceMapper = {
  id: 'aws.route53resolver',
  name: 'Amazon Route 53 Resolver query logs',
  recognize: isResolverLog,
  normalize(record) {
    return [mapResolverRecord(record)];
  },
};
