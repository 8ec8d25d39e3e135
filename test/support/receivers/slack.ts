import { isObject, requirePostJson, ScriptedReceiver } from './scripted-receiver';

/** Block Kit limits this project relies on (doc): ≤ 50 blocks, header ≤ 150, mrkdwn text ≤ 3000, button value ≤ 2000, action_id ≤ 255. */
function checkBlocks(blocks: unknown, p: string[]): void {
  if (blocks === undefined) return;
  if (!Array.isArray(blocks) || blocks.length > 50) return void p.push('blocks must be a list of at most 50');
  for (const [i, b] of blocks.entries()) {
    if (!isObject(b) || typeof b.type !== 'string') {
      p.push(`blocks[${i}] has no type`);
      continue;
    }
    const text = isObject(b.text) ? b.text : undefined;
    if (b.type === 'header' && (text?.type !== 'plain_text' || String(text.text).length > 150)) p.push(`blocks[${i}] header must be plain_text ≤ 150`);
    if (b.type === 'section' && text && String(text.text).length > 3000) p.push(`blocks[${i}] section text exceeds 3000`);
    if (b.type === 'actions') {
      const els = Array.isArray(b.elements) ? b.elements : [];
      if (!els.length || els.length > 25) p.push(`blocks[${i}] actions needs 1 to 25 elements`);
      for (const e of els) {
        if (!isObject(e) || e.type !== 'button' || !isObject(e.text)) p.push(`blocks[${i}] has a malformed button`);
        else if (String(e.action_id ?? '').length > 255 || String(e.value ?? '').length > 2000) p.push(`blocks[${i}] button action_id/value too long`);
      }
    }
  }
}

/** Buttons with a given action id across the message's blocks. */
export function buttons(body: unknown, actionId: string): { value?: string; url?: string }[] {
  const blocks = isObject(body) && Array.isArray(body.blocks) ? body.blocks : [];
  return blocks
    .filter((b): b is Record<string, unknown> => isObject(b) && b.type === 'actions' && Array.isArray(b.elements))
    .flatMap((b) => b.elements as Record<string, unknown>[])
    .filter((e) => e.action_id === actionId) as { value?: string; url?: string }[];
}

/**
 * A Slack incoming webhook at /services/T…/B…/<token>: JSON with `text` or
 * `blocks`; answers 200 `ok` (text/plain), or 400 `invalid_payload` /
 * `invalid_blocks`, 403/404 for a bad token path.
 */
export function slackWebhookReceiver(tokenPath: string): ScriptedReceiver {
  return new ScriptedReceiver(
    (req) => {
      const p: string[] = [];
      if (req.path !== `/services/${tokenPath}`) return [`no_service: path ${req.path}`];
      const body = requirePostJson(req, p);
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) p.push('no_text: text or blocks is required');
      if (body.channel !== undefined) p.push('an incoming webhook posts to its own channel; channel is ignored/invalid');
      checkBlocks(body.blocks, p);
      return p;
    },
    () => ({ status: 200, body: 'ok', headers: { 'content-type': 'text/plain' } }),
    (violations) => ({ status: violations[0].startsWith('no_service') ? 404 : 400, body: violations[0].startsWith('no_service') ? 'no_service' : 'invalid_blocks', headers: { 'content-type': 'text/plain' } }),
  );
}

/**
 * Slack Web API `chat.postMessage` at /api/chat.postMessage: bearer token in
 * Authorization, JSON with `channel` and `text`/`blocks`. Like Slack, it
 * answers HTTP 200 with `{ok:false, error}` for auth and argument errors.
 */
export function slackApiReceiver(token: string, channelId: string): ScriptedReceiver {
  let ts = 1_700_000_000;
  const checkAuth = (auth: unknown) => (auth === `Bearer ${token}` ? undefined : auth ? 'invalid_auth' : 'not_authed');
  return new ScriptedReceiver(
    (req) => {
      if (req.path !== '/api/chat.postMessage') return ['unknown_method'];
      const auth = checkAuth(req.headers.authorization);
      if (auth) return [auth];
      const p: string[] = [];
      const body = requirePostJson(req, p);
      if (p.length) return ['invalid_arguments', ...p];
      if (body.channel !== channelId) return ['channel_not_found'];
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return ['no_text'];
      checkBlocks(body.blocks, p);
      return p.length ? ['invalid_blocks', ...p] : [];
    },
    (req) => ({ status: 200, body: JSON.stringify({ ok: true, channel: (req.json as { channel: string }).channel, ts: `${ts++}.000100` }) }),
    (violations) => ({ status: 200, body: JSON.stringify({ ok: false, error: violations[0] }) }),
  );
}
