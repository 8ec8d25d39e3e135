import { Template } from 'aws-cdk-lib/assertions';
import { CASE_API_ROUTES, CASE_PAGE_ROUTES, Env } from '../../shared/catalogue';
import { customerConfig, nagViolations, providerConfig, refId, resourcesOf, testApp } from './helpers';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** The case page on the case API: unauthenticated routes whose requests prove themselves with a view token. */
describe('case page routes', () => {
  const { app, stacks } = testApp([customerConfig()], providerConfig());
  const assemblyDir = app.synth().directory;
  const stack = stacks.customers[0];
  const template = Template.fromStack(stack);
  const apiId = stack.getLogicalId(stack.caseApi.api.node.defaultChild as never);
  const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter((r) => JSON.stringify(r.Properties?.ApiId).includes(apiId));
  const auth = (key: string) => routes.find((r) => r.Properties?.RouteKey === key)?.Properties?.AuthorizationType;

  test('the page routes have no IAM authorizer, and every /cases and /metrics route keeps AWS_IAM', () => {
    for (const r of CASE_PAGE_ROUTES) expect({ route: `${r.method} ${r.path}`, auth: auth(`${r.method} ${r.path}`) }).toEqual({ route: `${r.method} ${r.path}`, auth: 'NONE' });
    for (const r of CASE_API_ROUTES) expect({ route: `${r.method} ${r.path}`, auth: auth(`${r.method} ${r.path}`) }).toEqual({ route: `${r.method} ${r.path}`, auth: 'AWS_IAM' });
    // Nothing else: no unauthenticated route outside /view/.
    expect(routes).toHaveLength(CASE_API_ROUTES.length + CASE_PAGE_ROUTES.length);
    for (const r of routes) if (!String(r.Properties?.RouteKey).includes(' /view/')) expect(r.Properties?.AuthorizationType).toBe('AWS_IAM');
    expect(CASE_API_ROUTES.map((r) => r.path)).toEqual(expect.arrayContaining(['/cases/{id}/actions', '/cases/{id}/actions/{requestId}/{verb}']));
  });

  test('the case API function can read the ack link secret, and is told its id, the response policy and runbooks', () => {
    const fnId = stack.getLogicalId(stack.caseApi.function.node.defaultChild as never);
    const vars = resourcesOf(template, 'AWS::Lambda::Function')[fnId].Properties?.Environment as { Variables: Record<string, unknown> };
    const secretId = stack.getLogicalId(stack.ackApi.linkSecret.node.defaultChild as never);
    expect(refId(vars.Variables[Env.ackLinkSecretId])).toBe(secretId);
    expect(JSON.parse(String(vars.Variables[Env.responseConfig]))).toMatchObject({ dryRun: false, actions: expect.any(Object) });
    expect(JSON.parse(String(vars.Variables[Env.runbooks]))).toEqual(expect.any(Object));

    const roleId = stack.getLogicalId(stack.caseApi.role.node.defaultChild as never);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => (p.Properties?.Roles as unknown[]).some((r) => refId(r) === roleId))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    const read = statements.find((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(read?.Effect).toBe('Allow');
    expect(refId(read?.Resource)).toBe(secretId);
    // The API only requests response actions: it gets no IAM, EC2 or WAF permission to run them.
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.filter((a) => /^(iam|ec2|wafv2):/.test(a))).toEqual([]);
  });

  test('notifications link to the case page: notify knows the case API URL and can read the link secret', () => {
    const fnId = stack.getLogicalId(stack.stages.notify.function.node.defaultChild as never);
    const vars = (resourcesOf(template, 'AWS::Lambda::Function')[fnId].Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars[Env.caseApiUrl]).toBeDefined();
    expect(refId(vars[Env.ackLinkSecretId])).toBe(stack.getLogicalId(stack.ackApi.linkSecret.node.defaultChild as never));
  });

  test('cdk-nag is quiet: the unauthenticated page routes are acknowledged with their reason', () => {
    expect(nagViolations(assemblyDir)).toEqual([]);
  });
});
