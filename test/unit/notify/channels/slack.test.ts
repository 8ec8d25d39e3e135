import type { SlackBotChannelConfig, SlackWebhookChannelConfig } from '../../../../shared/notify/channels';
import { buildSlackRequest, classifySlackResponse, SLACK_ACK_ACTION_ID, slackEscape } from '../../../../shared/notify/channels/slack';
import { message, OBSERVABLES, response } from './fixtures';

const webhook: SlackWebhookChannelConfig = { kind: 'slack', mode: 'webhook', secretId: 'mdr/slack-hook' };
const bot: SlackBotChannelConfig = { kind: 'slack', mode: 'bot', secretId: 'mdr/slack-bot', channelId: 'C0123ABCD' };
const hookUrl = 'https://hooks.slack.com/services/T000/B000/XXXX';

type Block = { type: string; elements?: { action_id?: string; value?: string; url?: string }[]; text?: { text: string } };

describe('Slack', () => {
  it('posts Block Kit to the incoming webhook URL held in the secret, with fallback text carrying both links', () => {
    const req = buildSlackRequest(message(), webhook, hookUrl);
    expect(req.url).toBe(hookUrl);
    expect(req.headers.authorization).toBeUndefined();
    const body = JSON.parse(req.body);
    expect(body.channel).toBeUndefined();
    expect(body.text).toContain('[HIGH] CloudTrail logging stopped by quinn');
    expect(body.text).toContain('<https://soc.example.com/cases/case-42|Open case>');
    expect(body.text).toContain('<https://ack.example.com/a/tok123|Acknowledge>');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[HIGH] CloudTrail logging stopped by quinn', emoji: true } });
  });

  it('has an Acknowledge button with action_id mdr_ack and the case id as value', () => {
    const blocks = JSON.parse(buildSlackRequest(message(), webhook, hookUrl).body).blocks as Block[];
    const actions = blocks.find((b) => b.type === 'actions');
    const ack = actions?.elements?.find((e) => e.action_id === SLACK_ACK_ACTION_ID);
    expect(ack).toMatchObject({ value: 'case-42' });
    expect(actions?.elements?.some((e) => e.url === 'https://soc.example.com/cases/case-42')).toBe(true);
  });

  it('calls chat.postMessage with a bearer token and the channel id in bot mode', () => {
    const req = buildSlackRequest(message(), bot, 'xoxb-123');
    expect(req.url).toBe('https://slack.com/api/chat.postMessage');
    expect(req.headers.authorization).toBe('Bearer xoxb-123');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req.body)).toMatchObject({ channel: 'C0123ABCD', unfurl_links: false });
    expect(buildSlackRequest(message(), { ...bot, apiBaseUrl: 'http://127.0.0.1:4000/api/' }, 't').url).toBe('http://127.0.0.1:4000/api/chat.postMessage');
  });

  it('refuses a webhook URL that is not https', () => {
    expect(() => buildSlackRequest(message(), webhook, 'http://hooks.example.com/x')).toThrow(/https/);
    expect(() => buildSlackRequest(message(), webhook, 'not a url')).toThrow(/absolute URL/);
  });

  it('escapes mrkdwn control characters and keeps observables out unless configured', () => {
    expect(slackEscape('<@U1> & <!here>')).toBe('&lt;@U1&gt; &amp; &lt;!here&gt;');
    const m = message({ current: { ...message().current, title: 'Boom <!channel>' } });
    const body = buildSlackRequest(m, webhook, hookUrl).body;
    // plain_text (the header) is not parsed; every mrkdwn text must be escaped.
    const parsed = JSON.parse(body);
    const mrkdwn = [parsed.text, ...(JSON.stringify(parsed.blocks.slice(1)).match(/"text":"[^"]*"/g) ?? [])];
    for (const t of mrkdwn) expect(t).not.toContain('<!channel>');
    expect(parsed.text).toContain('Boom &lt;!channel&gt;');
    for (const o of OBSERVABLES) expect(body).not.toContain(o);
    expect(buildSlackRequest(m, { ...webhook, includeObservables: true }, hookUrl).body).toContain('203.0.113.9');
  });

  it('reads incoming webhook answers by status', () => {
    expect(classifySlackResponse(response(200, 'ok'), 'webhook')).toEqual({ kind: 'sent', status: 200 });
    expect(classifySlackResponse(response(400, 'invalid_payload'), 'webhook')).toMatchObject({ kind: 'rejected', reason: 'HTTP 400: invalid_payload' });
    expect(classifySlackResponse(response(404, 'channel_not_found'), 'webhook')).toMatchObject({ kind: 'rejected' });
    expect(classifySlackResponse(response(429, '', { 'retry-after': '7' }), 'webhook')).toMatchObject({ kind: 'retry', retryAfterSeconds: 7 });
    expect(classifySlackResponse(response(500, 'rollup_error'), 'webhook')).toMatchObject({ kind: 'retry' });
  });

  it('reads chat.postMessage answers by the ok flag and error code', () => {
    expect(classifySlackResponse(response(200, '{"ok":true,"channel":"C0123ABCD","ts":"1700000000.000100"}'), 'bot')).toEqual({
      kind: 'sent',
      status: 200,
      providerMessageId: '1700000000.000100',
    });
    expect(classifySlackResponse(response(200, '{"ok":false,"error":"channel_not_found"}'), 'bot')).toEqual({
      kind: 'rejected',
      status: 200,
      reason: 'slack error channel_not_found',
    });
    expect(classifySlackResponse(response(200, '{"ok":false,"error":"invalid_auth"}'), 'bot')).toMatchObject({ kind: 'rejected' });
    expect(classifySlackResponse(response(200, '{"ok":false,"error":"internal_error"}'), 'bot')).toMatchObject({ kind: 'retry' });
    expect(classifySlackResponse(response(429, '{"ok":false,"error":"ratelimited"}', { 'Retry-After': '30' }), 'bot')).toMatchObject({
      kind: 'retry',
      status: 429,
      retryAfterSeconds: 30,
    });
    expect(classifySlackResponse(response(200, '<html>'), 'bot')).toMatchObject({ kind: 'retry' });
  });
});
