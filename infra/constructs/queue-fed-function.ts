import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ResourceNames, type StageSpec, visibilityTimeoutSeconds } from '../../shared/catalogue';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { createMdrFunction } from '../defaults/function';
import { secureQueueProps, terminalQueueProps } from '../defaults/sqs';

export interface QueueFedFunctionProps {
  /** The stage, from the catalogue `STAGES`: entry, sizing, batching, redrive. */
  readonly stage: StageSpec;
  /** Physical names of the deployment (catalogue `resourceNames(prefix)`). */
  readonly names: ResourceNames;
  /** Customer-managed key for the queues and the log group. */
  readonly key: kms.IKey;
  /** Days the function's logs are kept (rounded up to a period CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Environment; names come from the catalogue `Env`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Data files copied beside the bundle: name in the bundle → absolute source path. */
  readonly bundleFiles?: Readonly<Record<string, string>>;
}

/**
 * One pipeline stage: an encrypted SQS queue with a dead-letter queue feeding
 * a Node.js function through an event source mapping that reports partial
 * batch failures, an explicit encrypted log group, an explicit role holding
 * nothing but its own log writes and queue consumption (callers add the
 * stage's grants), and an alarm as soon as anything is dead-lettered.
 */
export class QueueFedFunction extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QueueFedFunctionProps) {
    super(scope, id);
    const { stage, names, key } = props;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...terminalQueueProps(key),
      queueName: names.deadLetterQueue(stage.id),
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      ...secureQueueProps(key),
      queueName: names.queue(stage.id),
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(stage)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: stage.maxReceiveCount },
    });

    const parts = createMdrFunction(this, {
      spec: stage,
      roleDescription: `${names.prefix} ${stage.id} stage function`,
      key,
      logRetentionDays: props.logRetentionDays,
      ...(props.environment ? { environment: props.environment } : {}),
      ...(props.bundleFiles ? { bundleFiles: props.bundleFiles } : {}),
    });
    this.logGroup = parts.logGroup;
    this.role = parts.role;
    this.function = parts.function;

    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: stage.batchSize,
        ...(stage.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(stage.maxBatchingWindowSeconds) } : {}),
        reportBatchItemFailures: true,
      }),
    );

    this.deadLetterAlarm = queueNotEmptyAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      `${names.deadLetterQueue(stage.id)} holds messages the ${stage.id} stage failed ${stage.maxReceiveCount} times; inspect, fix, redrive.`,
    );
  }
}
