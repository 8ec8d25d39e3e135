/**
 * AWS CloudTrail → OCSF API Activity (6003), or Authentication (3002) for
 * console sign-in events.
 *
 * Accepts a bare CloudTrail record (from an S3 log file or a CloudWatch Logs
 * subscription), an EventBridge "AWS API Call via CloudTrail" (or console
 * sign-in / console action / service event) envelope, and a whole log file
 * `{"Records":[…]}`. `raw` is always the CloudTrail record itself, so a Sigma
 * rule on `eventName`/`eventSource` matches whichever path delivered it.
 */
import { lazyEvent, NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import type { OcsfActor, OcsfApi, OcsfCloud, OcsfEvent } from '../../ocsf/types';
import { OcsfClass, type OcsfResourceExt, type OcsfUserExt } from '../../ocsf/classes';
import { arrValue, baseEvent, compact, hashUid, isIp, isObj, isoTime, objValue, reqStrValue, sharedProduct, strValue, type Rec } from './common';
import { parseTimestamp } from './timestamp';

const PRODUCT = sharedProduct({ name: 'CloudTrail', vendor_name: 'AWS' });
/** A fresh logsource per event (the object is the event's own). */
const logsource = () => ({ product: 'aws', service: 'cloudtrail' });

/** EventBridge detail-types that carry a CloudTrail record in `detail`. */
const EVENTBRIDGE_DETAIL_TYPES = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
  'AWS Insight via CloudTrail',
]);

/** Cheap shape test for one CloudTrail record (S3 notification records use `aws:s3`, so the suffix check separates them). */
export function isCloudTrailRecord(r: Rec): boolean {
  const src = r.eventSource;
  return (
    typeof src === 'string' &&
    src.endsWith('.amazonaws.com') &&
    typeof r.eventName === 'string' &&
    r.eventTime !== undefined &&
    r.eventVersion !== undefined
  );
}

function isEventBridgeCloudTrail(r: Rec): boolean {
  const dt = r['detail-type'];
  return typeof dt === 'string' && EVENTBRIDGE_DETAIL_TYPES.has(dt) && isObj(r.detail);
}

function isLogFile(r: Rec): boolean {
  const recs = r.Records;
  return Array.isArray(recs) && recs.length > 0 && isObj(recs[0]) && isCloudTrailRecord(recs[0]);
}

// ---- activity classification ----

const CREATE = /^(Create|Run|Start|Launch|Register|Import|Allocate|Issue|Generate|Copy|Upload|Request|Add|Invoke|Publish|Send|Assume)/;
const READ = /^(Get|Describe|List|Head|Lookup|Search|Scan|Query|Select|BatchGet|Check|Decrypt|Download|Preview|Simulate|Test|Validate|View)/;
const UPDATE = /^(Update|Put|Modify|Set|Change|Enable|Disable|Associate|Attach|Tag|Reset|Replace|Rotate|Accept|Apply|Authorize|Edit|Enter|Restore|Reboot|Stop|Cancel|Confirm|Activate|Deactivate|Move|Rename|Tune|Upgrade|Reject)/;
const DELETE = /^(Delete|Remove|Terminate|Detach|Disassociate|Untag|Revoke|Deregister|Release|Purge|Destroy|Unassign|Unlink|Unsubscribe)/;

// eventName cardinality is small (a few thousand), so memoizing keeps the regexes off the hot path.
const activityCache = new Map<string, number>();

/** API Activity activity_id from the verb that starts a CloudTrail eventName. */
export function apiActivityId(eventName: string, readOnly: unknown): number {
  if (readOnly === true) return 2;
  let id = activityCache.get(eventName);
  if (id !== undefined) return id;
  // First match wins; delete verbs go first so a destructive call is never read as anything milder.
  id = DELETE.test(eventName) ? 4 : READ.test(eventName) ? 2 : UPDATE.test(eventName) ? 3 : CREATE.test(eventName) ? 1 : 99;
  if (activityCache.size < 20000) activityCache.set(eventName, id);
  return id;
}

