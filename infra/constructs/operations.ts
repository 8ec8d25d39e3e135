import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { RouteId } from '../../shared/catalogue';
import { quarantineRatioAlarm } from '../defaults/alarms';

/** A queue-fed stage as the dashboard and alarms see it. */
export interface OperatedStage {
  readonly id: string;
  readonly function: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface OperationsProps {
  readonly prefix: string;
  /** The deployment's key; the alarm topic is encrypted with it. */
  readonly key: kms.Key;
  readonly alarmEmails: readonly string[];
  readonly stages: readonly OperatedStage[];
  /** Functions that are not queue-fed (the case API). */
  readonly functions: readonly { readonly id: string; readonly function: lambda.IFunction }[];
  readonly quarantineQueue: sqs.IQueue;
  readonly targetDeadLetterQueue: sqs.IQueue;
  /** Name of the MDR bus and the rules on it, for the matched-events panels. */
  readonly busName: string;
  readonly rules: Readonly<Partial<Record<RouteId, events.IRule>>>;
  /**
   * Tenant whose normalize batch metrics (EMF, namespace `MDR`) the
   * quarantine-ratio alarm and the telemetry panel read; absent = neither.
   */
  readonly tenantId?: string;
  /** Case API metrics, when the API exists. */
  readonly api?: { readonly count: cloudwatch.IMetric; readonly clientErrors: cloudwatch.IMetric; readonly serverErrors: cloudwatch.IMetric; readonly latency: cloudwatch.IMetric };
}

/** Oldest message a stage queue may hold before the backlog alarm fires. */
export const QUEUE_AGE_ALARM_SECONDS = 900;
/** Records quarantined in five minutes that count as a burst of bad input (a broken source or parser). */
export const QUARANTINE_RATE_ALARM_PER_5_MIN = 100;
/**
 * Share of normalize's input records quarantined, per 5 minutes, three periods
 * in a row, that means a source's format or a parser is broken; periods with
 * fewer than QUARANTINE_RATIO_MIN_RECORDS records in do not count.
 */
export const QUARANTINE_RATIO_ALARM_PERCENT = 5;
export const QUARANTINE_RATIO_MIN_RECORDS = 100;

/** Alarm ids the runbooks are named after (docs/runbooks.md). */
export const RUNBOOKS = {
  functionErrors: 'function-errors',
  queueAge: 'queue-age',
  deadLetter: 'dead-letter-queue-depth',
  targetDeadLetter: 'target-dead-letter-queue-depth',
  quarantineDepth: 'quarantine-depth',
  quarantineRate: 'quarantine-rate',
  quarantineRatio: 'quarantine-ratio',
  logsIngestDeadLetter: 'logs-ingest-dead-letter',
  apiServerErrors: 'case-api-server-errors',
} as const;

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Operations of one customer stack: alarms on function errors, stage queue
 * age and quarantine rate (dead-letter and quarantine depth alarms come with
 * their queues), every alarm of the stack wired to one KMS-encrypted SNS
 * topic with the configured email subscribers, and a CloudWatch dashboard.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `MDR ${props.prefix} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own; let CloudWatch alarms of this account publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    // CloudWatch publishes to the encrypted topic through SNS, which uses the key on its behalf.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsThroughSns',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
      }),
    );
    for (const email of props.alarmEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    for (const f of [...props.stages, ...props.functions]) {
      this.alarms.push(
        f.function.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }).createAlarm(this, `${f.id}-FunctionErrors`, {
          alarmDescription: `${props.prefix} ${f.id}: the function failed (crash, timeout or throttle). Runbook: ${RUNBOOKS.functionErrors}.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const s of props.stages) {
      this.alarms.push(
        s.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }).createAlarm(this, `${s.id}-QueueAge`, {
          alarmDescription: `${props.prefix} ${s.id}: the oldest queued message is older than ${QUEUE_AGE_ALARM_SECONDS} s (backlog). Runbook: ${RUNBOOKS.queueAge}.`,
          threshold: QUEUE_AGE_ALARM_SECONDS,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.alarms.push(
      props.quarantineQueue.metricNumberOfMessagesSent({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }).createAlarm(this, 'QuarantineRate', {
        alarmDescription: `${props.prefix}: more than ${QUARANTINE_RATE_ALARM_PER_5_MIN} records quarantined in 5 minutes. Runbook: ${RUNBOOKS.quarantineRate}.`,
        threshold: QUARANTINE_RATE_ALARM_PER_5_MIN,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    if (props.tenantId) {
      this.alarms.push(
        quarantineRatioAlarm(this, 'QuarantineRatio', {
          tenantId: props.tenantId,
          stage: 'normalize',
          percent: QUARANTINE_RATIO_ALARM_PERCENT,
          minRecords: QUARANTINE_RATIO_MIN_RECORDS,
          period: FIVE_MINUTES,
          evaluationPeriods: 3,
          description: `${props.prefix} normalize: more than ${QUARANTINE_RATIO_ALARM_PERCENT}% of input records quarantined for 15 minutes (metric MDR Quarantined / RecordsIn, tenant ${props.tenantId}). Runbook: ${RUNBOOKS.quarantineRatio}.`,
        }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.prefix,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `# MDR ${props.prefix}\nAlarms: docs/runbooks.md. Redrive a dead-letter queue with \`aws sqs start-message-move-task\`.`, width: 24, height: 2 }));

    const matched = (route: RouteId, label: string): cloudwatch.IMetric[] => {
      const rule = props.rules[route];
      if (!rule) return [];
      return [
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'MatchedEvents',
          dimensionsMap: { EventBusName: props.busName, RuleName: rule.ruleName },
          statistic: cloudwatch.Stats.SUM,
          period: FIVE_MINUTES,
          label,
        }),
      ];
    };
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Findings, case events, provider commands (matched events / 5 min)',
        width: 12,
        left: [
          ...matched('findings-to-cases', 'findings'),
          ...matched('case-events-to-escalate', 'case events (open/ack/resolve)'),
          ...matched('case-events-to-provider', 'case events to provider'),
          ...matched('provider-commands', 'provider commands'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Quarantine and target dead-letter queue',
        width: 12,
        left: [
          props.quarantineQueue.metricApproximateNumberOfMessagesVisible({ label: 'quarantine depth', statistic: cloudwatch.Stats.MAXIMUM }),
          props.targetDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'target DLQ depth', statistic: cloudwatch.Stats.MAXIMUM }),
        ],
        right: [props.quarantineQueue.metricNumberOfMessagesSent({ label: 'quarantined / 5 min', statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES })],
      }),
    );

    if (props.tenantId) {
      const telemetry = (metricName: string, label: string) =>
        new cloudwatch.Metric({ namespace: 'MDR', metricName, dimensionsMap: { tenant: props.tenantId as string, stage: 'normalize' }, statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, label });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'normalize: records in, events out, quarantined (per 5 min)',
          width: 24,
          left: [telemetry('RecordsIn', 'records in'), telemetry('EventsOut', 'events out')],
          right: [telemetry('Quarantined', 'quarantined'), telemetry('Continuations', 'S3 continuations')],
        }),
      );
    }

    for (const s of props.stages) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${s.id}: invocations and errors`,
          width: 6,
          left: [s.function.metricInvocations({ statistic: cloudwatch.Stats.SUM }), s.function.metricErrors({ statistic: cloudwatch.Stats.SUM })],
          right: [s.function.metricThrottles({ statistic: cloudwatch.Stats.SUM })],
        }),
        new cloudwatch.GraphWidget({
          title: `${s.id}: duration`,
          width: 6,
          left: [s.function.metricDuration({ statistic: cloudwatch.Stats.AVERAGE }), s.function.metricDuration({ statistic: cloudwatch.Stats.p(99) })],
        }),
        new cloudwatch.GraphWidget({
          title: `${s.id}: queue depth and age`,
          width: 6,
          left: [s.queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM })],
          right: [s.queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM })],
        }),
        new cloudwatch.GraphWidget({
          title: `${s.id}: dead-letter queue depth`,
          width: 6,
          left: [s.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM })],
        }),
      );
    }

    for (const f of props.functions) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${f.id}: invocations and errors`,
          width: 6,
          left: [f.function.metricInvocations({ statistic: cloudwatch.Stats.SUM }), f.function.metricErrors({ statistic: cloudwatch.Stats.SUM })],
        }),
        new cloudwatch.GraphWidget({
          title: `${f.id}: duration`,
          width: 6,
          left: [f.function.metricDuration({ statistic: cloudwatch.Stats.AVERAGE }), f.function.metricDuration({ statistic: cloudwatch.Stats.p(99) })],
        }),
      );
    }
    if (props.api) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'case API: requests and errors', width: 6, left: [props.api.count, props.api.clientErrors, props.api.serverErrors] }),
        new cloudwatch.GraphWidget({ title: 'case API: latency', width: 6, left: [props.api.latency] }),
      );
    }
  }

  /** Sends every alarm in `scope` (the stack) to the alarm topic, on alarm and when it recovers. */
  wireAlarms(scope: IConstruct): cloudwatch.Alarm[] {
    const all = scope.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
    const action = new cwActions.SnsAction(this.topic);
    for (const a of all) {
      a.addAlarmAction(action);
      a.addOkAction(action);
    }
    return all;
  }
}
