import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CASE_API, CASE_API_ROUTES, CASE_PAGE_ROUTES, CaseTableKeys, Env, type ResourceNames } from '../../shared/catalogue';
import type { ResponseConfig } from '../../shared/config/response-config';
import { createMdrFunction } from '../defaults/function';
import { grantTableReadWrite } from '../defaults/iam';
import { logGroupProps } from '../defaults/logs';
import { acknowledge } from '../nag';

export interface CaseApiProps {
  readonly names: ResourceNames;
  readonly key: kms.IKey;
  readonly tenantId: string;
  readonly tableArn: string;
  readonly tableName: string;
  readonly bus: events.IEventBus;
  readonly logRetentionDays: number;
  readonly reopenWindowHours: number;
  readonly childRetentionDays: number;
  /** Stage-wide throttling (requests per second and burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

/** What the case page and response actions need beside the API itself. */
export interface CasePageProps {
  /** The ack link signing secret (owned by the AckApi construct): view tokens are signed with it. */
  readonly linkSecret: secretsmanager.ISecret;
  /** The customer's response configuration: which actions the page offers (the service enforces it too). */
  readonly responseConfig: ResponseConfig;
  /** The customer's runbook steps by rule id or tag, for case summaries. */
  readonly runbooks: Readonly<Record<string, readonly string[]>>;
}

/** What every function acting on cases through the case service reads: table, bus, tenant, reopen window. */
export function caseServiceEnvironment(props: Pick<CaseApiProps, 'tableName' | 'bus' | 'tenantId' | 'reopenWindowHours'>): Record<string, string> {
  return {
    [Env.tableName]: props.tableName,
    [Env.busName]: props.bus.eventBusName,
    [Env.tenantId]: props.tenantId,
    [Env.reopenWindowHours]: String(props.reopenWindowHours),
  };
}

/** One JSON line per request; `caller` is the IAM principal the request was signed by. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  account: '$context.identity.accountId',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

/**
 * The case API: an API Gateway HTTP API whose every `/cases` and `/metrics`
 * route requires IAM authorisation (SigV4; the caller's ARN reaches the
 * function and is the actor of each change), the case page routes
 * (`/view/…`) authorised by the signed view token in the function instead,
 * JSON access logs in an encrypted log group,
 * stage-wide throttling, and the case-api function with only the item
 * reads/writes, the `casesByTime` index query and PutEvents on the MDR bus
 * it needs.
 */
export class CaseApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly accessLogGroup: logs.LogGroup;
  readonly routes: readonly apigwv2.HttpRoute[];
  /** The case page routes (no IAM: the function checks each request's view token). */
  readonly pageRoutes: readonly apigwv2.HttpRoute[];
  /** Base URL of the API (the `$default` stage). */
  readonly url: string;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CaseApiProps & CasePageProps) {
    super(scope, id);
    const { key } = props;

    const parts = createMdrFunction(this, {
      spec: CASE_API,
      roleDescription: `${props.names.prefix} case API function`,
      key,
      logRetentionDays: props.logRetentionDays,
      environment: {
        ...caseServiceEnvironment(props),
        [Env.childRetentionDays]: String(props.childRetentionDays),
        [Env.ackLinkSecretId]: props.linkSecret.secretArn,
        [Env.responseConfig]: JSON.stringify(props.responseConfig),
        [Env.runbooks]: JSON.stringify(props.runbooks),
      },
    });
    this.function = parts.function;
    this.role = parts.role;
    this.logGroup = parts.logGroup;

    // Item reads and writes (transactions are authorised per item action), the listing index, case events.
    grantTableReadWrite(this.role, props.tableArn, key);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.tableArn}/index/${CaseTableKeys.casesByTimeIndex}`] }),
    );
    props.bus.grantPutEventsTo(this.role);
    // Verifies the case page's view tokens (signed with the ack link secret).
    props.linkSecret.grantRead(this.role);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${props.names.prefix}-case-api`,
      description: `Case API of ${props.names.prefix} (IAM-authorised)`,
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', logGroupProps(key, props.logRetentionDays));
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    this.url = this.stage.url;

    const integration = new HttpLambdaIntegration('CaseApiIntegration', this.function, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const authorizer = new HttpIamAuthorizer();
    this.routes = CASE_API_ROUTES.flatMap((r) =>
      this.api.addRoutes({
        path: r.path,
        methods: [apigwv2.HttpMethod[r.method]],
        integration,
        // Explicit on every route, not only through the API default.
        authorizer,
      }),
    );
    const none = new apigwv2.HttpNoneAuthorizer();
    this.pageRoutes = CASE_PAGE_ROUTES.flatMap((r) =>
      this.api.addRoutes({ path: r.path, methods: [apigwv2.HttpMethod[r.method]], integration, authorizer: none }),
    );
    for (const route of this.pageRoutes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'The case page is opened from a notification on a phone, which cannot sign with IAM; every request carries a signed, expiring view token (HMAC-SHA256 with the ack link secret) that the function verifies before showing or changing anything, answering 403 otherwise, as the ack API does.',
      );
    }

    this.serverErrorAlarm = this.api
      .metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'ServerErrorAlarm', {
        alarmDescription: `The case API of ${props.names.prefix} answered with 5xx errors; see the runbook "Case API server errors".`,
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}
