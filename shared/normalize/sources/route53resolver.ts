/**
 * Amazon Route 53 Resolver query logs → OCSF DNS Activity (4003).
 *
 * One JSON object per query, from S3, CloudWatch Logs or Firehose. A record
 * holds both the query and the resolver's answer, so the activity is Traffic
 * (request and response). `raw` is the log record as written.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, type OcsfDnsAnswer, type OcsfNetworkEndpointExt } from '../../ocsf/classes';
import { baseEvent, compact, hashUid, isObj, isoTime, optArr, optNum, optObj, optStr, reqStr, sharedProduct, type Rec } from './common';

function isResolverLog(r: Rec): boolean {
  return typeof r.query_name === 'string' && r.query_timestamp !== undefined && (r.srcaddr !== undefined || r.srcids !== undefined);
}

/** DNS RCODE names → OCSF rcode_id (the RCODE value itself, per RFC 6895). */
const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  DSOTYPENI: 11,
  BADVERS: 16,
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADMODE: 19,
  BADNAME: 20,
  BADALG: 21,
  BADTRUNC: 22,
  BADCOOKIE: 23,
};

// One product object, its versioned copies built once and shared by events (productOf), not a spread per record.
const PRODUCT = sharedProduct({ name: 'Route 53 Resolver', vendor_name: 'AWS', feature: { name: 'Query Logging' } });

export function mapResolverRecord(rec: Rec): TelemetryEvent {
  const time = isoTime(rec.query_timestamp, 'query_timestamp');
  const queryName = reqStr(rec, 'query_name');
  const rcode = optStr(rec, 'rcode');
  const srcids = optObj(rec, 'srcids');
  const account = optStr(rec, 'account_id');
  const region = optStr(rec, 'region');
  const action = optStr(rec, 'firewall_rule_action');

  // Resolver query logs carry no severity; a firewall block is the notable case.
  const ocsf = baseEvent(OcsfClass.DnsActivity, 6, time, PRODUCT, {
    product_version: optStr(rec, 'version'),
    original_time: typeof rec.query_timestamp === 'string' ? rec.query_timestamp : undefined,
    severity_id: action === 'BLOCK' ? 3 : 1,
    log_name: 'route53-resolver-query-logs',
  });
  ocsf.query = compact({ hostname: queryName, type: optStr(rec, 'query_type'), class: optStr(rec, 'query_class') });
  const answers = optArr(rec, 'answers');
  if (answers) {
    ocsf.answers = answers.map((a, i): OcsfDnsAnswer => {
      if (!isObj(a)) throw new NormalizeError(`answers[${i}]: expected an object`);
      return compact<OcsfDnsAnswer>({ rdata: optStr(a, 'Rdata', `answers[${i}].Rdata`) ?? '', type: optStr(a, 'Type', `answers[${i}].Type`), class: optStr(a, 'Class', `answers[${i}].Class`) })!;
    });
  }
  if (rcode !== undefined) {
    ocsf.rcode = rcode;
    ocsf.rcode_id = RCODES[rcode] ?? 99;
  }
  ocsf.src_endpoint = compact<OcsfNetworkEndpointExt>({
    ip: optStr(rec, 'srcaddr'),
    port: optNum(rec, 'srcport'),
    instance_uid: srcids && typeof srcids.instance === 'string' ? srcids.instance : undefined,
    vpc_uid: optStr(rec, 'vpc_id'),
    uid: srcids && typeof srcids.resolver_endpoint === 'string' ? srcids.resolver_endpoint : undefined,
  }) ?? {};
  const transport = optStr(rec, 'transport');
  if (transport) ocsf.connection_info = { protocol_name: transport.toLowerCase(), protocol_num: transport === 'TCP' ? 6 : transport === 'UDP' ? 17 : undefined };
  if (action) {
    const blocked = action === 'BLOCK';
    ocsf.action_id = blocked ? 2 : action === 'ALLOW' ? 1 : 99;
    ocsf.action = blocked ? 'Denied' : action === 'ALLOW' ? 'Allowed' : 'Other';
    ocsf.disposition_id = blocked ? 2 : action === 'ALLOW' ? 1 : action === 'ALERT' ? 15 : 99;
    ocsf.disposition = blocked ? 'Blocked' : action === 'ALLOW' ? 'Allowed' : action === 'ALERT' ? 'Detected' : 'Other';
  }
  ocsf.cloud = compact({ provider: 'AWS', region, account: account ? { uid: account } : undefined })!;
  const unmapped = compact<Rec>({
    firewall_rule_group_id: rec.firewall_rule_group_id,
    firewall_domain_list_id: rec.firewall_domain_list_id,
    firewall_rule_action: action,
    resolver_endpoint: srcids ? srcids.resolver_endpoint : undefined,
    resolver_network_interface: srcids ? srcids.resolver_network_interface : undefined,
  });
  if (unmapped) ocsf.unmapped = unmapped;
  return { uid: hashUid(rec), source: 'aws.route53resolver', logsource: { product: 'aws', service: 'route53resolver' }, time, ocsf, raw: rec };
}

export const route53resolver: SourceMapper = {
  id: 'aws.route53resolver',
  name: 'Amazon Route 53 Resolver query logs',
  recognize: isResolverLog,
  normalize(record) {
    return [mapResolverRecord(record)];
  },
};
