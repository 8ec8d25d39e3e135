import type { Severity } from '../../contracts/severity';
import type { PagerDutyChannelConfig } from '../channels';
import { classifyHttpStatus, excerpt, type DeliveryOutcome, type HttpRequest, type HttpResponseInfo } from '../http';
import { checkEndpoint, headline, reasonText, shortHash, truncate, viewOf, type ChannelMessage } from './message';

/** Events API v2 endpoints (doc): one per PagerDuty service region. */
export const PAGERDUTY_ENDPOINTS = {
  us: 'https://events.pagerduty.com/v2/enqueue',
  eu: 'https://events.eu.pagerduty.com/v2/enqueue',
} as const;

export const PAGERDUTY_MAX_DEDUP_KEY = 255;
export const PAGERDUTY_MAX_SUMMARY = 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

const SEVERITY: Record<Severity, PagerDutySeverity> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  informational: 'info',
};

export function pagerDutySeverity(s: Severity): PagerDutySeverity {
  return SEVERITY[s];
}

/** One PagerDuty alert per case: `mdr-<caseId>`, hashed when it would exceed 255 characters. */
export function pagerDutyDedupKey(caseId: string): string {
  const key = `mdr-${caseId}`;
  return key.length <= PAGERDUTY_MAX_DEDUP_KEY ? key : `mdr-h-${shortHash(caseId)}`;
}

export function pagerDutyEndpoint(config: Pick<PagerDutyChannelConfig, 'region' | 'url'>): string {
  if (config.url) return checkEndpoint(config.url, 'pagerduty url');
  return PAGERDUTY_ENDPOINTS[config.region ?? 'us'];
}

function request(config: PagerDutyChannelConfig, event: Record<string, unknown>): HttpRequest {
  return {
    url: pagerDutyEndpoint(config),
    body: JSON.stringify(event),
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'serverless-mdr-notify/1' },
  };
}

/**
 * A trigger event for a case being opened, escalated or re-notified. Repeated
 * triggers with the same dedup key update one PagerDuty alert, so tiers and
 * reminders do not open new incidents.
 */
export function buildPagerDutyTrigger(msg: ChannelMessage, config: PagerDutyChannelConfig, routingKey: string, now: Date): HttpRequest {
  const view = viewOf(msg, config.includeObservables === true);
  const links = [{ href: view.caseUrl, text: 'Open case' }];
  if (view.ackUrl) links.push({ href: view.ackUrl, text: 'Acknowledge case' });
  return request(config, {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: pagerDutyDedupKey(view.caseId),
    payload: {
      summary: truncate(`${headline(view)} (${reasonText(view.reason).toLowerCase()})`, PAGERDUTY_MAX_SUMMARY),
      source: truncate(config.source ?? `mdr/${view.tenantId}`, 255),
      severity: pagerDutySeverity(view.severity),
      timestamp: now.toISOString(),
      component: 'serverless-mdr',
      group: view.tenantId,
      class: view.reason,
      custom_details: {
        case_id: view.caseId,
        case_version: view.caseVersion,
        severity: view.severity,
        status: view.status,
        tier: view.tier,
        target: view.target,
        notification_id: view.notificationId,
        case_url: view.caseUrl,
        ...(view.ackUrl ? { ack_url: view.ackUrl } : {}),
        ...(view.observables ? { observables: view.observables } : {}),
      },
    },
    client: 'serverless-mdr',
    client_url: view.caseUrl,
    links,
  });
}

/**
 * An acknowledge or resolve event keeping PagerDuty in step with the case
 * (acknowledged or resolved here). Not for acks that came from PagerDuty
 * itself: never echo an ack back to its source.
 */
export function buildPagerDutyUpdate(caseId: string, action: Exclude<PagerDutyAction, 'trigger'>, config: PagerDutyChannelConfig, routingKey: string): HttpRequest {
  return request(config, { routing_key: routingKey, event_action: action, dedup_key: pagerDutyDedupKey(caseId) });
}

function describe(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { status?: unknown; message?: unknown; errors?: unknown };
    const parts = [v.status, v.message].filter((x) => typeof x === 'string') as string[];
    if (Array.isArray(v.errors) && v.errors.length) parts.push(v.errors.filter((e) => typeof e === 'string').join('; '));
    return parts.length ? excerpt(parts.join(': ')) : undefined;
  } catch {
    return body ? excerpt(body) : undefined;
  }
}

/**
 * 202 accepted; 400 an invalid event (fix the event, do not retry); 429
 * throttled and 5xx retried with backoff (doc). 401/403/404 mean a bad or
 * removed routing key or endpoint: rejected.
 */
export function classifyPagerDutyResponse(res: HttpResponseInfo): DeliveryOutcome {
  const outcome = classifyHttpStatus(res, describe(res.body));
  if (outcome.kind === 'sent') {
    try {
      const v = JSON.parse(res.body) as { dedup_key?: unknown };
      if (typeof v.dedup_key === 'string') return { ...outcome, providerMessageId: v.dedup_key };
    } catch {
      // 2xx without JSON is still accepted.
    }
  }
  return outcome;
}
