import type { TeamsChannelConfig } from '../channels';
import { classifyHttpStatus, excerpt, type DeliveryOutcome, type HttpRequest, type HttpResponseInfo } from '../http';
import { checkEndpoint, headline, observableLines, reasonText, truncate, viewOf, type ChannelMessage, type MessageView } from './message';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** 1.4 renders in Teams on every client; Workflows accepts it unchanged. */
export const ADAPTIVE_CARD_VERSION = '1.4';
const DEFAULT_TIMEOUT_MS = 10_000;

const SEVERITY_COLOR: Record<string, string> = {
  critical: 'Attention',
  high: 'Attention',
  medium: 'Warning',
  low: 'Accent',
  informational: 'Default',
};

/** The Adaptive Card: headline, facts, optional observables, and Action.OpenUrl buttons (ack link, case link). */
export function adaptiveCard(view: MessageView): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: reasonText(view.reason), size: 'Small', isSubtle: true, wrap: true },
    { type: 'TextBlock', text: truncate(headline(view), 500), size: 'Large', weight: 'Bolder', color: SEVERITY_COLOR[view.severity] ?? 'Default', wrap: true },
    {
      type: 'FactSet',
      facts: [
        { title: 'Severity', value: view.severity },
        { title: 'Status', value: view.status },
        { title: 'Case', value: view.caseId },
        { title: 'Tenant', value: view.tenantId },
        { title: 'Tier', value: String(view.tier) },
      ],
    },
  ];
  const obs = observableLines(view);
  if (obs.length) {
    body.push({ type: 'TextBlock', text: 'Observables', weight: 'Bolder', wrap: true });
    body.push({ type: 'FactSet', facts: obs.map((l) => ({ title: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 2) })) });
  }
  if (view.ackUrl) body.push({ type: 'TextBlock', text: `Acknowledge: ${view.ackUrl}`, size: 'Small', isSubtle: true, wrap: true });
  const actions: Record<string, unknown>[] = [];
  if (view.ackUrl) actions.push({ type: 'Action.OpenUrl', title: 'Acknowledge', url: view.ackUrl, style: 'positive' });
  actions.push({ type: 'Action.OpenUrl', title: 'Open case', url: view.caseUrl });
  return {
    $schema: ADAPTIVE_CARD_SCHEMA,
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: 'Full' },
    body,
    actions,
  };
}

/** A `message` with one Adaptive Card attachment, POSTed to the Workflows trigger URL held in the secret. */
export function buildTeamsRequest(msg: ChannelMessage, config: TeamsChannelConfig, workflowUrl: string): HttpRequest {
  const view = viewOf(msg, config.includeObservables === true);
  return {
    url: checkEndpoint(workflowUrl, 'teams workflow url'),
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: { 'content-type': 'application/json', 'user-agent': 'serverless-mdr-notify/1' },
    body: JSON.stringify({
      type: 'message',
      summary: truncate(headline(view), 200),
      attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: adaptiveCard(view) }],
    }),
  };
}

/** Workflows answers 202 Accepted; 400 bad payload, 401/403 bad `sig`, 404 flow removed: rejected; 408/429/5xx retried. */
export function classifyTeamsResponse(res: HttpResponseInfo): DeliveryOutcome {
  return classifyHttpStatus(res, res.body ? excerpt(res.body) : undefined);
}
