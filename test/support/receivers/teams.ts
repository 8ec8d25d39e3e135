import { isHttpsOrLoopback, isObject, requirePostJson, ScriptedReceiver } from './scripted-receiver';

/**
 * A Teams Workflows trigger ("When a Teams webhook request is received"):
 * POST /workflows/<id>/triggers/manual/paths/invoke?api-version=…&sig=…,
 * a `message` with Adaptive Card attachments
 * (contentType application/vnd.microsoft.card.adaptive, content type
 * AdaptiveCard with a version and a body). A wrong `sig` is 401; a bad
 * payload 400; a good one 202 Accepted with an empty body.
 */
export function teamsReceiver(flowId: string, sig: string): ScriptedReceiver {
  return new ScriptedReceiver(
    (req) => {
      if (req.path !== `/workflows/${flowId}/triggers/manual/paths/invoke`) return ['WorkflowNotFound'];
      if (req.query.get('sig') !== sig) return ['DirectApiAuthorizationRequired: bad sig'];
      if (!req.query.get('api-version')) return ['api-version is required'];
      const p: string[] = [];
      const body = requirePostJson(req, p);
      if (body.type !== 'message') p.push('type must be "message"');
      const atts = Array.isArray(body.attachments) ? body.attachments : [];
      if (!atts.length) p.push('attachments must hold at least one card');
      for (const [i, a] of atts.entries()) {
        if (!isObject(a) || a.contentType !== 'application/vnd.microsoft.card.adaptive') p.push(`attachments[${i}].contentType must be application/vnd.microsoft.card.adaptive`);
        const card = isObject(a) ? a.content : undefined;
        if (!isObject(card) || card.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body)) {
          p.push(`attachments[${i}].content must be an AdaptiveCard with version and body`);
          continue;
        }
        for (const action of Array.isArray(card.actions) ? card.actions : []) {
          if (!isObject(action) || typeof action.type !== 'string' || !action.type.startsWith('Action.')) p.push('card action without an Action.* type');
          else if (action.type === 'Action.OpenUrl' && !isHttpsOrLoopback(action.url)) p.push('Action.OpenUrl needs a url');
        }
      }
      return p;
    },
    () => ({ status: 202 }),
    (violations) => ({
      status: violations[0].startsWith('WorkflowNotFound') ? 404 : violations[0].startsWith('DirectApi') ? 401 : 400,
      body: JSON.stringify({ error: { code: violations[0].split(':')[0], message: violations.join('; ') } }),
    }),
  );
}

/** The Adaptive Card of an accepted request. */
export function cardOf(json: unknown): Record<string, unknown> {
  return ((json as { attachments: { content: Record<string, unknown> }[] }).attachments[0] ?? {}).content;
}
