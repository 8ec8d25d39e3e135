import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CASE_EVENT_TYPES, EventSources, providerBusName } from '../../shared/catalogue';
import { EncryptionKey } from '../constructs/encryption-key';
import { MdrBus } from '../constructs/mdr-bus';
import { EncryptedQueueTarget } from '../constructs/pipeline-routes';
import type { ProviderConfig } from '../config/provider-config';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { secureQueueProps, terminalQueueProps } from '../defaults/sqs';
import { acknowledge } from '../nag';

export interface ProviderStackProps extends StackProps {
  readonly config: ProviderConfig;
}

/** Visibility timeout of the consumer queue: room for a consumer to process one message. */
const CONSUMER_VISIBILITY = Duration.minutes(5);
const CONSUMER_MAX_RECEIVE_COUNT = 5;

/**
 * The MDR provider's side: the bus every customer stack forwards curated
 * case events to. Its policy admits only the listed customer accounts and
 * only `mdr.cases` events of the case detail-types; an archive keeps them
 * for replay; a rule delivers them to a queue for the provider's consumers.
 */
export class ProviderStack extends Stack {
  readonly key: EncryptionKey;
  readonly bus: MdrBus;
  readonly archive: events.Archive;
  readonly consumerQueue: sqs.Queue;
  readonly consumerDeadLetterQueue: sqs.Queue;
  readonly caseEventsRule: events.Rule;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ProviderStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { description: 'Serverless MDR provider: receives curated case events from customer accounts', ...stackProps });
    const prefix = config.resourcePrefix;

    this.key = new EncryptionKey(this, 'Key', { alias: prefix, description: 'MDR provider case events' });
    const key = this.key.key;
    this.bus = new MdrBus(this, 'Bus', { busName: providerBusName(prefix), key, description: 'Case events from MDR customer accounts' });
    this.bus.allowPutEventsFrom({
      sid: 'CustomerCaseEvents',
      accountIds: config.customers.map((c) => c.accountId),
      source: EventSources.cases,
      detailTypes: CASE_EVENT_TYPES,
    });

    const caseEvents = { source: [EventSources.cases], detailType: [...CASE_EVENT_TYPES] };
    // events.Archive directly: EventBus.archive() does not pass kmsKey on. The
    // source bus is referenced by its formatted ARN: the key policy statement
    // the archive adds would otherwise cycle key -> bus -> key.
    const busRef = events.EventBus.fromEventBusArn(
      this,
      'BusRef',
      this.formatArn({ service: 'events', resource: 'event-bus', resourceName: providerBusName(prefix), arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    );
    this.archive = new events.Archive(this, 'Archive', {
      sourceEventBus: busRef,
      description: 'Case events from every customer, for replay',
      eventPattern: caseEvents,
      retention: Duration.days(config.archiveRetentionDays),
      kmsKey: key,
    });
    this.archive.node.addDependency(this.bus.bus);

    this.consumerDeadLetterQueue = new sqs.Queue(this, 'ConsumerDeadLetterQueue', terminalQueueProps(key));
    this.consumerQueue = new sqs.Queue(this, 'ConsumerQueue', {
      ...secureQueueProps(key),
      visibilityTimeout: CONSUMER_VISIBILITY,
      deadLetterQueue: { queue: this.consumerDeadLetterQueue, maxReceiveCount: CONSUMER_MAX_RECEIVE_COUNT },
    });
    const targetDeadLetterQueue = new sqs.Queue(this, 'TargetDeadLetterQueue', terminalQueueProps(key));
    acknowledge(
      targetDeadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the case-events rule target (deadLetterConfig); a dead-letter queue needs no dead-letter queue of its own. It alarms on depth.',
    );

    // Only events from a listed customer account: the envelope `account` is set by EventBridge, never by the sender.
    const accounts = config.customers.map((c) => c.accountId);
    this.caseEventsRule = new events.Rule(this, 'CaseEventsToConsumers', {
      description: 'Case events of every linked customer to the provider consumer queue',
      eventBus: this.bus.bus,
      eventPattern: { ...caseEvents, ...(accounts.length ? { account: accounts } : {}) },
    });
    this.caseEventsRule.addTarget(new EncryptedQueueTarget(this.consumerQueue, targetDeadLetterQueue));

    this.alarms = [
      queueNotEmptyAlarm(this, 'ConsumerDeadLetterAlarm', this.consumerDeadLetterQueue, 'Provider consumers failed case events repeatedly; inspect and redrive.'),
      queueNotEmptyAlarm(this, 'TargetDeadLetterAlarm', targetDeadLetterQueue, 'EventBridge could not deliver case events to the consumer queue for 24 hours.'),
    ];

    new CfnOutput(this, 'BusName', { value: this.bus.bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: this.bus.bus.eventBusArn });
    new CfnOutput(this, 'ConsumerQueueUrl', { value: this.consumerQueue.queueUrl });
  }
}
