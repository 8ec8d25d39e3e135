/**
 * Amazon GuardDuty findings → OCSF Detection Finding (2004).
 *
 * Accepts the EventBridge "GuardDuty Finding" event (finding in `detail`) and
 * a bare finding as GetFindings or the S3 export write it. `raw` is the
 * finding, so rules see the same fields on both paths.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, type OcsfFindingInfo, type OcsfNetworkEndpointExt, type OcsfResourceExt } from '../../ocsf/classes';
import { baseEvent, compact, isObj, isoTime, optIsoTime, optObj, optStr, reqObj, reqStr, sharedProduct, type Rec } from './common';

function isEnvelope(r: Rec): boolean {
  return r['detail-type'] === 'GuardDuty Finding' && isObj(r.detail);
}

function isFinding(r: Rec): boolean {
  return typeof r.schemaVersion === 'string' && typeof r.type === 'string' && isObj(r.service) && r.service.serviceName === 'guardduty';
}

/** GuardDuty severity bands (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0) → OCSF severity_id. */
export function guardDutySeverity(sev: number): number {
  if (sev >= 9) return 5;
  if (sev >= 7) return 4;
  if (sev >= 4) return 3;
  if (sev > 0) return 2;
  return 0;
}

/** The remote side of the finding's action, when GuardDuty recorded one. */
function remoteEndpoint(action: Rec | undefined): OcsfNetworkEndpointExt | undefined {
  if (!action) return undefined;
  const a =
    (isObj(action.networkConnectionAction) && action.networkConnectionAction) ||
    (isObj(action.awsApiCallAction) && action.awsApiCallAction) ||
    (isObj(action.kubernetesApiCallAction) && action.kubernetesApiCallAction) ||
    (isObj(action.rdsLoginAttemptAction) && action.rdsLoginAttemptAction) ||
    undefined;
  let ipDetails: unknown = a ? a.remoteIpDetails : undefined;
  let port: unknown = a && isObj(a.remotePortDetails) ? a.remotePortDetails.port : undefined;
  if (!ipDetails && isObj(action.portProbeAction) && Array.isArray(action.portProbeAction.portProbeDetails)) {
    const first = action.portProbeAction.portProbeDetails[0];
    if (isObj(first)) {
      ipDetails = first.remoteIpDetails;
      port = isObj(first.localPortDetails) ? first.localPortDetails.port : undefined;
    }
  }
  if (!isObj(ipDetails)) return undefined;
  const geo = isObj(ipDetails.geoLocation) ? ipDetails.geoLocation : undefined;
  const city = isObj(ipDetails.city) ? ipDetails.city.cityName : undefined;
  const country = isObj(ipDetails.country) ? ipDetails.country.countryName : undefined;
  return compact<OcsfNetworkEndpointExt>({
    ip: typeof ipDetails.ipAddressV4 === 'string' ? ipDetails.ipAddressV4 : typeof ipDetails.ipAddressV6 === 'string' ? ipDetails.ipAddressV6 : undefined,
    port: typeof port === 'number' ? port : undefined,
    location: compact({
      city: typeof city === 'string' ? city : undefined,
      country: typeof country === 'string' ? country : undefined,
      lat: geo && typeof geo.lat === 'number' ? geo.lat : undefined,
      long: geo && typeof geo.lon === 'number' ? geo.lon : undefined,
    }),
  });
}

function resourcesOf(resource: Rec | undefined, region: string | undefined): OcsfResourceExt[] {
  if (!resource) return [];
  const out: OcsfResourceExt[] = [];
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : undefined;
  const inst = isObj(resource.instanceDetails) ? resource.instanceDetails : undefined;
  if (inst && typeof inst.instanceId === 'string') out.push({ uid: inst.instanceId, type: 'AwsEc2Instance', region });
  const key = isObj(resource.accessKeyDetails) ? resource.accessKeyDetails : undefined;
  if (key && typeof key.accessKeyId === 'string') {
    out.push(compact<OcsfResourceExt>({ uid: key.accessKeyId, name: typeof key.userName === 'string' ? key.userName : undefined, type: 'AwsIamAccessKey', region })!);
  }
  if (Array.isArray(resource.s3BucketDetails)) {
    for (const b of resource.s3BucketDetails) {
      if (isObj(b) && typeof b.arn === 'string') out.push(compact<OcsfResourceExt>({ uid: b.arn, name: typeof b.name === 'string' ? b.name : undefined, type: 'AwsS3Bucket', region })!);
    }
  }
  const eks = isObj(resource.eksClusterDetails) ? resource.eksClusterDetails : undefined;
  if (eks && typeof eks.arn === 'string') out.push({ uid: eks.arn, name: typeof eks.name === 'string' ? eks.name : undefined, type: 'AwsEksCluster', region });
  const lambda = isObj(resource.lambdaDetails) ? resource.lambdaDetails : undefined;
  if (lambda && typeof lambda.functionArn === 'string') out.push({ uid: lambda.functionArn, type: 'AwsLambdaFunction', region });
  if (out.length === 0 && type) out.push({ type, region });
  return out;
}

