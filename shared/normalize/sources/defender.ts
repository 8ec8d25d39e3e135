/**
 * Microsoft Defender alerts from the Microsoft Graph security API (alert v2,
 * `GET /security/alerts_v2`) → OCSF Detection Finding (2004).
 *
 * A Graph list page (`{"@odata.context":…,"value":[…]}`) is split into alerts
 * by envelopes.ts; `raw` is one alert resource as Graph returns it.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, type OcsfDevice, type OcsfFindingInfo, type OcsfMitreAttack, type OcsfProcessExt, type OcsfResourceExt } from '../../ocsf/classes';
import { baseEvent, compact, isObj, isoTime, numOrUndef, optArr, optIsoTime, optStr, reqStr, strOrUndef, type Rec } from './common';

function isGraphAlert(r: Rec): boolean {
  return typeof r.id === 'string' && typeof r.serviceSource === 'string' && r.createdDateTime !== undefined && (r.providerAlertId !== undefined || r.detectionSource !== undefined);
}

const SEVERITY: Record<string, number> = { unknown: 0, informational: 1, low: 2, medium: 3, high: 4 };
const STATUS: Record<string, [number, string]> = {
  new: [1, 'New'],
  inProgress: [2, 'In Progress'],
  resolved: [4, 'Resolved'],
};

function evidenceType(e: Rec): string {
  const t = typeof e['@odata.type'] === 'string' ? e['@odata.type'] : '';
  return t.slice(t.lastIndexOf('.') + 1);
}

function mapProcessEvidence(e: Rec): OcsfProcessExt | undefined {
  const img = isObj(e.imageFile) ? e.imageFile : undefined;
  const ua = isObj(e.userAccount) ? e.userAccount : undefined;
  const dir = img ? strOrUndef(img.filePath) : undefined;
  const name = img ? strOrUndef(img.fileName) : undefined;
  return compact<OcsfProcessExt>({
    pid: numOrUndef(e.processId),
    name,
    cmd_line: strOrUndef(e.processCommandLine),
    created_time: typeof e.processCreationDateTime === 'string' ? Date.parse(e.processCreationDateTime) || undefined : undefined,
    file: img
      ? compact({
          name,
          path: dir && name ? `${dir.replace(/\\$/, '')}\\${name}` : dir,
          hashes: [
            ...(typeof img.sha1 === 'string' ? [{ algorithm_id: 2, algorithm: 'SHA-1', value: img.sha1 }] : []),
            ...(typeof img.sha256 === 'string' ? [{ algorithm_id: 3, algorithm: 'SHA-256', value: img.sha256 }] : []),
          ],
        })
      : undefined,
    user: ua ? compact({ name: strOrUndef(ua.accountName), domain: strOrUndef(ua.domainName), uid: strOrUndef(ua.userSid), email_addr: strOrUndef(ua.userPrincipalName) }) : undefined,
    parent_process: numOrUndef(e.parentProcessId) !== undefined ? { pid: numOrUndef(e.parentProcessId) } : undefined,
  });
}

export function mapGraphAlert(a: Rec): TelemetryEvent {
  const id = reqStr(a, 'id');
  const title = reqStr(a, 'title');
  const created = isoTime(a.createdDateTime, 'createdDateTime');
  const updatedRaw = a.lastUpdateDateTime;
  const time = optIsoTime(updatedRaw, 'lastUpdateDateTime') ?? created;
  const status = optStr(a, 'status');
  const severity = optStr(a, 'severity');
  const activity = status === 'resolved' ? 3 : time !== created ? 2 : 1;
  const techniques = optArr(a, 'mitreTechniques');
  const evidence = optArr(a, 'evidence') ?? [];

  const ocsf = baseEvent(OcsfClass.DetectionFinding, activity, time, { name: 'Microsoft Defender', vendor_name: 'Microsoft', feature: { name: optStr(a, 'serviceSource') ?? 'unknown' } }, {
    uid: id,
    original_time: typeof updatedRaw === 'string' ? updatedRaw : (a.createdDateTime as string),
    event_code: optStr(a, 'detectionSource'),
    severity_id: severity ? (SEVERITY[severity] ?? 99) : 0,
    message: optStr(a, 'description'),
  });
  const attacks: OcsfMitreAttack[] = [];
  if (techniques) {
    for (const t of techniques) {
      if (typeof t !== 'string') throw new NormalizeError('mitreTechniques: expected strings');
      // "T1059.001" is sub-technique 001 of T1059.
      const dot = t.indexOf('.');
      attacks.push(dot === -1 ? { technique: { uid: t } } : { technique: { uid: t.slice(0, dot) }, sub_technique: { uid: t } });
    }
  }
  const category = optStr(a, 'category');
  if (category && attacks.length === 0) attacks.push({ tactic: { name: category } });
  else if (category) for (const at of attacks) at.tactic = { name: category };
  ocsf.finding_info = compact<OcsfFindingInfo>({
    uid: optStr(a, 'providerAlertId') || id,
    title,
    desc: optStr(a, 'description'),
    types: category ? [category] : undefined,
    created_time: created,
    modified_time: time,
    first_seen_time: optIsoTime(a.firstActivityDateTime, 'firstActivityDateTime'),
    last_seen_time: optIsoTime(a.lastActivityDateTime, 'lastActivityDateTime'),
    src_url: optStr(a, 'alertWebUrl'),
    attacks: attacks.length ? attacks : undefined,
    analytic: a.detectorId !== undefined ? compact({ uid: strOrUndef(a.detectorId), name: optStr(a, 'detectionSource'), type_id: 99, type: 'Other' }) : undefined,
  })!;
  if (status && STATUS[status]) [ocsf.status_id, ocsf.status] = STATUS[status];
  ocsf.is_alert = status !== 'resolved';

  const resources: OcsfResourceExt[] = [];
  const evidences: Rec[] = [];
  let device: OcsfDevice | undefined;
  for (let i = 0; i < evidence.length; i++) {
    const e = evidence[i];
    if (!isObj(e)) throw new NormalizeError(`evidence[${i}]: expected an object`);
    switch (evidenceType(e)) {
      case 'deviceEvidence': {
        const d = compact<OcsfDevice>({ hostname: strOrUndef(e.deviceDnsName), uid: strOrUndef(e.mdeDeviceId), os: strOrUndef(e.osPlatform) ? { name: e.osPlatform as string } : undefined });
        if (d) {
          device ??= d;
          resources.push({ name: d.hostname, uid: d.uid, type: 'Device' });
          evidences.push({ device: d });
        }
        break;
      }
      case 'processEvidence': {
        const p = mapProcessEvidence(e);
        if (p) evidences.push({ process: p, actor: p.user ? { user: p.user } : undefined });
        break;
      }
      case 'fileEvidence': {
        const fd = isObj(e.fileDetails) ? e.fileDetails : undefined;
        if (fd) evidences.push({ file: compact({ name: strOrUndef(fd.fileName), path: strOrUndef(fd.filePath), hashes: typeof fd.sha256 === 'string' ? [{ algorithm_id: 3, algorithm: 'SHA-256', value: fd.sha256 }] : undefined }) });
        break;
      }
      case 'userEvidence': {
        const ua = isObj(e.userAccount) ? e.userAccount : undefined;
        if (ua) evidences.push({ user: compact({ name: strOrUndef(ua.accountName), domain: strOrUndef(ua.domainName), uid: strOrUndef(ua.userSid), email_addr: strOrUndef(ua.userPrincipalName) }) });
        break;
      }
      case 'ipEvidence':
        if (typeof e.ipAddress === 'string') evidences.push({ dst_endpoint: { ip: e.ipAddress } });
        break;
      case 'urlEvidence':
        if (typeof e.url === 'string') evidences.push({ url: { url_string: e.url } });
        break;
      default:
        break;
    }
  }
  if (device) ocsf.device = device;
  ocsf.resources = resources;
  if (evidences.length) ocsf.evidences = evidences;
  const unmapped = compact<Rec>({
    incidentId: a.incidentId,
    incidentWebUrl: a.incidentWebUrl,
    classification: a.classification,
    determination: a.determination,
    tenantId: a.tenantId,
    threatDisplayName: a.threatDisplayName,
    threatFamilyName: a.threatFamilyName,
    recommendedActions: a.recommendedActions,
  });
  if (unmapped) ocsf.unmapped = unmapped;
  return { uid: id, source: 'microsoft.defender', logsource: { product: 'm365', service: 'defender_alerts' }, time, ocsf, raw: a };
}

export const defender: SourceMapper = {
  id: 'microsoft.defender',
  name: 'Microsoft Defender alerts (Graph security alerts_v2)',
  recognize: isGraphAlert,
  normalize(record) {
    return [mapGraphAlert(record)];
  },
};
