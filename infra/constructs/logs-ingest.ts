import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { Env, LOGS_INGEST, type ResourceNames } from '../../shared/catalogue';
import type { LogGroupSource } from '../../shared/config/log-groups-config';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { createMdrFunction } from '../defaults/function';
import { grantSendToQueue } from '../defaults/iam';
import { terminalQueueProps } from '../defaults/sqs';
import { acknowledge } from '../nag';

export interface LogsIngestProps {
  readonly names: ResourceNames;
  readonly key: kms.IKey;
  /** The normalize stage's queue, where every payload is forwarded. */
  readonly normalizeQueue: sqs.IQueue;
  /** The log groups to subscribe (config `logGroups`). */
  readonly logGroups: readonly LogGroupSource[];
  readonly logRetentionDays: number;
}

/** Lambda retries a failed asynchronous invocation twice (the maximum), for up to six hours, then hands it to the on-failure destination. */
export const LOGS_INGEST_ASYNC = { retryAttempts: 2, maxEventAge: Duration.hours(6) } as const;

/**
 * An on-failure destination on an SSE-KMS queue with only the grants the
 * send needs (the CDK's SqsDestination grants kms:ReEncrypt* and
 * kms:GenerateDataKey* wildcards).
 */
class QueueDestination implements lambda.IDestination {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    grantSendToQueue(fn, this.queue.queueArn, this.key);
    return { destination: this.queue.queueArn };
  }
}

/**
 * CloudWatch Logs ingest: subscription filters cannot deliver to SQS, so each
 * configured log group gets a subscription filter to the logs-ingest
 * function, which forwards each payload, still compressed, as one message
 * to the normalize queue. CloudWatch Logs invokes it asynchronously: failed
 * invocations are retried by Lambda and then kept whole in a dead-letter
 * queue (the on-failure destination) that alarms. The invoke permission of
 * each group is scoped to that group's ARN and this account.
 */
export class LogsIngest extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  /** Invocations that failed after Lambda's retries (the whole event, with the error). */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly subscriptions: logs.CfnSubscriptionFilter[] = [];

  constructor(scope: Construct, id: string, props: LogsIngestProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const parts = createMdrFunction(this, {
      spec: LOGS_INGEST,
      roleDescription: `${props.names.prefix} CloudWatch Logs subscription destination`,
      key: props.key,
      logRetentionDays: props.logRetentionDays,
      environment: { [Env.normalizeQueueUrl]: props.normalizeQueue.queueUrl },
    });
    this.function = parts.function;
    this.role = parts.role;
    grantSendToQueue(this.role, props.normalizeQueue.queueArn, props.key);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', terminalQueueProps(props.key));
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the on-failure destination of the logs-ingest function (asynchronous invocations that failed after retries); a dead-letter queue needs no dead-letter queue of its own. It alarms on depth.',
    );
    this.deadLetterAlarm = queueNotEmptyAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      `${props.names.prefix}: CloudWatch Logs payloads could not be forwarded to the normalize queue after retries; they are kept whole in this queue. Runbook: logs-ingest-dead-letter.`,
    );
    this.function.configureAsyncInvoke({
      retryAttempts: LOGS_INGEST_ASYNC.retryAttempts,
      maxEventAge: LOGS_INGEST_ASYNC.maxEventAge,
      onFailure: new QueueDestination(this.deadLetterQueue, props.key),
    });

    for (const group of props.logGroups) {
      // Ids from the name, not the position: reordering the config does not replace subscriptions.
      const gid = `Group${createHash('sha256').update(group.name).digest('hex').slice(0, 10)}`;
      const permission = new lambda.CfnPermission(this, `${gid}Invoke`, {
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionArn,
        principal: 'logs.amazonaws.com',
        sourceArn: `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${group.name}:*`,
        sourceAccount: stack.account,
      });
      const filter = new logs.CfnSubscriptionFilter(this, `${gid}Subscription`, {
        logGroupName: group.name,
        filterName: `${props.names.prefix}-to-normalize`,
        filterPattern: group.filterPattern,
        destinationArn: this.function.functionArn,
      });
      // CloudWatch Logs test-invokes the destination when the filter is created.
      filter.addDependency(permission);
      this.subscriptions.push(filter);
    }
  }
}