// One product object, its versioned copies built once and shared by events (productOf), not a spread per finding.
const PRODUCT = sharedProduct({ name: 'GuardDuty', vendor_name: 'AWS' });

export function mapGuardDutyFinding(f: Rec, envelopeId?: string): TelemetryEvent {
  const id = reqStr(f, 'id');
  const type = reqStr(f, 'type');
  const title = optStr(f, 'title') || type;
  const sev = f.severity;
  if (typeof sev !== 'number') throw new NormalizeError(`severity: expected a number, got ${sev === null ? 'null' : typeof sev}`);
  const updatedAt = f.updatedAt ?? f.createdAt;
  const time = isoTime(updatedAt, f.updatedAt !== undefined ? 'updatedAt' : 'createdAt');
  const created = optIsoTime(f.createdAt, 'createdAt');
  const service = reqObj(f, 'service');
  const resource = optObj(f, 'resource');
  const region = optStr(f, 'region');
  const accountId = optStr(f, 'accountId');
  const archived = service.archived === true;
  const action = optObj(service, 'action', 'service.action');
  const activity = archived ? 3 : created !== undefined && created !== time ? 2 : 1;

  const ocsf = baseEvent(OcsfClass.DetectionFinding, activity, time, PRODUCT, {
    uid: id,
    original_time: typeof updatedAt === 'string' ? updatedAt : undefined,
    product_version: optStr(f, 'schemaVersion'),
    event_code: type,
    severity_id: guardDutySeverity(sev),
    message: optStr(f, 'description'),
  });
  const finding: OcsfFindingInfo = compact<OcsfFindingInfo>({
    uid: optStr(f, 'arn') || id,
    title,
    desc: optStr(f, 'description'),
    types: [type],
    created_time: created,
    modified_time: time,
    first_seen_time: optIsoTime(service.eventFirstSeen, 'service.eventFirstSeen'),
    last_seen_time: optIsoTime(service.eventLastSeen, 'service.eventLastSeen'),
    product_uid: typeof service.detectorId === 'string' ? service.detectorId : undefined,
  })!;
  ocsf.finding_info = finding;
  ocsf.status_id = archived ? 3 : 1;
  ocsf.status = archived ? 'Suppressed' : 'New';
  ocsf.is_alert = !archived;
  ocsf.resources = resourcesOf(resource, region);
  ocsf.cloud = compact({ provider: 'AWS', region, account: accountId ? { uid: accountId } : undefined })!;
  const remote = remoteEndpoint(action);
  if (remote) ocsf.src_endpoint = remote;
  const apiCall = action && isObj(action.awsApiCallAction) ? action.awsApiCallAction : undefined;
  if (apiCall && typeof apiCall.api === 'string') {
    ocsf.api = compact({ operation: apiCall.api, service: typeof apiCall.serviceName === 'string' ? { name: apiCall.serviceName } : undefined })!;
  }
  ocsf.unmapped = compact<Rec>({
    count: service.count,
    actionType: action ? action.actionType : undefined,
    additionalInfo: service.additionalInfo,
    resourceRole: service.resourceRole,
    eventbridge_id: envelopeId,
  });
  if (!ocsf.unmapped) delete ocsf.unmapped;
  return { uid: id, source: 'aws.guardduty', logsource: { product: 'aws', service: 'guardduty' }, time, ocsf, raw: f };
}

export const guardduty: SourceMapper = {
  id: 'aws.guardduty',
  name: 'Amazon GuardDuty findings (EventBridge, export)',
  recognize(record) {
    return isEnvelope(record) || isFinding(record);
  },
  normalize(record) {
    if (isEnvelope(record)) return [mapGuardDutyFinding(record.detail as Rec, typeof record.id === 'string' ? record.id : undefined)];
    return [mapGuardDutyFinding(record)];
  },
};
