import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACK_API_ROUTES, Env } from '../../shared/catalogue';
import { customerConfig, nagViolations, providerConfig, resourcesOf, testApp } from './helpers';

describe('ack API', () => {
  const { app, stacks } = testApp([customerConfig()], providerConfig());
  const assemblyDir = app.synth().directory;
  const stack = stacks.customers[0];
  const template = Template.fromStack(stack);

  test('serves exactly the four signature-checked routes, with no IAM authorizer', () => {
    const apiId = stack.getLogicalId(stack.ackApi.api.node.defaultChild as never);
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter((r) => JSON.stringify(r.Properties?.ApiId).includes(apiId));
    expect(routes.map((r) => r.Properties?.RouteKey).sort()).toEqual(ACK_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of routes) expect(r.Properties?.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  test('gives notify the ack API URL and the link secret, never the secret value', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [Env.ackApiUrl]: Match.anyValue(), [Env.ackLinkSecretId]: Match.anyValue() }) },
    });
    const env = JSON.stringify(Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map((f) => f.Properties?.Environment));
    expect(env).not.toMatch(/SecretString|GenerateSecretString/);
  });

  test('keeps its secrets encrypted with the customer key and cdk-nag quiet', () => {
    const secrets = Object.values(resourcesOf(template, 'AWS::SecretsManager::Secret'));
    const named = secrets.filter((s) => /ack-link-signing|slack-signing|pagerduty-webhook/.test(String(s.Properties?.Name)));
    expect(named).toHaveLength(3);
    for (const s of named) expect(s.Properties?.KmsKeyId).toBeDefined();
    expect(nagViolations(assemblyDir)).toEqual([]);
  });
});
