/**
 * Okta System Log events (/api/v1/logs, or the EventBridge log stream) →
 * OCSF Authentication (3002), Account Change (3001), Group Management (3006),
 * or API Activity (6003) for the other admin and system operations.
 *
 * `raw` is the System Log event (`eventType`, `actor`, `client`, `outcome`,
 * `target`…), which is what Sigma's Okta rules are written against. The
 * EventBridge log stream delivers it in `detail`; that is unwrapped.
 */
import { NormalizeError, type SourceMapper } from '../source';
import type { TelemetryEvent } from '../../telemetry';
import type { OcsfEvent } from '../../ocsf/types';
import { OcsfClass, type OcsfGroup, type OcsfNetworkEndpointExt, type OcsfUserExt } from '../../ocsf/classes';
import { baseEvent, compact, isObj, isoTime, optArr, optObj, optStr, reqStr, sharedProduct, type Rec } from './common';

const PRODUCT = sharedProduct({ name: 'Okta System Log', vendor_name: 'Okta' });

function isOktaEvent(r: Rec): boolean {
  return typeof r.uuid === 'string' && typeof r.eventType === 'string' && r.published !== undefined && isObj(r.actor);
}

function isEnvelope(r: Rec): boolean {
  return typeof r['detail-type'] === 'string' && isObj(r.detail) && isOktaEvent(r.detail);
}

const SEVERITY: Record<string, number> = { DEBUG: 1, INFO: 1, WARN: 3, ERROR: 4 };

/** Okta eventType → [class, activity_id]. */
const ACCOUNT_CHANGE: Record<string, number> = {
  'user.lifecycle.create': 1,
  'user.lifecycle.activate': 2,
  'user.lifecycle.reactivate': 2,
  'user.lifecycle.unsuspend': 2,
  'user.account.update_password': 3,
  'user.account.reset_password': 4,
  'user.lifecycle.password_reset': 4,
  'user.lifecycle.deactivate': 5,
  'user.lifecycle.suspend': 5,
  'user.lifecycle.delete.initiated': 6,
  'user.lifecycle.delete.completed': 6,
  'user.account.privilege.grant': 7,
  'user.account.privilege.revoke': 8,
  'user.account.lock': 9,
  'user.account.lock.limit': 9,
  'user.mfa.factor.activate': 10,
  'user.mfa.factor.deactivate': 11,
  'user.mfa.factor.reset_all': 11,
  'user.mfa.factor.suspend': 11,
  'user.account.unlock': 12,
  'user.account.unlock_by_admin': 12,
};

const GROUP_MANAGEMENT: Record<string, number> = {
  'group.privilege.grant': 1,
  'group.privilege.revoke': 2,
  'group.user_membership.add': 3,
  'group.user_membership.remove': 4,
  'group.lifecycle.delete': 5,
  'group.lifecycle.create': 6,
};

function authActivity(eventType: string): number | undefined {
  if (eventType === 'user.session.start' || eventType === 'user.session.impersonation.initiate') return 1;
  if (eventType === 'user.session.end' || eventType === 'user.session.impersonation.end' || eventType === 'user.authentication.slo') return 2;
  if (eventType.startsWith('user.authentication.')) return 1;
  if (eventType === 'policy.evaluate_sign_on' || eventType === 'user.session.access_admin_app') return 99;
  return undefined;
}

function apiActivity(eventType: string): number {
  const verb = eventType.slice(eventType.lastIndexOf('.') + 1);
  if (/^(create|add|grant|activate|assign|initiate|start)/.test(verb)) return 1;
  if (/^(read|view|list|export|get)/.test(verb)) return 2;
  if (/^(delete|remove|revoke|deactivate|unassign|end|completed)/.test(verb)) return 4;
  if (/^(update|change|modify|reset|suspend|unsuspend|reactivate|lock|unlock|enable|disable)/.test(verb)) return 3;
  return 99;
}

