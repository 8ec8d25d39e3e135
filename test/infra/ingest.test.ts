import { Template } from 'aws-cdk-lib/assertions';
import { resourceNames } from '../../shared/catalogue';
import { ConfigError, parseCustomerConfig } from '../../shared/config/customer-config';
import { customerConfig, nagViolations, providerConfig, resourcesOf, testApp } from './helpers';

describe('S3 log ingest', () => {
  const { app, stacks } = testApp([customerConfig({ ingestBuckets: ['acme-cloudtrail-logs', 'acme-flow-logs'] }), customerConfig({ tenantId: 'plain' })], providerConfig());
  const assemblyDir = app.synth().directory;
  const [withBuckets, plain] = stacks.customers;

  test('routes "Object Created" of the named buckets only to normalize', () => {
    const names = resourceNames('mdr-acme');
    const rule = Object.values(resourcesOf(Template.fromStack(withBuckets), 'AWS::Events::Rule')).find((r) => r.Properties?.Name === names.rule('s3-objects-to-normalize'));
    expect(rule?.Properties?.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['acme-cloudtrail-logs', 'acme-flow-logs'] } },
    });
  });

  test('lets normalize read objects of those buckets and nothing else of S3', () => {
    const roleId = withBuckets.getLogicalId(withBuckets.stages.normalize.role.node.defaultChild as never);
    const statements = Object.values(resourcesOf(Template.fromStack(withBuckets), 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
      .filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('s3:')));
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('s3:GetObject');
    expect(JSON.stringify(statements[0].Resource)).toContain('acme-cloudtrail-logs/*');
  });

  test('creates no S3 route for a customer without log buckets, and stays cdk-nag clean', () => {
    const names = resourceNames('mdr-plain');
    const rules = Object.values(resourcesOf(Template.fromStack(plain), 'AWS::Events::Rule')).map((r) => r.Properties?.Name);
    expect(rules).not.toContain(names.rule('s3-objects-to-normalize'));
    expect(nagViolations(assemblyDir)).toEqual([]);
  });

  test('names a bad bucket in the configuration', () => {
    const config = { tenantId: 'x', channels: { webhook: { kind: 'webhook', url: 'https://hooks.example.com/mdr' } }, ingestBuckets: ['ok-bucket', 'Not_A_Bucket'] };
    expect(() => parseCustomerConfig(config)).toThrow(ConfigError);
    expect(() => parseCustomerConfig(config)).toThrow(/ingestBuckets\[1\]/);
  });
});
