import { guardduty, guardDutySeverity } from '../../../shared/normalize/sources/guardduty';
import { recognize } from '../../../shared/normalize/registry';
import { NormalizeError } from '../../../shared/normalize/source';
import { expectValid, fixture } from './helpers';

describe('guardduty', () => {
  const env = fixture('guardduty', 'eventbridge-ssh-bruteforce.json');
  const bare = fixture('guardduty', 'finding-malicious-ip-caller.json');

  test('EventBridge finding → Detection Finding, raw = the finding', () => {
    expect(recognize(env)?.id).toBe('aws.guardduty');
    const [ev] = guardduty.normalize(env);
    expectValid([ev]);
    expect(ev.raw).toBe(env.detail);
    expect(ev.uid).toBe('a4c6b1f2e3d4c5b6a7f8e9d0c1b2a3f4');
    expect(ev.logsource).toEqual({ product: 'aws', service: 'guardduty' });
    expect(ev.time).toBe(Date.parse('2026-03-02T12:30:01.009Z'));
    expect(ev.ocsf).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 2, // updated after creation
      type_uid: 200402,
      severity_id: 2,
      status_id: 1,
      is_alert: true,
      finding_info: {
        uid: expect.stringContaining('/finding/a4c6b1f2e3d4c5b6a7f8e9d0c1b2a3f4'),
        title: expect.stringContaining('SSH brute force'),
        types: ['UnauthorizedAccess:EC2/SSHBruteForce'],
        first_seen_time: Date.parse('2026-03-02T11:58:02.000Z'),
      },
      resources: [{ uid: 'i-0a1b2c3d4e5f60718', type: 'AwsEc2Instance', region: 'eu-west-1' }],
      src_endpoint: { ip: '198.51.100.66', port: 40022, location: { city: 'Amsterdam', country: 'Netherlands', lat: 52.37, long: 4.89 } },
      cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: '111122223333' } },
      unmapped: { count: 14, actionType: 'NETWORK_CONNECTION' },
    });
  });

  test('bare finding with an API call action; archived → Close/Suppressed', () => {
    expect(guardduty.recognize(bare)).toBe(true);
    const [ev] = guardduty.normalize(bare);
    expectValid([ev]);
    expect(ev.ocsf).toMatchObject({
      activity_id: 3,
      status_id: 3,
      is_alert: false,
      severity_id: 4,
      api: { operation: 'ListBuckets', service: { name: 's3.amazonaws.com' } },
      resources: [{ uid: 'ASIAEXAMPLEKEY00009', name: 'ci-runner', type: 'AwsIamAccessKey' }],
      src_endpoint: { ip: '203.0.113.250' },
    });
  });

  test('severity bands', () => {
    expect([0, 1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(guardDutySeverity)).toEqual([0, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  test('bad input', () => {
    expect(() => guardduty.normalize({ ...bare, severity: 'HIGH' })).toThrow(new NormalizeError('severity: expected a number, got string'));
    expect(() => guardduty.normalize({ ...bare, updatedAt: 'soon' })).toThrow(/updatedAt: not a timestamp/);
    expect(() => guardduty.normalize({ ...env, detail: { id: 'x', type: 'y', severity: 1, updatedAt: '2026-01-01T00:00:00Z' } })).toThrow(/service: missing required field/);
  });
});