function asUser(o: Rec | undefined): OcsfUserExt | undefined {
  if (!o) return undefined;
  const alt = typeof o.alternateId === 'string' ? o.alternateId : undefined;
  const uid = typeof o.id === 'string' ? o.id : undefined;
  const name = typeof o.displayName === 'string' ? o.displayName : alt;
  const type = typeof o.type === 'string' ? o.type : undefined;
  // Built member by member (what compact() gave, without the intermediate object): same members, same order.
  if (uid === undefined && name === undefined && alt === undefined && type === undefined) return undefined;
  const user: OcsfUserExt = {};
  if (uid !== undefined) user.uid = uid;
  if (name !== undefined) user.name = name;
  if (alt !== undefined && alt.includes('@')) user.email_addr = alt;
  if (alt !== undefined) user.uid_alt = alt;
  if (type !== undefined) user.type = type;
  return user;
}

function targets(rec: Rec): Rec[] {
  const t = optArr(rec, 'target');
  if (!t) return [];
  const out: Rec[] = [];
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (!isObj(x)) throw new NormalizeError(`target[${i}]: expected an object`);
    out.push(x);
  }
  return out;
}

function srcEndpoint(client: Rec | undefined): OcsfNetworkEndpointExt {
  if (!client) return {};
  const geo = isObj(client.geographicalContext) ? client.geographicalContext : undefined;
  const loc = geo && isObj(geo.geolocation) ? geo.geolocation : undefined;
  // Built member by member, absent ones left out (what compact() gave): same members, same order.
  const ep: OcsfNetworkEndpointExt = {};
  if (typeof client.ipAddress === 'string') ep.ip = client.ipAddress;
  if (geo) {
    let location: Rec | undefined;
    if (typeof geo.city === 'string') (location ??= {}).city = geo.city;
    if (typeof geo.state === 'string') (location ??= {}).region = geo.state;
    if (typeof geo.country === 'string') (location ??= {}).country = geo.country;
    if (typeof geo.postalCode === 'string') (location ??= {}).postal_code = geo.postalCode;
    if (loc && typeof loc.lat === 'number') (location ??= {}).lat = loc.lat;
    if (loc && typeof loc.lon === 'number') (location ??= {}).long = loc.lon;
    if (location) ep.location = location as OcsfNetworkEndpointExt['location'];
  }
  if (typeof client.device === 'string') ep.uid = client.device;
  if (typeof client.zone === 'string' && client.zone !== 'null') ep.name = client.zone;
  return ep;
}