/** Sign-in events go to Authentication rather than API Activity. */
function isSignIn(eventSource: string, eventName: string, eventType: string | undefined): boolean {
  return eventSource === 'signin.amazonaws.com' || eventType === 'AwsConsoleSignIn' || eventName === 'ConsoleLogin';
}

// ---- mapping ----

function mapUser(ui: Rec | undefined): OcsfUserExt | undefined {
  if (!ui) return undefined;
  const arn = strValue(ui.arn, 'userIdentity.arn');
  const type = strValue(ui.type, 'userIdentity.type');
  let name = strValue(ui.userName, 'userIdentity.userName');
  const sessionIssuer = isObj(ui.sessionContext) && isObj(ui.sessionContext.sessionIssuer) ? ui.sessionContext.sessionIssuer : undefined;
  if (!name && sessionIssuer && typeof sessionIssuer.userName === 'string') name = sessionIssuer.userName;
  if (!name && arn) name = arn.slice(arn.lastIndexOf('/') + 1) || undefined;
  const accountId = strValue(ui.accountId, 'userIdentity.accountId');
  const uid = strValue(ui.principalId, 'userIdentity.principalId') ?? arn;
  const credential = strValue(ui.accessKeyId, 'userIdentity.accessKeyId');
  // Built member by member (what compact() gave, without the intermediate object): same members, same order.
  if (uid === undefined && arn === undefined && name === undefined && type === undefined && !accountId && credential === undefined) return undefined;
  const user: OcsfUserExt = {};
  if (uid !== undefined) user.uid = uid;
  if (arn !== undefined) user.uid_alt = arn;
  if (name !== undefined) user.name = name;
  if (type !== undefined) user.type = type;
  if (accountId) user.account = { uid: accountId, type: 'AWS Account' };
  if (credential !== undefined) user.credential_uid = credential;
  return user;
}

function mapActor(rec: Rec, ui: Rec | undefined): OcsfActor {
  const actor: OcsfActor = {};
  const user = mapUser(ui);
  if (user) actor.user = user;
  if (ui) {
    const invokedBy = strValue(ui.invokedBy, 'userIdentity.invokedBy');
    if (invokedBy) actor.invoked_by = invokedBy;
    const sc = objValue(ui.sessionContext, 'userIdentity.sessionContext');
    if (sc) {
      const attrs = isObj(sc.attributes) ? sc.attributes : undefined;
      const issuer = isObj(sc.sessionIssuer) && typeof sc.sessionIssuer.arn === 'string' ? sc.sessionIssuer.arn : undefined;
      const created = attrs && typeof attrs.creationDate === 'string' ? parseTimestamp(attrs.creationDate) : NaN;
      const key = typeof ui.accessKeyId === 'string' ? ui.accessKeyId : undefined;
      const mfa = attrs && attrs.mfaAuthenticated !== undefined ? String(attrs.mfaAuthenticated) === 'true' : undefined;
      // As compact() did: the session member is set even when it comes out empty (undefined).
      let session: OcsfActor['session'];
      if (key !== undefined || issuer !== undefined || mfa !== undefined || !Number.isNaN(created)) {
        session = {};
        if (key !== undefined) session.uid = key;
        if (issuer !== undefined) session.issuer = issuer;
        if (mfa !== undefined) session.is_mfa = mfa;
        if (!Number.isNaN(created)) session.created_time = created;
      }
      actor.session = session;
    }
  }
  if (!actor.user && !actor.invoked_by) {
    // API Activity requires an actor; AWS service events carry only the invoking service.
    const src = strValue(rec.sourceIPAddress, 'sourceIPAddress');
    actor.invoked_by = src ?? 'unknown';
  }
  return actor;
}

function mapResources(rec: Rec): OcsfResourceExt[] | undefined {
  const list = arrValue(rec.resources, 'resources');
  if (!list || list.length === 0) return undefined;
  const out: OcsfResourceExt[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!isObj(r)) throw new NormalizeError(`resources[${i}]: expected an object`);
    out.push(
      compact<OcsfResourceExt>({
        uid: strValue(r.ARN, `resources[${i}].ARN`),
        type: strValue(r.type, `resources[${i}].type`),
        owner: typeof r.accountId === 'string' ? { account: { uid: r.accountId } } : undefined,
      }) ?? {},
    );
  }
  return out;
}

