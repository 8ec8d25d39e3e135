/**
 * AWS Security Hub findings (ASFF) → OCSF Compliance Finding (2003) when the
 * finding carries a `Compliance` result (security standard control checks),
 * otherwise Detection Finding (2004).
 *
 * Accepts the EventBridge "Security Hub Findings - Imported" event (one event
 * per element of `detail.findings`) and a bare ASFF finding. `raw` is the
 * ASFF finding.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import { OcsfClass, type OcsfCompliance, type OcsfFindingInfo, type OcsfResourceExt } from '../../ocsf/classes';
import { baseEvent, compact, isObj, isoTime, optArr, optIsoTime, optObj, optStr, reqStr, type Rec } from './common';

const DETAIL_TYPES = new Set(['Security Hub Findings - Imported', 'Security Hub Findings - Custom Action', 'Security Hub Insight Results']);

function isEnvelope(r: Rec): boolean {
  return typeof r['detail-type'] === 'string' && DETAIL_TYPES.has(r['detail-type']) && isObj(r.detail) && Array.isArray(r.detail.findings);
}

function isAsff(r: Rec): boolean {
  return typeof r.SchemaVersion === 'string' && typeof r.Id === 'string' && typeof r.ProductArn === 'string';
}

const SEVERITY: Record<string, number> = { INFORMATIONAL: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 };
const WORKFLOW: Record<string, [number, string]> = {
  NEW: [1, 'New'],
  NOTIFIED: [2, 'In Progress'],
  SUPPRESSED: [3, 'Suppressed'],
  RESOLVED: [4, 'Resolved'],
};
const COMPLIANCE_STATUS: Record<string, number> = { PASSED: 1, WARNING: 2, FAILED: 3, NOT_AVAILABLE: 99 };

function severityOf(f: Rec): number {
  const s = optObj(f, 'Severity');
  if (!s) return 0;
  if (typeof s.Label === 'string') return SEVERITY[s.Label] ?? 99;
  // Older findings carry only Normalized (0–100).
  const n = typeof s.Normalized === 'number' ? s.Normalized : undefined;
  if (n === undefined) return 0;
  return n >= 90 ? 5 : n >= 70 ? 4 : n >= 40 ? 3 : n >= 1 ? 2 : 1;
}

function compliance(f: Rec, c: Rec): OcsfCompliance {
  const standards: string[] = [];
  const assoc = optArr(c, 'AssociatedStandards', 'Compliance.AssociatedStandards');
  if (assoc) for (const a of assoc) if (isObj(a) && typeof a.StandardsId === 'string') standards.push(a.StandardsId);
  const pf = isObj(f.ProductFields) ? f.ProductFields : undefined;
  if (standards.length === 0 && pf) {
    const arn = pf.StandardsArn ?? pf.StandardsGuideArn;
    if (typeof arn === 'string') standards.push(arn);
  }
  // OCSF requires a standard; the generator (e.g. "security-control/IAM.6") names the check when nothing else does.
  if (standards.length === 0) standards.push(typeof f.GeneratorId === 'string' ? f.GeneratorId : 'unknown');
  const status = optStr(c, 'Status', 'Compliance.Status');
  const reqs = optArr(c, 'RelatedRequirements', 'Compliance.RelatedRequirements');
  const reasons = optArr(c, 'StatusReasons', 'Compliance.StatusReasons');
  const reason = reasons && isObj(reasons[0]) && typeof reasons[0].Description === 'string' ? reasons[0].Description : undefined;
  return compact<OcsfCompliance>({
    standards,
    control: optStr(c, 'SecurityControlId', 'Compliance.SecurityControlId') ?? (pf && typeof pf.ControlId === 'string' ? pf.ControlId : undefined),
    status,
    status_id: status ? (COMPLIANCE_STATUS[status] ?? 99) : 0,
    status_detail: reason,
    requirements: reqs?.filter((r): r is string => typeof r === 'string'),
  })!;
}

export function mapAsffFinding(f: Rec, envelopeId?: string): TelemetryEvent {
  const id = reqStr(f, 'Id');
  const title = reqStr(f, 'Title');
  const updated = f.UpdatedAt ?? f.CreatedAt;
  const time = isoTime(updated, f.UpdatedAt !== undefined ? 'UpdatedAt' : 'CreatedAt');
  const created = optIsoTime(f.CreatedAt, 'CreatedAt');
  const comp = optObj(f, 'Compliance');
  const workflow = optObj(f, 'Workflow');
  const wfStatus = workflow ? optStr(workflow, 'Status', 'Workflow.Status') : optStr(f, 'WorkflowState');
  const archived = f.RecordState === 'ARCHIVED';
  const cls = comp ? OcsfClass.ComplianceFinding : OcsfClass.DetectionFinding;
  const activity = archived ? 3 : created !== undefined && created !== time ? 2 : 1;
  const region = optStr(f, 'Region');
  const account = optStr(f, 'AwsAccountId');
  const types = optArr(f, 'Types');

  const ocsf = baseEvent(cls, activity, time, { name: optStr(f, 'ProductName') || 'Security Hub', vendor_name: optStr(f, 'CompanyName') || 'AWS', feature: { name: 'Security Hub' } }, {
    uid: id,
    original_time: typeof updated === 'string' ? updated : undefined,
    product_version: optStr(f, 'SchemaVersion'),
    event_code: optStr(f, 'GeneratorId'),
    severity_id: severityOf(f),
    message: optStr(f, 'Description'),
  });
  ocsf.finding_info = compact<OcsfFindingInfo>({
    uid: id,
    title,
    desc: optStr(f, 'Description'),
    types: types?.filter((t): t is string => typeof t === 'string'),
    created_time: created,
    modified_time: time,
    first_seen_time: optIsoTime(f.FirstObservedAt, 'FirstObservedAt'),
    last_seen_time: optIsoTime(f.LastObservedAt, 'LastObservedAt'),
    product_uid: optStr(f, 'ProductArn'),
    src_url: optStr(f, 'SourceUrl'),
  })!;
  if (comp) ocsf.compliance = compliance(f, comp);
  if (wfStatus && WORKFLOW[wfStatus]) {
    [ocsf.status_id, ocsf.status] = WORKFLOW[wfStatus];
  }
  if (cls === OcsfClass.DetectionFinding) ocsf.is_alert = !archived && wfStatus !== 'SUPPRESSED' && wfStatus !== 'RESOLVED';
  const resources = optArr(f, 'Resources');
  if (resources) {
    ocsf.resources = resources.map((r, i): OcsfResourceExt => {
      if (!isObj(r)) throw new NormalizeError(`Resources[${i}]: expected an object`);
      return compact<OcsfResourceExt>({
        uid: optStr(r, 'Id', `Resources[${i}].Id`),
        type: optStr(r, 'Type', `Resources[${i}].Type`),
        region: optStr(r, 'Region', `Resources[${i}].Region`),
        cloud_partition: optStr(r, 'Partition', `Resources[${i}].Partition`),
        labels: isObj(r.Tags) ? Object.entries(r.Tags).map(([k, v]) => `${k}:${String(v)}`) : undefined,
      }) ?? {};
    });
  }
  const rem = optObj(f, 'Remediation');
  if (rem && isObj(rem.Recommendation)) {
    ocsf.remediation = compact({
      desc: typeof rem.Recommendation.Text === 'string' ? rem.Recommendation.Text : undefined,
      references: typeof rem.Recommendation.Url === 'string' ? [rem.Recommendation.Url] : undefined,
    });
  }
  ocsf.cloud = compact({ provider: 'AWS', region, account: account ? { uid: account } : undefined })!;
  const unmapped = compact<Rec>({ ProductFields: f.ProductFields, GeneratorId: f.GeneratorId, RecordState: f.RecordState, eventbridge_id: envelopeId });
  if (unmapped) ocsf.unmapped = unmapped;
  return { uid: id, source: 'aws.securityhub', logsource: { product: 'aws', service: 'securityhub' }, time, ocsf, raw: f };
}

export const securityhub: SourceMapper = {
  id: 'aws.securityhub',
  name: 'AWS Security Hub findings (ASFF)',
  recognize(record) {
    return isEnvelope(record) || isAsff(record);
  },
  normalize(record) {
    if (!isEnvelope(record)) return [mapAsffFinding(record)];
    const findings = (record.detail as Rec).findings as unknown[];
    const id = typeof record.id === 'string' ? record.id : undefined;
    const out: TelemetryEvent[] = [];
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i];
      if (!isObj(f)) throw new NormalizeError(`detail.findings[${i}]: expected an object`);
      try {
        out.push(mapAsffFinding(f, id));
      } catch (e) {
        if (e instanceof NormalizeError) throw new NormalizeError(`detail.findings[${i}]: ${e.reason}`);
        throw e;
      }
    }
    return out;
  },
};
