import { securityhub } from '../../../shared/normalize/sources/securityhub';
import { normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixture } from './helpers';

describe('securityhub', () => {
  const env = fixture('securityhub', 'eventbridge-imported.json');
  const findings = (env.detail as { findings: Record<string, unknown>[] }).findings;

  test('one event per finding in the envelope; raw = the ASFF finding', () => {
    expect(recognize(env)?.id).toBe('aws.securityhub');
    const evs = securityhub.normalize(env);
    expect(evs).toHaveLength(2);
    expectValid(evs);
    expect(evs[0].raw).toBe(findings[0]);
    expect(evs.map((e) => e.uid)).toEqual([findings[0].Id, findings[1].Id]);
    expect(evs[0].logsource).toEqual({ product: 'aws', service: 'securityhub' });
  });

  test('a control check → Compliance Finding with standards and status', () => {
    const [ev] = securityhub.normalize(findings[0]);
    expect(ev.ocsf).toMatchObject({
      class_uid: 2003,
      type_uid: 200302,
      severity_id: 4,
      status_id: 1,
      compliance: {
        standards: ['standards/aws-foundational-security-best-practices/v/1.0.0', 'standards/cis-aws-foundations-benchmark/v/3.0.0'],
        control: 'S3.8',
        status: 'FAILED',
        status_id: 3,
        requirements: ['NIST.800-53.r5 AC-3', 'CIS AWS Foundations Benchmark v3.0.0/2.1.4'],
      },
      resources: [{ uid: 'arn:aws:s3:::customer-exports', type: 'AwsS3Bucket', region: 'us-east-1', labels: ['team:data'] }],
      remediation: { references: ['https://docs.aws.amazon.com/console/securityhub/S3.8/remediation'] },
      metadata: { product: { name: 'Security Hub', vendor_name: 'AWS' } },
    });
  });

  test('a threat finding without Compliance → Detection Finding', () => {
    const [ev] = securityhub.normalize(findings[1]);
    expectValid([ev]);
    expect(ev.ocsf).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      severity_id: 2,
      is_alert: true,
      finding_info: { types: ['TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce'], src_url: expect.stringContaining('guardduty') },
      metadata: { product: { name: 'GuardDuty', vendor_name: 'Amazon' } },
    });
  });

  test('archived findings close; missing standards fall back to the generator', () => {
    const { Compliance: _c, ...rest } = findings[0];
    const [ev] = securityhub.normalize({ ...rest, RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } });
    expectValid([ev]);
    expect(ev.ocsf).toMatchObject({ activity_id: 3, compliance: { standards: ['security-control/S3.8'], status_id: 1 } });
  });

  test('a bad finding in the envelope names its index', () => {
    const bad = { ...env, detail: { findings: [findings[0], { ...findings[1], Title: 5 }] } };
    expect(normalizeRecord(bad)).toEqual({ ok: false, source: 'aws.securityhub', reason: 'detail.findings[1]: Title: expected a string, got number' });
    expect(normalizeRecord({ ...findings[0], Resources: [1] })).toMatchObject({ ok: false, reason: 'Resources[0]: expected an object' });
  });
});