export function mapOktaEvent(rec: Rec): TelemetryEvent {
  const uuid = reqStr(rec, 'uuid');
  const eventType = reqStr(rec, 'eventType');
  const time = isoTime(rec.published, 'published');
  const actorObj = optObj(rec, 'actor');
  const client = optObj(rec, 'client');
  const outcome = optObj(rec, 'outcome');
  const authCtx = optObj(rec, 'authenticationContext');
  const result = outcome ? optStr(outcome, 'result', 'outcome.result') : undefined;
  const reason = outcome ? optStr(outcome, 'reason', 'outcome.reason') : undefined;
  const status_id = result === 'SUCCESS' || result === 'ALLOW' ? 1 : result === 'FAILURE' || result === 'DENY' ? 2 : result ? 99 : 0;
  const severity = optStr(rec, 'severity');
  const tgts = targets(rec);
  // The first target of each type, in one pass.
  let targetUser: Rec | undefined;
  let targetGroup: Rec | undefined;
  let targetApp: Rec | undefined;
  for (let i = 0; i < tgts.length; i++) {
    const t = tgts[i];
    if (t.type === 'User') targetUser ??= t;
    else if (t.type === 'UserGroup') targetGroup ??= t;
    else if (t.type === 'AppInstance') targetApp ??= t;
  }
  const actorUser = asUser(actorObj) ?? { name: 'unknown' };
  const ua = client && isObj(client.userAgent) && typeof client.userAgent.rawUserAgent === 'string' ? client.userAgent.rawUserAgent : undefined;

  const common = {
    uid: uuid,
    original_time: typeof rec.published === 'string' ? rec.published : undefined,
    event_code: eventType,
    message: optStr(rec, 'displayMessage'),
    status_id,
    severity_id: severity ? (SEVERITY[severity] ?? 99) : 1,
    product_version: optStr(rec, 'version'),
  };
  let ocsf: OcsfEvent;
  const auth = authActivity(eventType);
  if (auth !== undefined) {
    ocsf = baseEvent(OcsfClass.Authentication, auth, time, PRODUCT, common);
    ocsf.user = actorUser;
    ocsf.service = targetApp ? compact({ name: typeof targetApp.displayName === 'string' ? targetApp.displayName : undefined, uid: typeof targetApp.id === 'string' ? targetApp.id : undefined }) ?? { name: 'Okta' } : { name: 'Okta' };
    if (eventType.includes('mfa') || (authCtx && typeof authCtx.authenticationStep === 'number' && authCtx.authenticationStep > 0)) ocsf.is_mfa = true;
    if (authCtx && typeof authCtx.externalSessionId === 'string') {
      ocsf.session = { uid: authCtx.externalSessionId };
    }
    if (authCtx && typeof authCtx.credentialType === 'string') ocsf.auth_protocol = authCtx.credentialType;
  } else if (ACCOUNT_CHANGE[eventType] !== undefined) {
    ocsf = baseEvent(OcsfClass.AccountChange, ACCOUNT_CHANGE[eventType], time, PRODUCT, common);
    // Self-service events (password change, MFA enrollment) may have no target: the actor is the subject.
    ocsf.user = asUser(targetUser) ?? actorUser;
  } else if (GROUP_MANAGEMENT[eventType] !== undefined) {
    ocsf = baseEvent(OcsfClass.GroupManagement, GROUP_MANAGEMENT[eventType], time, PRODUCT, common);
    ocsf.group = compact<OcsfGroup>({
      uid: targetGroup && typeof targetGroup.id === 'string' ? targetGroup.id : undefined,
      name: targetGroup && typeof targetGroup.displayName === 'string' ? targetGroup.displayName : undefined,
    }) ?? { name: 'unknown' };
    const u = asUser(targetUser);
    if (u) ocsf.user = u;
  } else {
    ocsf = baseEvent(OcsfClass.ApiActivity, apiActivity(eventType), time, PRODUCT, common);
    ocsf.api = { operation: eventType, service: { name: 'Okta' } };
    const dbg = isObj(rec.debugContext) && isObj(rec.debugContext.debugData) ? rec.debugContext.debugData : undefined;
    if (dbg && typeof dbg.requestId === 'string') ocsf.api.request = { uid: dbg.requestId };
    if (tgts.length) {
      ocsf.resources = tgts.map((t) => compact({ uid: typeof t.id === 'string' ? t.id : undefined, name: typeof t.displayName === 'string' ? t.displayName : undefined, type: typeof t.type === 'string' ? t.type : undefined }) ?? {});
    }
  }
  ocsf.actor = { user: actorUser };
  if (authCtx && typeof authCtx.externalSessionId === 'string') ocsf.actor.session = { uid: authCtx.externalSessionId };
  ocsf.src_endpoint = srcEndpoint(client);
  if (ua) ocsf.http_request = { user_agent: ua };
  if (reason) ocsf.status_detail = reason;
  const tx = optObj(rec, 'transaction');
  if (tx && typeof tx.id === 'string') ocsf.metadata.correlation_uid = tx.id;
  const unmapped = compact<Rec>({ securityContext: rec.securityContext, debugContext: rec.debugContext, legacyEventType: rec.legacyEventType, target: tgts.length ? tgts : undefined });
  if (unmapped) ocsf.unmapped = unmapped;
  return { uid: uuid, source: 'okta', logsource: { product: 'okta', service: 'okta' }, time, ocsf, raw: rec };
}

export const okta: SourceMapper = {
  id: 'okta',
  name: 'Okta System Log',
  recognize(record) {
    return isOktaEvent(record) || isEnvelope(record);
  },
  normalize(record) {
    return [mapOktaEvent(isEnvelope(record) ? (record.detail as Rec) : record)];
  },
};