/** `unmapped` with `key` set to `v` when `v` is present (created on the first one). */
function kept(unmapped: Rec | undefined, key: string, v: unknown): Rec | undefined {
  if (v === undefined) return unmapped;
  (unmapped ??= {})[key] = v;
  return unmapped;
}

/** Maps one CloudTrail record (the vendor record, already unwrapped). */
export function mapCloudTrailRecord(rec: Rec, envelopeId?: string): TelemetryEvent {
  const eventName = reqStrValue(rec.eventName, 'eventName');
  const eventSource = reqStrValue(rec.eventSource, 'eventSource');
  const eventTime = rec.eventTime;
  const time = isoTime(eventTime, 'eventTime');
  const eventId = strValue(rec.eventID, 'eventID');
  const eventType = strValue(rec.eventType, 'eventType');
  const ui = objValue(rec.userIdentity, 'userIdentity');
  const errorCode = strValue(rec.errorCode, 'errorCode');
  const errorMessage = strValue(rec.errorMessage, 'errorMessage');
  const sourceIp = strValue(rec.sourceIPAddress, 'sourceIPAddress');
  const userAgent = strValue(rec.userAgent, 'userAgent');
  const region = strValue(rec.awsRegion, 'awsRegion');
  const recipient = strValue(rec.recipientAccountId, 'recipientAccountId') ?? (ui && typeof ui.accountId === 'string' ? ui.accountId : undefined);
  const requestParameters = rec.requestParameters;
  const responseElements = rec.responseElements;
  if (requestParameters !== undefined && requestParameters !== null && typeof requestParameters !== 'object') {
    throw new NormalizeError('requestParameters: expected an object');
  }
  if (responseElements !== undefined && responseElements !== null && typeof responseElements !== 'object') {
    throw new NormalizeError('responseElements: expected an object');
  }
  const eventVersion = typeof rec.eventVersion === 'string' ? rec.eventVersion : undefined;

  const src_endpoint = sourceIp ? (isIp(sourceIp) ? { ip: sourceIp } : { domain: sourceIp }) : {};
  const cloud: OcsfCloud = { provider: 'AWS' };
  if (region !== undefined) cloud.region = region;
  if (recipient) cloud.account = { uid: recipient };
  // The vendor fields kept in unmapped, in this order, when present (null counts as absent for the first two only).
  let unmapped: Rec | undefined;
  if (requestParameters !== undefined && requestParameters !== null) (unmapped ??= {}).requestParameters = requestParameters;
  if (responseElements !== undefined && responseElements !== null) (unmapped ??= {}).responseElements = responseElements;
  // Named reads: a loop over the key names made each read a keyed load over seven names.
  unmapped = kept(unmapped, 'additionalEventData', rec.additionalEventData);
  unmapped = kept(unmapped, 'serviceEventDetails', rec.serviceEventDetails);
  unmapped = kept(unmapped, 'eventCategory', rec.eventCategory);
  unmapped = kept(unmapped, 'managementEvent', rec.managementEvent);
  unmapped = kept(unmapped, 'tlsDetails', rec.tlsDetails);
  unmapped = kept(unmapped, 'sharedEventID', rec.sharedEventID);
  unmapped = kept(unmapped, 'vpcEndpointId', rec.vpcEndpointId);
  if (envelopeId !== undefined) (unmapped ??= {}).eventbridge_id = envelopeId;

  let ocsf: OcsfEvent;
  if (isSignIn(eventSource, eventName, eventType)) {
    const result = isObj(responseElements) ? responseElements.ConsoleLogin : undefined;
    const failed = errorMessage !== undefined || errorCode !== undefined || result === 'Failure';
    const activity = eventName === 'ConsoleLogin' || eventName === 'SwitchRole' ? 1 : /Logout|ExitRole/.test(eventName) ? 2 : 99;
    const aed = isObj(rec.additionalEventData) ? rec.additionalEventData : undefined;
    ocsf = baseEvent(OcsfClass.Authentication, activity, time, PRODUCT, {
      uid: eventId,
      original_time: typeof eventTime === 'string' ? eventTime : undefined,
      product_version: eventVersion,
      event_code: eventName,
      status_id: failed ? 2 : 1,
      // A failed console sign-in is worth more attention than a routine one.
      severity_id: failed ? 3 : 1,
    });
    const actor = mapActor(rec, ui);
    ocsf.actor = actor;
    ocsf.user = actor.user ?? { name: 'unknown' };
    ocsf.service = { name: 'AWS Management Console', uid: eventSource };
    ocsf.dst_endpoint = { domain: eventSource };
    ocsf.src_endpoint = src_endpoint;
    if (aed && aed.MFAUsed !== undefined) ocsf.is_mfa = aed.MFAUsed === 'Yes';
    if (errorMessage) ocsf.status_detail = errorMessage;
    if (userAgent) ocsf.http_request = { user_agent: userAgent };
  } else {
    ocsf = baseEvent(OcsfClass.ApiActivity, apiActivityId(eventName, rec.readOnly), time, PRODUCT, {
      uid: eventId,
      original_time: typeof eventTime === 'string' ? eventTime : undefined,
      product_version: eventVersion,
      event_code: eventName,
      status_id: errorCode || errorMessage ? 2 : 1,
    });
    ocsf.actor = mapActor(rec, ui);
    const api: OcsfApi & Rec = { operation: eventName, service: { name: eventSource } };
    if (typeof rec.apiVersion === 'string') api.version = rec.apiVersion;
    if (typeof rec.requestID === 'string') api.request = { uid: rec.requestID };
    if (errorCode || errorMessage) {
      const response: NonNullable<OcsfApi['response']> = {};
      if (errorCode !== undefined) response.error = errorCode;
      if (errorMessage !== undefined) response.message = errorMessage;
      api.response = response;
    }
    ocsf.api = api;
    ocsf.src_endpoint = src_endpoint;
    if (userAgent) ocsf.http_request = { user_agent: userAgent };
    const resources = mapResources(rec);
    if (resources) ocsf.resources = resources;
    if (errorCode) ocsf.status_code = errorCode;
    if (errorMessage) ocsf.status_detail = errorMessage;
  }
  ocsf.cloud = cloud;
  if (unmapped) ocsf.unmapped = unmapped;

  return {
    uid: eventId ?? hashUid(rec),
    source: 'aws.cloudtrail',
    logsource: logsource(),
    time,
    ocsf,
    raw: rec,
  };
}

