import { CfnElement, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Env, EventSources, PROVIDER_COMMAND_TYPES, resourceNames, STAGES, type StageId } from '../../shared/catalogue';
import type { CustomerConfig } from '../../shared/config/customer-config';
import { AnalystAccess } from '../constructs/analyst-access';
import { AckApi } from '../constructs/ack-api';
import { CaseApi } from '../constructs/case-api';
import { CaseTable } from '../constructs/case-table';
import { DataBucket } from '../constructs/data-bucket';
import { grantResponseActions } from '../constructs/response-actions';
import { geoDataFiles } from '../defaults/geo-data';
import { NODE_OPTIONS_BY_STAGE } from '../defaults/lambda';
import { EncryptionKey } from '../constructs/encryption-key';
import { MdrBus } from '../constructs/mdr-bus';
import { Operations } from '../constructs/operations';
import { PipelineRoutes } from '../constructs/pipeline-routes';
import { QuarantineQueue } from '../constructs/quarantine-queue';
import { QueueFedFunction } from '../constructs/queue-fed-function';
import { RulesArtifactBundle } from '../constructs/rules-artifact';
import { Sweeper } from '../constructs/sweeper';
import { LogsIngest } from '../constructs/logs-ingest';
import { logGroupHints, type LogGroupSource } from '../../shared/config/log-groups-config';
import { grantCorrelationState, grantKeyUse, grantNotifyChannels, grantSendToQueue, grantTableReadWrite } from '../defaults/iam';
import { EVIDENCE_PREFIX } from '../../shared/aws/evidence-store';
import { acknowledge } from '../nag';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface CustomerStackProps extends StackProps {
  /** Validated customer configuration (`parseCustomerConfig`). */
  readonly config: CustomerConfig;
}

/** The stages every deployment has; `commands` exists only when a provider is linked. */
export type CoreStageId = Exclude<StageId, 'commands'>;

/** The stage functions of a deployment. */
export type CustomerStages = Readonly<Record<CoreStageId, QueueFedFunction>> & { readonly commands?: QueueFedFunction };

/** Construct id of a stage: `normalize` → `Normalize`. */
function stageConstructId(id: StageId): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/**
 * One customer's MDR pipeline, deployed into the customer's account:
 * CloudTrail on the default bus → normalize → detect → findings on the MDR
 * bus → cases (DynamoDB) → case events → escalate → notify (signed
 * webhooks, PagerDuty, Slack, Teams, email, SMS); an IAM-authorised case
 * API. When a provider is configured: curated case events are forwarded to
 * the provider's bus, the provider's commands are accepted (its account,
 * `mdr.provider`, the command detail-types only) and applied by the
 * `commands` stage. Alarms go to one encrypted topic; one dashboard. Everything at rest is encrypted with one
 * customer-managed key; every stage is a QueueFedFunction.
 */
