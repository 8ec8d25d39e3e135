import { cloudtrail, apiActivityId } from '../../../shared/normalize/sources/cloudtrail';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { NormalizeError } from '../../../shared/normalize/source';
import { expectValid, fixture } from './helpers';

describe('cloudtrail', () => {
  const logFile = fixture('cloudtrail', 'logfile.json');
  const records = logFile.Records as Record<string, unknown>[];

  test('EventBridge API call → API Activity with raw = the CloudTrail record', () => {
    const env = fixture('cloudtrail', 'eventbridge-create-user.json');
    expect(cloudtrail.recognize(env)).toBe(true);
    const [ev] = cloudtrail.normalize(env);
    expectValid([ev]);
    expect(ev.raw).toBe(env.detail);
    expect(ev.raw.eventName).toBe('CreateUser');
    expect(ev.uid).toBe('b8a9c0d1-2e3f-4a5b-8c6d-7e8f9a0b1c2d');
    expect(ev.source).toBe('aws.cloudtrail');
    expect(ev.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
    expect(ev.time).toBe(Date.parse('2026-03-02T09:14:07Z'));
    expect(ev.ocsf).toMatchObject({
      class_uid: 6003,
      category_uid: 6,
      activity_id: 1,
      type_uid: 600301,
      status_id: 1,
      api: { operation: 'CreateUser', service: { name: 'iam.amazonaws.com' }, request: { uid: '0f3c2a57-36c4-4d7e-9a0b-5a1e2f7d6c11' } },
      src_endpoint: { ip: '198.51.100.23' },
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '111122223333' } },
      metadata: { version: '1.3.0', uid: 'b8a9c0d1-2e3f-4a5b-8c6d-7e8f9a0b1c2d', original_time: '2026-03-02T09:14:07Z', product: { name: 'CloudTrail', vendor_name: 'AWS' } },
      actor: {
        user: { uid: 'AIDAEXAMPLEPRINCIPAL1', name: 'ops-admin', type: 'IAMUser', account: { uid: '111122223333' }, credential_uid: 'ASIAEXAMPLEKEY00001' },
        session: { is_mfa: true, created_time: Date.parse('2026-03-02T08:55:41Z') },
      },
      http_request: { user_agent: expect.stringContaining('aws-cli/2.15.30') },
      unmapped: { requestParameters: { userName: 'backup-svc' }, eventbridge_id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718' },
    });
  });

  test('the same record from S3 and from EventBridge gives the same raw and uid', () => {
    const env = fixture('cloudtrail', 'eventbridge-create-user.json');
    const bare = env.detail as Record<string, unknown>;
    const [a] = cloudtrail.normalize(env);
    const [b] = cloudtrail.normalize(bare);
    expect(b.raw).toEqual(a.raw);
    expect(b.uid).toBe(a.uid);
    expect(b.ocsf.api).toEqual(a.ocsf.api);
  });

  test('console sign-in success and failure → Authentication 3002', () => {
    const [ok] = cloudtrail.normalize(records[0]);
    const [bad] = cloudtrail.normalize(records[1]);
    expectValid([ok, bad]);
    expect(ok.ocsf).toMatchObject({ class_uid: 3002, activity_id: 1, type_uid: 300201, status_id: 1, is_mfa: true, user: { name: 'alice' }, src_endpoint: { ip: '203.0.113.77' } });
    expect(bad.ocsf).toMatchObject({ class_uid: 3002, status_id: 2, status_detail: 'Failed authentication', is_mfa: false, severity_id: 3 });
    expect(bad.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
  });

  test('EventBridge console sign-in envelope (root) → Authentication', () => {
    const [ev] = cloudtrail.normalize(fixture('cloudtrail', 'eventbridge-console-signin.json'));
    expectValid([ev]);
    expect(ev.ocsf).toMatchObject({ class_uid: 3002, user: { type: 'Root', uid: '111122223333' } });
  });

  test('activity from the eventName verb; readOnly wins; errors set Failure', () => {
    const evs = records.slice(2).map((r) => cloudtrail.normalize(r)[0]);
    expectValid(evs);
    const [run, get, del, rotate] = evs;
    expect(run.ocsf).toMatchObject({ activity_id: 1, actor: { user: { name: 'DeployRole', uid_alt: 'arn:aws:sts::111122223333:assumed-role/DeployRole/deploy-session' }, session: { issuer: 'arn:aws:iam::111122223333:role/DeployRole', is_mfa: false } } });
    expect(get.ocsf).toMatchObject({ activity_id: 2, resources: [{ uid: 'arn:aws:s3:::customer-exports/2026/03/report.csv', type: 'AWS::S3::Object' }, { type: 'AWS::S3::Bucket', owner: { account: { uid: '111122223333' } } }] });
    expect(del.ocsf).toMatchObject({ activity_id: 4, status_id: 2, status_code: 'AccessDenied', api: { response: { error: 'AccessDenied' } } });
    // AWS service events have no user, only the invoking service.
    expect(rotate.ocsf).toMatchObject({ activity_id: 3, actor: { invoked_by: 'kms.amazonaws.com' }, src_endpoint: { domain: 'kms.amazonaws.com' } });
    expect(apiActivityId('DescribeInstances', false)).toBe(2);
    expect(apiActivityId('PutBucketPolicy', false)).toBe(3);
    expect(apiActivityId('FrobnicateWidget', false)).toBe(99);
  });

  test('a whole log file yields one event per record', () => {
    expect(cloudtrail.recognize(logFile)).toBe(true);
    const evs = cloudtrail.normalize(logFile);
    expect(evs).toHaveLength(records.length);
    expectValid(evs);
    expect(new Set(evs.map((e) => e.uid)).size).toBe(records.length);
  });

  test('wrong field types and missing fields are NormalizeErrors, not TypeErrors', () => {
    const base = records[2];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, eventTime: 12 }, /eventTime: expected a timestamp string/],
      [{ ...base, eventTime: 'yesterday' }, /eventTime: not a timestamp/],
      [{ ...base, userIdentity: 'root' }, /userIdentity: expected an object/],
      [{ ...base, userIdentity: { type: 7 } }, /userIdentity.type: expected a string/],
      [{ ...base, resources: {} }, /resources: expected an array/],
      [{ ...base, requestParameters: 'x' }, /requestParameters: expected an object/],
    ];
    for (const [rec, re] of cases) {
      expect(() => cloudtrail.normalize(rec)).toThrow(NormalizeError);
      expect(() => cloudtrail.normalize(rec)).toThrow(re);
    }
    const withBadRecord = { Records: [base, { ...base, eventTime: 5 }] };
    expect(() => cloudtrail.normalize(withBadRecord)).toThrow(/Records\[1\]: eventTime/);
  });

  test('does not claim S3 notifications or other JSON', () => {
    expect(cloudtrail.recognize({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2026-01-01T00:00:00Z' }] })).toBe(false);
    expect(cloudtrail.recognize({ eventName: 'x' })).toBe(false);
    expect(cloudtrail.recognize({ 'detail-type': 'GuardDuty Finding', detail: {} })).toBe(false);
  });

  test('via the registry', () => {
    const r = normalizeRecord(fixture('cloudtrail', 'eventbridge-create-user.json'));
    expect(r.ok).toBe(true);
  });
});