// ---- routing without the OCSF mapping (mdr detect) ----

/**
 * Throws what mapCloudTrailRecord throws for this record, in the same order
 * and with the same reason, without building the OCSF event. Keep it in step
 * with the mapping (test/unit/fuzz/route.test.ts compares the two).
 */
function checkCloudTrailRecord(rec: Rec): number {
  const eventName = reqStrValue(rec.eventName, 'eventName');
  const eventSource = reqStrValue(rec.eventSource, 'eventSource');
  const time = eventTimeOf(rec.eventTime);
  strValue(rec.eventID, 'eventID');
  const eventType = strValue(rec.eventType, 'eventType');
  const ui = objValue(rec.userIdentity, 'userIdentity');
  // Named reads, not a loop over key names: keyed reads of varying names are several times slower.
  strValue(rec.errorCode, 'errorCode');
  strValue(rec.errorMessage, 'errorMessage');
  strValue(rec.sourceIPAddress, 'sourceIPAddress');
  strValue(rec.userAgent, 'userAgent');
  strValue(rec.awsRegion, 'awsRegion');
  strValue(rec.recipientAccountId, 'recipientAccountId');
  const rp = rec.requestParameters;
  if (rp !== undefined && rp !== null && typeof rp !== 'object') throw new NormalizeError('requestParameters: expected an object');
  const re = rec.responseElements;
  if (re !== undefined && re !== null && typeof re !== 'object') throw new NormalizeError('responseElements: expected an object');
  if (ui) {
    // In the order mapUser and mapActor read them.
    strValue(ui.arn, 'userIdentity.arn');
    strValue(ui.type, 'userIdentity.type');
    strValue(ui.userName, 'userIdentity.userName');
    strValue(ui.accountId, 'userIdentity.accountId');
    strValue(ui.principalId, 'userIdentity.principalId');
    strValue(ui.accessKeyId, 'userIdentity.accessKeyId');
    strValue(ui.invokedBy, 'userIdentity.invokedBy');
    objValue(ui.sessionContext, 'userIdentity.sessionContext');
  }
  // Sign-in events are mapped without their resources.
  if (!isSignIn(eventSource, eventName, eventType)) {
    const list = arrValue(rec.resources, 'resources');
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        if (!isObj(r)) throw new NormalizeError(`resources[${i}]: expected an object`);
        strValue(r.ARN, `resources[${i}].ARN`);
        strValue(r.type, `resources[${i}].type`);
      }
    }
  }
  return time;
}

