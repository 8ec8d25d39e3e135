import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { caseServiceEnvironment, type CaseApiProps } from './case-api';
import { ACK_API, ACK_API_ROUTES, Env } from '../../shared/catalogue';
import { createMdrFunction } from '../defaults/function';
import { grantTableReadWrite } from '../defaults/iam';
import { logGroupProps } from '../defaults/logs';
import { acknowledge } from '../nag';

/** What both HTTP APIs need: they act on cases through the same service. */
export type AckApiProps = Omit<CaseApiProps, 'childRetentionDays'>;

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
});

/**
 * The public acknowledgement API the on-call people reach from a page: a
 * signed link (GET confirms, POST acts), the Slack button and PagerDuty v3
 * webhooks. No IAM: each request proves itself with its own signature, checked
 * by the function against secrets in Secrets Manager. The link secret is
 * generated here; Slack's and PagerDuty's are filled in by operators.
 */
export class AckApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly url: string;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly linkSecret: secretsmanager.Secret;
  readonly slackSecret: secretsmanager.Secret;
  readonly pagerDutySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AckApiProps) {
    super(scope, id);
    const { key, names } = props;
    const secret = (sid: string, name: string, description: string) => {
      const s = new secretsmanager.Secret(this, sid, {
        secretName: `${names.prefix}/${name}`,
        description,
        encryptionKey: key,
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', passwordLength: 64, excludePunctuation: true },
      });
      acknowledge(s, 'AwsSolutions-SMG4', 'Ack secrets are shared with Slack/PagerDuty or with every issued link; operators rotate them by writing {"current","previous"} so both verify during the switch.');
      return s;
    };
    this.linkSecret = secret('LinkSecret', 'ack-link-signing', 'Signs acknowledgement links in notifications');
    this.slackSecret = secret('SlackSecret', 'slack-signing', "Slack app signing secret (replace with the app's value)");
    this.pagerDutySecret = secret('PagerDutySecret', 'pagerduty-webhook', 'PagerDuty v3 webhook subscription secret (replace with the value PagerDuty shows)');

    const parts = createMdrFunction(this, {
      spec: ACK_API,
      roleDescription: `${names.prefix} ack API function`,
      key,
      logRetentionDays: props.logRetentionDays,
      environment: {
        ...caseServiceEnvironment(props),
        [Env.ackLinkSecretId]: this.linkSecret.secretArn,
        [Env.slackSigningSecretId]: this.slackSecret.secretArn,
        [Env.pagerDutyWebhookSecretId]: this.pagerDutySecret.secretArn,
      },
    });
    this.function = parts.function;
    this.role = parts.role;
    grantTableReadWrite(this.role, props.tableArn, key);
    props.bus.grantPutEventsTo(this.role);
    for (const s of [this.linkSecret, this.slackSecret, this.pagerDutySecret]) s.grantRead(this.role);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${names.prefix}-ack-api`,
      description: `Acknowledgement API of ${names.prefix} (requests authenticated by their signatures)`,
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', logGroupProps(key, props.logRetentionDays));
    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT) },
    });
    this.url = stage.url.replace(/\/$/, '');
    const integration = new HttpLambdaIntegration('AckApiIntegration', this.function, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    for (const r of ACK_API_ROUTES) {
      const [route] = this.api.addRoutes({ path: r.path, methods: [apigwv2.HttpMethod[r.method]], integration });
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'Slack, PagerDuty and people opening a link from a page cannot sign with IAM; each request is authenticated by its own HMAC signature (link token, Slack v0, PagerDuty v3) in the function, and refused with 401/403 otherwise.',
      );
    }
  }
}