export class CustomerStack extends Stack {
  readonly config: CustomerConfig;
  readonly key: EncryptionKey;
  readonly bus: MdrBus;
  /** Where telemetry forwarders put their events (detail-type `Telemetry`). */
  readonly ingestBus: MdrBus;
  readonly table: CaseTable;
  readonly quarantine: QuarantineQueue;
  readonly rules: RulesArtifactBundle;
  /** Rules artifact (re-read by detect) and evidence too large to keep inline. */
  readonly data: DataBucket;
  readonly webhookSecret: secretsmanager.Secret;
  readonly stages: CustomerStages;
  readonly routes: PipelineRoutes;
  readonly caseApi: CaseApi;
  readonly ackApi: AckApi;
  /** Moves due escalation timers to the escalate queue every minute. */
  readonly sweeper: Sweeper;
  /** Present when `analystAccess` is configured. */
  readonly analystAccess?: AnalystAccess;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: CustomerStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { description: `Serverless MDR pipeline of tenant ${config.tenantId}`, ...stackProps });
    this.config = config;
    const names = resourceNames(config.resourcePrefix);

    this.key = new EncryptionKey(this, 'Key', { alias: names.prefix, description: `MDR data of tenant ${config.tenantId}` });
    const key = this.key.key;
    this.bus = new MdrBus(this, 'Bus', { busName: names.bus, key, description: `MDR findings and case events of tenant ${config.tenantId}` });
    // Telemetry forwarders (in this account) put their events here, apart from findings and case events.
    this.ingestBus = new MdrBus(this, 'IngestBus', { busName: names.ingestBus, key, description: `Telemetry forwarded to the MDR pipeline of tenant ${config.tenantId}` });
    this.table = new CaseTable(this, 'CaseTable', { tableName: names.table, key });
    this.quarantine = new QuarantineQueue(this, 'Quarantine', { queueName: names.quarantineQueue, key });
    this.data = new DataBucket(this, 'Data', { key, evidenceRetentionDays: config.childRetentionDays });
    // Rules re-read from the data bucket: an artifact uploaded there later takes effect without a code deploy.
    this.rules = new RulesArtifactBundle(this, 'Rules', { ruleDirs: config.ruleDirs, suppressions: config.suppressions, bucket: this.data.bucket });

    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSigningSecret', {
      secretName: names.webhookSecret,
      description: `Signing secret of the webhooks tenant ${config.tenantId} receives ({"current","previous"} during a rotation)`,
      encryptionKey: key,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    acknowledge(
      this.webhookSecret,
      'AwsSolutions-SMG4',
      'The webhook signing secret is shared with the webhook receivers; operators rotate it by hand (writing {"current","previous"} so both verify during the switch), which a rotation Lambda cannot coordinate with the receiving side.',
    );

    const common = { [Env.tenantId]: config.tenantId, [Env.quarantineQueueUrl]: this.quarantine.queue.queueUrl };
    const provider = config.provider;
    const stageEnv: Record<StageId, Record<string, string>> = {
      normalize: {},
      // The table holds correlation windows; detect touches it only for events that feed a correlation rule.
      detect: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.evidenceBucket]: this.data.bucket.bucketName,
        ...this.rules.environment,
      },
      cases: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.correlationWindowMinutes]: String(config.correlationWindowMinutes),
        [Env.maxAlertsPerCase]: String(config.maxAlertsPerCase),
        [Env.childRetentionDays]: String(config.childRetentionDays),
      },
      escalate: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.escalationPolicy]: JSON.stringify(config.escalation),
      },
      notify: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.channels]: JSON.stringify(config.channels),
        [Env.webhookSecretId]: this.webhookSecret.secretArn,
        [Env.caseLinkBase]: config.caseLinkBase,
      },
      enrich: {
        [Env.tableName]: this.table.table.tableName,
        [Env.childRetentionDays]: String(config.childRetentionDays),
        [Env.investigation]: JSON.stringify(config.investigation.source),
      },
      commands: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.providerAccountId]: provider?.accountId ?? '',
        [Env.reopenWindowHours]: String(config.reopenWindowHours),
        [Env.childRetentionDays]: String(config.childRetentionDays),
        // Provider requests for response actions pass the customer's gate here.
        [Env.responseConfig]: JSON.stringify(config.response),
      },
      respond: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.childRetentionDays]: String(config.childRetentionDays),
        [Env.responseConfig]: JSON.stringify(config.response),
        [Env.resourcePrefix]: names.prefix,
      },
    };

    const stages: Partial<Record<StageId, QueueFedFunction>> = {};
    for (const spec of Object.values(STAGES)) {
      // Provider commands have no sender without a provider: no stage, no rule, no bus policy.
      if (spec.id === 'commands' && !provider) continue;
      stages[spec.id] = new QueueFedFunction(this, stageConstructId(spec.id), {
        stage: spec,
        names,
        key,
        logRetentionDays: config.logRetentionDays,
        // Node options per stage from the one table the cold-start benchmark starts them with.
        environment: { ...common, ...(NODE_OPTIONS_BY_STAGE[spec.id] ? { NODE_OPTIONS: NODE_OPTIONS_BY_STAGE[spec.id] } : {}), ...stageEnv[spec.id] },
        ...(spec.id === 'detect' ? { bundleFiles: this.rules.bundleFiles } : {}),
        // Offline geolocation tables ride in the enrich bundle: no network look-ups at run time.
        ...(spec.id === 'enrich' ? { bundleFiles: geoDataFiles() } : {}),
      });
    }
    const core = stages as Record<CoreStageId, QueueFedFunction> & { commands?: QueueFedFunction };
    this.stages = core;

    // Queue URLs of downstream stages, known once every stage exists.
    core.normalize.function.addEnvironment(Env.detectQueueUrl, core.detect.queue.queueUrl);
    // normalize continues S3 objects too large for one invocation on its own queue.
    core.normalize.function.addEnvironment(Env.normalizeQueueUrl, core.normalize.queue.queueUrl);
    grantSendToQueue(core.normalize.role, core.normalize.queue.queueArn, key);
    core.escalate.function.addEnvironment(Env.notifyQueueUrl, core.notify.queue.queueUrl);
    // notify delays a retry with ChangeMessageVisibility on its own queue (covered by the consume grant).
    core.notify.function.addEnvironment(Env.notifyQueueUrl, core.notify.queue.queueUrl);

    // Least privilege, stage by stage. Every stage may quarantine what it cannot process.
    for (const s of Object.values(stages)) grantSendToQueue(s.role, this.quarantine.queue.queueArn, key);
    grantSendToQueue(core.normalize.role, core.detect.queue.queueArn, key);
    this.bus.bus.grantPutEventsTo(core.detect.role);
    grantCorrelationState(core.detect.role, this.table.table.tableArn, key);
    grantTableReadWrite(core.cases.role, this.table.table.tableArn, key);
    this.bus.bus.grantPutEventsTo(core.cases.role);
    grantTableReadWrite(core.escalate.role, this.table.table.tableArn, key);
    grantSendToQueue(core.escalate.role, core.notify.queue.queueArn, key);
    // CaseEscalated and EscalationExhausted events.
    this.bus.bus.grantPutEventsTo(core.escalate.role);
    grantTableReadWrite(core.notify.role, this.table.table.tableArn, key);
    // NotificationFailed events.
    this.bus.bus.grantPutEventsTo(core.notify.role);
    this.webhookSecret.grantRead(core.notify.role);
    const channelAccess = grantNotifyChannels(core.notify.role, config.channels, { partition: this.partition, region: this.region, account: this.account });
    if (channelAccess.smsPublish) {
      acknowledge(
        core.notify.role,
        'AwsSolutions-IAM5[Resource::*]',
        'sns:Publish straight to a phone number (SMS channels) has no resource ARN to name, so IAM requires Resource "*" for it; the statement allows sns:Publish only, and the notify stage publishes only to numbers from its configuration.',
      );
    }
    if (core.commands) {
      grantTableReadWrite(core.commands.role, this.table.table.tableArn, key);
      this.bus.bus.grantPutEventsTo(core.commands.role);
    }
    // detect: the rules artifact, and evidence too large to ride with its finding.
    this.rules.grantRead(core.detect.role);
    core.detect.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.data.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`)] }));
    grantKeyUse(core.detect.role, key, ['kms:Decrypt', 'kms:GenerateDataKey']);
    acknowledge(
      core.detect.role,
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.data.bucket.node.defaultChild as CfnElement)}.Arn>/${EVIDENCE_PREFIX}*]`,
      'detect writes the events a finding cannot carry inline under evidence/<tenant>/<finding id>/; the keys are per finding, known only at run time; PutObject only, under that prefix only.',
    );
    // enrich: the case it enriches, its enrichment item and timeline; the customer's context objects in S3.
    grantTableReadWrite(core.enrich.role, this.table.table.tableArn, key);
    if (config.investigation.objects.length) {
      core.enrich.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: config.investigation.objects.map((o) => `arn:${this.partition}:s3:::${o.bucket}/${o.key}`) }),
      );
    }
    // respond: its request items and case events, and only the AWS actions the customer enabled.
    grantTableReadWrite(core.respond.role, this.table.table.tableArn, key);
    this.bus.bus.grantPutEventsTo(core.respond.role);
    grantResponseActions(core.respond.role, config.response, { prefix: names.prefix, partition: this.partition, region: this.region, account: this.account });

    if (provider) {
      // Provider -> customer commands: only the provider account, only mdr.provider, only the command detail-types.
      this.bus.allowPutEventsFrom({
        sid: 'ProviderCommands',
        accountIds: [provider.accountId],
        source: EventSources.provider,
        detailTypes: PROVIDER_COMMAND_TYPES,
      });
    }

    this.routes = new PipelineRoutes(this, 'Routes', {
      names,
      key,
      mdrBus: this.bus.bus,
      ingestBus: this.ingestBus.bus,
      stageQueues: Object.fromEntries(Object.entries(stages).map(([id, s]) => [id, s.queue])),
      provider,
      ingestBuckets: config.ingestBuckets,
      eventSources: config.eventSources,
    });
    // normalize reads the log files it is told about, in those buckets only.
    if (config.ingestBuckets.length) {
      core.normalize.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: config.ingestBuckets.map((b) => `arn:${this.partition}:s3:::${b}/*`),
        }),
      );
      for (const b of config.ingestBuckets) {
        acknowledge(
          core.normalize.role,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${b}/*]`,
          'normalize reads any new object of a configured log bucket (its keys are dated paths written by AWS services); the statement allows s3:GetObject only, on those buckets only.',
        );
      }
    }

    // CloudWatch Logs subscriptions (config `logGroups`) through the logs-ingest function onto the normalize queue.
    const logGroups: readonly LogGroupSource[] = config.logGroups;
    const logsIngest = logGroups.length
      ? new LogsIngest(this, 'LogsIngest', { names, key, normalizeQueue: core.normalize.queue, logGroups, logRetentionDays: config.logRetentionDays })
      : undefined;
    const hints = logGroupHints(logGroups);
    if (hints) core.normalize.function.addEnvironment(Env.logGroupHints, JSON.stringify(hints));

    // The two HTTP APIs act on cases through the same service: same table, bus, settings.
    const apiProps = {
      names,
      key,
      tenantId: config.tenantId,
      tableArn: this.table.table.tableArn,
      tableName: this.table.table.tableName,
      bus: this.bus.bus,
      logRetentionDays: config.logRetentionDays,
      reopenWindowHours: config.reopenWindowHours,
      throttle: config.apiThrottle,
    };
    this.ackApi = new AckApi(this, 'AckApi', apiProps);
    // Slack clicks are accepted from the customer's workspace(s) only, when the channels name them.
    const slackTeams = Object.values(config.channels).flatMap((c) => (c.kind === 'slack' && c.teamId ? [c.teamId] : []));
    if (slackTeams.length) this.ackApi.function.addEnvironment(Env.slackTeamIds, [...new Set(slackTeams)].join(','));
    // The case page's view links are signed with the ack link secret the AckApi owns.
    this.caseApi = new CaseApi(this, 'CaseApi', {
      ...apiProps,
      childRetentionDays: config.childRetentionDays,
      linkSecret: this.ackApi.linkSecret,
      responseConfig: config.response,
      runbooks: config.investigation.runbooks,
    });
    // Pages carry signed ack links to it, and signed view links to the case page.
    core.notify.function.addEnvironment(Env.ackApiUrl, this.ackApi.url);
    core.notify.function.addEnvironment(Env.ackLinkSecretId, this.ackApi.linkSecret.secretArn);
    core.notify.function.addEnvironment(Env.caseApiUrl, this.caseApi.url);
    this.ackApi.linkSecret.grantRead(core.notify.role);

    this.sweeper = new Sweeper(this, 'Sweeper', {
      names,
      key,
      tableArn: this.table.table.tableArn,
      tableName: this.table.table.tableName,
      escalateQueue: core.escalate.queue,
      logRetentionDays: config.logRetentionDays,
    });

    if (config.analystAccess) {
      this.analystAccess = new AnalystAccess(this, 'AnalystAccess', {
        prefix: names.prefix,
        analystRoleArn: config.analystAccess.roleArn,
        externalId: config.analystAccess.externalId,
        tableArn: this.table.table.tableArn,
        key,
      });
    }

    this.operations = new Operations(this, 'Operations', {
      prefix: names.prefix,
      tenantId: config.tenantId,
      key,
      alarmEmails: config.alarmEmails,
      stages: Object.values(stages).map((s) => ({ id: s.node.id, function: s.function, queue: s.queue, deadLetterQueue: s.deadLetterQueue })),
      functions: [
        { id: 'CaseApi', function: this.caseApi.function },
        { id: 'AckApi', function: this.ackApi.function },
        { id: 'Sweeper', function: this.sweeper.function },
        ...(logsIngest ? [{ id: 'LogsIngest', function: logsIngest.function }] : []),
      ],
      quarantineQueue: this.quarantine.queue,
      targetDeadLetterQueue: this.routes.targetDeadLetterQueue,
      busName: names.bus,
      rules: this.routes.rules,
      api: {
        count: this.caseApi.api.metricCount({ statistic: 'Sum' }),
        clientErrors: this.caseApi.api.metricClientError({ statistic: 'Sum' }),
        serverErrors: this.caseApi.api.metricServerError({ statistic: 'Sum' }),
        latency: this.caseApi.api.metricLatency({ statistic: 'p99' }),
      },
    });
    // Last: every alarm of the stack, whoever created it, goes to the alarm topic.
    this.operations.wireAlarms(this);

    new CfnOutput(this, 'BusName', { value: this.bus.bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: this.bus.bus.eventBusArn });
    new CfnOutput(this, 'IngestBusName', { value: this.ingestBus.bus.eventBusName, description: 'Telemetry forwarders put events here: detail-type "Telemetry", the vendor record as detail' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'QuarantineQueueUrl', { value: this.quarantine.queue.queueUrl });
    for (const s of Object.values(stages)) new CfnOutput(this, `${s.node.id}QueueUrl`, { value: s.queue.queueUrl });
    new CfnOutput(this, 'AckApiUrl', { value: this.ackApi.url, description: 'Public ack API (Slack interactivity URL: <url>/slack/actions; PagerDuty webhook: <url>/pagerduty/webhook)' });
    new CfnOutput(this, 'CaseApiUrl', { value: this.caseApi.url, description: 'Case API base URL (IAM/SigV4-signed requests only)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: names.prefix });
    if (this.analystAccess) {
      new CfnOutput(this, 'AnalystRoleArn', { value: this.analystAccess.role.roleArn, description: "Give this ARN and the external id to the provider's analysts" });
    }
    new CfnOutput(this, 'RulesDigest', { value: this.rules.digest, description: 'Digest of the rules artifact in the detect bundle' });
  }
}