// Records of a log file come in time order, many to the second: the last eventTime parsed is kept.
let lastEventTime: string | undefined;
let lastTime = 0;

/** isoTime(v, 'eventTime'), remembering the last string it parsed. */
function eventTimeOf(v: unknown): number {
  if (typeof v === 'string' && v === lastEventTime) return lastTime;
  const t = isoTime(v, 'eventTime');
  lastEventTime = v as string;
  lastTime = t;
  return t;
}

/** The lazy event's mapping: `envelopeId` is the EventBridge event's id, when the record came in one. */
const cloudTrailOcsf = (rec: Rec, envelopeId: string | undefined) => mapCloudTrailRecord(rec, envelopeId).ocsf;

function routeCloudTrailRecord(rec: Rec, envelopeId?: string): TelemetryEvent {
  const time = checkCloudTrailRecord(rec);
  // checkCloudTrailRecord has made sure eventID is a string or absent.
  const eventId = rec.eventID as string | null | undefined;
  return lazyEvent(eventId ?? hashUid(rec), 'aws.cloudtrail', logsource(), time, rec, cloudTrailOcsf, envelopeId);
}

/** SourceMapper.route for CloudTrail: a whole log file is mapped as normalize maps it (envelopes.ts splits log files before this). */
export function routeCloudTrail(record: Rec): TelemetryEvent[] {
  if (isEventBridgeCloudTrail(record)) return [routeCloudTrailRecord(record.detail as Rec, typeof record.id === 'string' ? record.id : undefined)];
  if (Array.isArray(record.Records)) return cloudtrail.normalize(record);
  return [routeCloudTrailRecord(record)];
}

export const cloudtrail: SourceMapper = {
  id: 'aws.cloudtrail',
  name: 'AWS CloudTrail (S3 log files, EventBridge, CloudWatch Logs)',
  recognize(record) {
    return isCloudTrailRecord(record) || isEventBridgeCloudTrail(record) || isLogFile(record);
  },
  route: routeCloudTrail,
  normalize(record) {
    if (isEventBridgeCloudTrail(record)) {
      const id = typeof record.id === 'string' ? record.id : undefined;
      return [mapCloudTrailRecord(record.detail as Rec, id)];
    }
    if (Array.isArray(record.Records)) {
      // A whole log file: one bad record fails the file here; envelopes.ts splits
      // log files into records first so that only the bad one is quarantined.
      const out: TelemetryEvent[] = [];
      const recs = record.Records;
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i];
        if (!isObj(r)) throw new NormalizeError(`Records[${i}]: expected an object`);
        try {
          out.push(mapCloudTrailRecord(r));
        } catch (e) {
          if (e instanceof NormalizeError) throw new NormalizeError(`Records[${i}]: ${e.reason}`);
          throw e;
        }
      }
      return out;
    }
    return [mapCloudTrailRecord(record)];
  },
};
