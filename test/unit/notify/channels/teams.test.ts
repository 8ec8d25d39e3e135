import type { TeamsChannelConfig } from '../../../../shared/notify/channels';
import { ADAPTIVE_CARD_CONTENT_TYPE, buildTeamsRequest, classifyTeamsResponse } from '../../../../shared/notify/channels/teams';
import { message, OBSERVABLES, response } from './fixtures';

const config: TeamsChannelConfig = { kind: 'teams', secretId: 'mdr/teams' };
const flow = 'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIG';

describe('Microsoft Teams Workflows', () => {
  it('posts a message with one Adaptive Card attachment to the flow URL exactly as held in the secret', () => {
    const req = buildTeamsRequest(message(), config, flow);
    expect(req.url).toBe(flow);
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body);
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    expect(ADAPTIVE_CARD_CONTENT_TYPE).toBe('application/vnd.microsoft.card.adaptive');
    const card = body.attachments[0].content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    expect(JSON.stringify(card.body)).toContain('[HIGH] CloudTrail logging stopped by quinn');
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Acknowledge', url: 'https://ack.example.com/a/tok123', style: 'positive' },
      { type: 'Action.OpenUrl', title: 'Open case', url: 'https://soc.example.com/cases/case-42' },
    ]);
  });

  it('offers only the case link when there is no ack link', () => {
    const card = JSON.parse(buildTeamsRequest(message({ ackUrl: undefined }), config, flow).body).attachments[0].content;
    expect(card.actions.map((a: { title: string }) => a.title)).toEqual(['Open case']);
  });

  it('keeps observables out unless configured', () => {
    const m = message({ current: { ...message().current, title: 'Logging stopped' } });
    const body = buildTeamsRequest(m, config, flow).body;
    for (const o of OBSERVABLES) expect(body).not.toContain(o);
    expect(buildTeamsRequest(m, { ...config, includeObservables: true }, flow).body).toContain('111122223333');
  });

  it('classifies 202 as sent, 400/401/404 as rejected, 429 and 5xx as retry', () => {
    expect(classifyTeamsResponse(response(202))).toEqual({ kind: 'sent', status: 202 });
    for (const s of [400, 401, 403, 404]) expect(classifyTeamsResponse(response(s))).toMatchObject({ kind: 'rejected', status: s });
    expect(classifyTeamsResponse(response(429, '', { 'retry-after': '12' }))).toMatchObject({ kind: 'retry', retryAfterSeconds: 12 });
    expect(classifyTeamsResponse(response(502))).toMatchObject({ kind: 'retry' });
  });
});
