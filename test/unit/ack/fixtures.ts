import { pagerDutyDedupKey } from '../../../shared/notify/channels/pagerduty';

/** A Slack interactivity body (form-encoded `payload`) for a click on the Acknowledge button. */
export function slackBody(caseId: string, extra: Record<string, unknown> = {}): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U024BE7LH', username: 'alice', team_id: 'T0001' },
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    response_url: 'https://hooks.slack.com/actions/T0001/1234/abcd',
    actions: [{ action_id: 'mdr_ack', block_id: 'mdr_case_actions', value: caseId, type: 'button', action_ts: '1763632800.123' }],
    message: { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x' } }, { type: 'actions', block_id: 'mdr_case_actions', elements: [] }] },
    ...extra,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A PagerDuty v3 webhook body for an incident event on the case's dedup key. */
export function pdBody(eventType: string, caseId: string, id = '01DEN8G4SZSVYF1AZZPNFW7T8P', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event: {
      id,
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: '2026-11-20T10:00:00.000Z',
      agent: { html_url: 'https://acme.pagerduty.com/users/PLH1HKV', id: 'PLH1HKV', self: 'https://api.pagerduty.com/users/PLH1HKV', summary: 'Tenex Engineer', type: 'user_reference' },
      client: null,
      data: { id: 'PGR0VU2', type: 'incident', number: 2, status: eventType.split('.')[1], incident_key: pagerDutyDedupKey(caseId), title: 'A little bump in the road', ...extra },
    },
  });
}
