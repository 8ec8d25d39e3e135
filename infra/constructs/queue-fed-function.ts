import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ResourceNames, type StageSpec, visibilityTimeoutSeconds } from '../../shared/catalogue';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { bundlingOptions, stageFunctionProps } from '../defaults/lambda';
import { logGroupProps } from '../defaults/logs';
import { secureQueueProps, terminalQueueProps } from '../defaults/sqs';
import { acknowledge } from '../nag';

export interface QueueFedFunctionProps {
  /** The stage, from the catalogue `STAGES`: entry, sizing, batching, redrive. */
  readonly stage: StageSpec;
  /** Physical names of the deployment (catalogue `resourceNames(prefix)`). */
  readonly names: ResourceNames;
  /** Customer-managed key for the queues and the log group. */
  readonly key: kms.IKey;
  /** Days the function's logs are kept (rounded up to a period CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Environment beyond `NODE_OPTIONS`; names come from the catalogue `Env`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Extra esbuild command hooks, e.g. to copy a file into the bundle. */
  readonly commandHooks?: nodejs.ICommandHooks;
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
  readonly function: nodejs.NodejsFunction;
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

    this.logGroup = new logs.LogGroup(this, 'LogGroup', logGroupProps(key, props.logRetentionDays));

    // An explicit role: no AWSLambdaBasicExecutionRole (its logs:* reaches every log group).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${names.prefix} ${stage.id} stage function`,
    });
    this.logGroup.grantWrite(this.role);

    const base = stageFunctionProps(stage);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...base,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...base.environment, ...props.environment },
      bundling: bundlingOptions(props.commandHooks),
    });

    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Node.js 22 (nodejs22.x, in AWS support) is the runtime the project pins and tests the bundles for (esbuild target node22); moving to a newer runtime is a deliberate, tested change.',
    );

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
