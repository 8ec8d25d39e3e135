/**
 * CrowdStrike Falcon streaming API detections → OCSF Detection Finding (2004).
 *
 * The Event Streams API emits `{"metadata":{…,"eventType":"DetectionSummaryEvent"},"event":{…}}`
 * (EppDetectionSummaryEvent in the newer alerts format); `raw` is that whole
 * record, metadata included, as the stream delivers it.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, type OcsfFile, type OcsfFindingInfo, type OcsfFingerprint, type OcsfMitreAttack, type OcsfProcessExt } from '../../ocsf/classes';
import { baseEvent, compact, isObj, numOrUndef, reqObj, sharedProduct, strOrUndef, type Rec } from './common';

const EVENT_TYPES = new Set(['DetectionSummaryEvent', 'EppDetectionSummaryEvent']);

function isDetection(r: Rec): boolean {
  return isObj(r.metadata) && typeof r.metadata.eventType === 'string' && EVENT_TYPES.has(r.metadata.eventType) && isObj(r.event);
}

function hashes(e: Rec): OcsfFingerprint[] | undefined {
  const out: OcsfFingerprint[] = [];
  const md5 = strOrUndef(e.MD5String);
  const sha1 = strOrUndef(e.SHA1String);
  const sha256 = strOrUndef(e.SHA256String);
  if (md5) out.push({ algorithm_id: 1, algorithm: 'MD5', value: md5 });
  if (sha1 && !/^0+$/.test(sha1)) out.push({ algorithm_id: 2, algorithm: 'SHA-1', value: sha1 });
  if (sha256) out.push({ algorithm_id: 3, algorithm: 'SHA-256', value: sha256 });
  return out.length ? out : undefined;
}

/** Falcon event times are epoch seconds (ProcessStartTime) or ms (eventCreationTime); normalize to ms. */
function toMs(v: unknown): number | undefined {
  const n = numOrUndef(v);
  if (n === undefined) return undefined;
  return n < 1e12 ? n * 1000 : n;
}

// One product object, its versioned copies built once and shared by events (productOf), not a spread per record.
const PRODUCT = sharedProduct({ name: 'Falcon', vendor_name: 'CrowdStrike', feature: { name: 'Event Streams' } });

export function mapFalconDetection(rec: Rec): TelemetryEvent {
  const md = reqObj(rec, 'metadata');
  const e = reqObj(rec, 'event');
  const time = toMs(md.eventCreationTime) ?? toMs(e.ProcessStartTime);
  if (time === undefined) throw new NormalizeError('metadata.eventCreationTime: missing required field');
  if (time < 0) throw new NormalizeError('metadata.eventCreationTime: negative timestamp');
  const detectId = strOrUndef(e.DetectId) ?? strOrUndef(e.CompositeId);
  const offset = numOrUndef(md.offset);
  const cid = strOrUndef(md.customerIDString);
  if (!detectId && offset === undefined) throw new NormalizeError('event.DetectId: missing required field (and no stream offset)');
  const title = strOrUndef(e.DetectName) ?? strOrUndef(e.Name) ?? strOrUndef(e.Description) ?? 'CrowdStrike detection';
  const sev = numOrUndef(e.Severity);
  if (e.Severity !== undefined && e.Severity !== null && (sev === undefined || !Number.isInteger(sev))) {
    throw new NormalizeError(`event.Severity: expected an integer, got ${typeof e.Severity === 'number' ? e.Severity : typeof e.Severity}`);
  }

  const ocsf = baseEvent(OcsfClass.DetectionFinding, 1, time, PRODUCT, {
    uid: detectId,
    product_version: strOrUndef(md.version),
    event_code: md.eventType as string,
    // Falcon severities 1–5 line up with OCSF's Informational..Critical.
    severity_id: sev !== undefined && sev >= 1 && sev <= 5 ? sev : 0,
    message: strOrUndef(e.DetectDescription) ?? strOrUndef(e.Description),
  });
  const attacks: OcsfMitreAttack[] = [];
  if (e.Tactic !== undefined || e.Technique !== undefined) {
    attacks.push({
      tactic: compact({ name: strOrUndef(e.Tactic), uid: strOrUndef(e.TacticId) }),
      technique: compact({ name: strOrUndef(e.Technique), uid: strOrUndef(e.TechniqueId) }),
    });
  }
  ocsf.finding_info = compact<OcsfFindingInfo>({
    uid: detectId ?? `${cid ?? ''}:${offset}`,
    title,
    desc: strOrUndef(e.DetectDescription) ?? strOrUndef(e.Description),
    types: strOrUndef(e.Objective) ? [e.Objective as string] : undefined,
    src_url: strOrUndef(e.FalconHostLink),
    attacks: attacks.length ? attacks : undefined,
    created_time: time,
    first_seen_time: toMs(e.ProcessStartTime),
  })!;
  ocsf.status_id = 1;
  ocsf.status = 'New';
  ocsf.is_alert = true;
  const host = strOrUndef(e.ComputerName) ?? strOrUndef(e.Hostname);
  ocsf.device = compact({
    hostname: host,
    uid: strOrUndef(e.SensorId) ?? strOrUndef(e.AgentId),
    ip: strOrUndef(e.LocalIP),
    domain: strOrUndef(e.MachineDomain),
    os: strOrUndef(e.Platform) ? { name: e.Platform as string } : undefined,
  });
  if (!ocsf.device) delete ocsf.device;

  const path = strOrUndef(e.FilePath);
  const name = strOrUndef(e.FileName);
  const f: OcsfFile | undefined = compact<OcsfFile>({ name, path: path && name ? `${path.replace(/\\$/, '')}\\${name}` : (path ?? undefined), hashes: hashes(e) });
  const parentName = strOrUndef(e.ParentImageFileName);
  const process = compact<OcsfProcessExt>({
    pid: numOrUndef(e.ProcessId),
    name,
    cmd_line: strOrUndef(e.CommandLine),
    file: f,
    user: compact({ name: strOrUndef(e.UserName) }),
    created_time: toMs(e.ProcessStartTime),
    parent_process: compact<OcsfProcessExt>({
      pid: numOrUndef(e.ParentProcessId),
      cmd_line: strOrUndef(e.ParentCommandLine),
      file: parentName ? { name: parentName.slice(parentName.lastIndexOf('\\') + 1), path: parentName } : undefined,
    }),
  });
  if (process) {
    ocsf.evidences = [{ process, actor: compact({ user: process.user }) }];
    ocsf.actor = { process, user: process.user };
  }
  ocsf.resources = host ? [{ name: host, uid: strOrUndef(e.SensorId), type: 'Host' }] : [];
  ocsf.unmapped = compact<Rec>({
    PatternDispositionDescription: e.PatternDispositionDescription,
    PatternDispositionValue: e.PatternDispositionValue,
    IOCType: e.IOCType,
    IOCValue: e.IOCValue,
    customerIDString: cid,
    offset,
  });
  if (!ocsf.unmapped) delete ocsf.unmapped;
  return {
    uid: detectId ?? `${cid ?? ''}:${offset}`,
    source: 'crowdstrike.falcon',
    logsource: { product: 'crowdstrike', service: 'falcon' },
    time,
    ocsf,
    raw: rec,
  };
}

export const crowdstrike: SourceMapper = {
  id: 'crowdstrike.falcon',
  name: 'CrowdStrike Falcon streaming detections',
  recognize: isDetection,
  normalize(record) {
    return [mapFalconDetection(record)];
  },
};
