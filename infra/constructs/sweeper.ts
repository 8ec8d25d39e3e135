import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CaseTableKeys, Env, type ResourceNames, SWEEP_SCHEDULE, SWEEPER_ENTRY } from '../../shared/catalogue';
import { createMdrFunction } from '../defaults/function';
import { grantKeyUse, grantSendToQueue } from '../defaults/iam';

export interface SweeperProps {
  readonly names: ResourceNames;
  readonly key: kms.IKey;
  readonly tableArn: string;
  readonly tableName: string;
  /** The escalate stage's queue, where due timers are sent. */
  readonly escalateQueue: sqs.IQueue;
  readonly logRetentionDays: number;
}

/** Sizing of the sweeper: one Query and a few sends per minute. */
export const SWEEPER = {
  id: 'sweeper',
  description: 'Sends due escalation timers to the escalate queue (every minute)',
  entry: SWEEPER_ENTRY,
  timeoutSeconds: 50,
  memoryMb: 256,
} as const;

/**
 * The escalation timer sweeper: a function run on the catalogue's
 * `SWEEP_SCHEDULE` (an EventBridge schedule rule) that moves due timers
 * from the table to the escalate queue. A missed run is harmless: the next
 * one picks up every timer that is due.
 */
export class Sweeper extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const parts = createMdrFunction(this, {
      spec: SWEEPER,
      roleDescription: `${props.names.prefix} escalation timer sweeper`,
      key: props.key,
      logRetentionDays: props.logRetentionDays,
      environment: { [Env.tableName]: props.tableName, [Env.escalateQueueUrl]: props.escalateQueue.queueUrl },
    });
    this.function = parts.function;
    this.role = parts.role;
    // The TIMERS partition only: query what is due, delete what was sent. Cases, runs and alerts are out of reach.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:DeleteItem'],
        resources: [props.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CaseTableKeys.timersPartition] } },
      }),
    );
    grantKeyUse(this.role, props.key, ['kms:Decrypt', 'kms:DescribeKey']);
    grantSendToQueue(this.role, props.escalateQueue.queueArn, props.key);

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Sweeps due escalation timers of ${props.names.prefix}`,
      schedule: events.Schedule.expression(SWEEP_SCHEDULE),
    });
    // No retries: the next minute's run sweeps the same timers.
    this.rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 0 }));
  }
}
