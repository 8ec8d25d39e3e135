import { okta } from '../../../shared/normalize/sources/okta';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixtureText } from './helpers';

describe('okta', () => {
  const { records } = unwrapText(fixtureText('okta', 'logs-api-page.json'));
  const { events, failures } = normalizeBatch(records);
  const byType = (t: string) => events.find((e) => e.raw.eventType === t)!;

  test('every event maps and validates; raw is the System Log event', () => {
    expect(records).toHaveLength(7);
    expect(failures).toEqual([]);
    expectValid(events);
    expect(recognize(records[0])?.id).toBe('okta');
    for (const e of events) {
      expect(e.logsource).toEqual({ product: 'okta', service: 'okta' });
      expect(e.uid).toBe(e.raw.uuid);
    }
  });

  test('session start → Authentication Logon with client context', () => {
    expect(byType('user.session.start').ocsf).toMatchObject({
      class_uid: 3002,
      activity_id: 1,
      status_id: 1,
      user: { uid: '00u1a2b3c4d5e6f7g8h9', name: 'Alice Example', email_addr: 'alice@example.com' },
      service: { name: 'Okta' },
      src_endpoint: { ip: '203.0.113.77', location: { city: 'Lisbon', country: 'Portugal', lat: 38.72, long: -9.14 } },
      http_request: { user_agent: expect.stringContaining('Safari') },
      session: { uid: '102abcDEFghiJKLmnoPQRstu' },
      metadata: { correlation_uid: 'ZeXaB1cD2eF3gH4iJ5kL6mN7', uid: 'f4a1c2d3-0b5e-11f1-9a3c-7b5e4d3c2a10' },
    });
    expect(byType('user.session.end').ocsf).toMatchObject({ class_uid: 3002, activity_id: 2 });
  });

  test('failed MFA → Authentication failure with reason', () => {
    expect(byType('user.authentication.auth_via_mfa').ocsf).toMatchObject({ class_uid: 3002, status_id: 2, status_detail: 'INVALID_CREDENTIALS', is_mfa: true });
  });

  test('account and group changes', () => {
    expect(byType('user.account.lock').ocsf).toMatchObject({ class_uid: 3001, activity_id: 9, type_uid: 300109, severity_id: 3, user: { name: 'Bob Example' } });
    expect(byType('user.account.privilege.grant').ocsf).toMatchObject({ class_uid: 3001, activity_id: 7, user: { uid: '00u1a2b3c4d5e6f7g8h9' }, actor: { user: { name: 'IT Admin' } } });
    expect(byType('group.user_membership.add').ocsf).toMatchObject({
      class_uid: 3006,
      activity_id: 3,
      group: { uid: '00g1a2b3c4d5e6f7g8h9', name: 'Super Admins' },
      user: { name: 'Alice Example' },
      actor: { user: { email_addr: 'it-admin@example.com' } },
    });
  });

  test('other admin operations → API Activity', () => {
    expect(byType('policy.rule.update').ocsf).toMatchObject({
      class_uid: 6003,
      activity_id: 3,
      api: { operation: 'policy.rule.update', request: { uid: 'ZgCaB1cD2eF3gH4iJ5kL6mN2' } },
      resources: [{ uid: '0pr1a2b3c4d5e6f7g8h9', name: 'Require MFA', type: 'PolicyRule' }],
    });
  });

  test('EventBridge log stream envelope is unwrapped', () => {
    const env = { version: '0', id: 'e1', 'detail-type': 'SystemLog', source: 'aws.partner/okta.com/example/eventbus', detail: records[0] };
    expect(okta.recognize(env)).toBe(true);
    expect(okta.normalize(env)[0].raw).toBe(records[0]);
  });

  test('bad input', () => {
    expect(normalizeRecord({ ...records[0], published: 'x' })).toMatchObject({ ok: false, source: 'okta', reason: 'published: not a timestamp: "x"' });
    expect(normalizeRecord({ ...records[3], target: [1] })).toMatchObject({ ok: false, reason: 'target[0]: expected an object' });
    expect(normalizeRecord({ ...records[0], outcome: { result: 7 } })).toMatchObject({ ok: false, reason: 'outcome.result: expected a string, got number' });
  });
});
