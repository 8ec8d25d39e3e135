import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { terminalQueueProps } from '../defaults/sqs';
import { acknowledge } from '../nag';

export interface QuarantineQueueProps {
  /** Physical queue name (catalogue `resourceNames(prefix).quarantineQueue`). */
  readonly queueName: string;
  readonly key: kms.IKey;
}

/**
 * Where stages put records they cannot process, each with its reason. A
 * terminal store: nothing consumes it automatically; operators inspect it
 * (the alarm says when there is something to look at) and redrive.
 */
export class QuarantineQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: QuarantineQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', { ...terminalQueueProps(props.key), queueName: props.queueName });
    acknowledge(
      this.queue,
      'AwsSolutions-SQS3',
      'The quarantine queue is itself a terminal, dead-letter-like store: it has no consumer to fail, holds records for 14 days and alarms on depth.',
    );
    this.alarm = queueNotEmptyAlarm(
      this,
      'DepthAlarm',
      this.queue,
      `${props.queueName} holds quarantined records (bad input, with a reason); inspect them and fix the source or the parser.`,
    );
  }
}
