import { isHttpsOrLoopback, isObject, requirePostJson, ScriptedReceiver } from './scripted-receiver';

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/**
 * PagerDuty Events API v2 as documented: POST /v2/enqueue, JSON, a 32-character
 * routing_key, event_action, dedup_key ≤ 255 (required for acknowledge and
 * resolve), and for triggers payload.summary (≤ 1024), payload.source and
 * payload.severity. Answers 202 `{status:"success", dedup_key}` or 400
 * `{status:"invalid event", errors}`.
 */
export function pagerDutyReceiver(routingKey: string): ScriptedReceiver {
  return new ScriptedReceiver(
    (req) => {
      const p: string[] = [];
      if (req.path !== '/v2/enqueue') p.push(`path ${req.path}, expected /v2/enqueue`);
      const body = requirePostJson(req, p);
      if (body.routing_key !== routingKey) p.push('routing_key is missing or not the integration key');
      if (typeof body.routing_key === 'string' && body.routing_key.length !== 32) p.push('routing_key must be 32 characters');
      if (!ACTIONS.includes(String(body.event_action))) p.push(`event_action ${String(body.event_action)} is not one of ${ACTIONS.join('|')}`);
      if (body.dedup_key !== undefined && (typeof body.dedup_key !== 'string' || body.dedup_key.length > 255 || !body.dedup_key)) {
        p.push('dedup_key must be a string of 1 to 255 characters');
      }
      if (body.event_action !== 'trigger') {
        if (typeof body.dedup_key !== 'string') p.push('dedup_key is required to acknowledge or resolve');
        return p;
      }
      const payload = body.payload;
      if (!isObject(payload)) return [...p, 'payload is required for a trigger'];
      if (typeof payload.summary !== 'string' || !payload.summary || payload.summary.length > 1024) p.push('payload.summary must be 1 to 1024 characters');
      if (typeof payload.source !== 'string' || !payload.source) p.push('payload.source is required');
      if (!SEVERITIES.includes(String(payload.severity))) p.push(`payload.severity ${String(payload.severity)} is not one of ${SEVERITIES.join('|')}`);
      if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp)))) p.push('payload.timestamp must be ISO 8601');
      if (payload.custom_details !== undefined && !isObject(payload.custom_details)) p.push('payload.custom_details must be an object');
      if (body.links !== undefined) {
        if (!Array.isArray(body.links) || body.links.some((l) => !isObject(l) || !isHttpsOrLoopback(l.href))) p.push('links must be {href, text} with URLs');
      }
      return p;
    },
    (req) => ({
      status: 202,
      body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: (req.json as { dedup_key?: string }).dedup_key ?? 'generated' }),
    }),
    (errors) => ({ status: 400, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }) }),
  );
}
