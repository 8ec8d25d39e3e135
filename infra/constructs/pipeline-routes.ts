import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AwsEventSource, type EventPattern, type ResourceNames, ROUTES, type RouteId, type RouteSpec, type StageId } from '../../shared/catalogue';
import type { CustomerConfig } from '../../shared/config/customer-config';
import { queueNotEmptyAlarm } from '../defaults/alarms';
import { terminalQueueProps } from '../defaults/sqs';
import { acknowledge } from '../nag';

export interface PipelineRoutesProps {
  readonly names: ResourceNames;
  readonly key: kms.IKey;
  /** The deployment's MDR bus (routes with `bus: 'mdr'`). */
  readonly mdrBus: events.IEventBus;
  /** The bus telemetry forwarders put events on (routes with `bus: 'ingest'`). */
  readonly ingestBus: events.IEventBus;
  /** Queue of each stage a route may deliver to. */
  readonly stageQueues: Readonly<Partial<Record<StageId, sqs.IQueue>>>;
  /** The provider's bus; absent = the provider route is not created. */
  readonly provider?: CustomerConfig['provider'];
  /** The routes to create; the catalogue's by default. */
  readonly routes?: readonly RouteSpec[];
  /** S3 buckets whose new objects are log files to ingest (EventBridge notifications enabled on them). */
  readonly ingestBuckets?: readonly string[];
  /** AWS service events taken in from the default bus; all by default. */
  readonly eventSources?: readonly AwsEventSource[];
}

/** EventBridge retries a failed delivery this long and this often (both the service maximum), then dead-letters it. */
export const TARGET_RETRY = { maxEventAge: Duration.hours(24), retryAttempts: 185 } as const;

const PATTERN_FIELDS: Readonly<Record<string, keyof events.EventPattern>> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

/** Converts a catalogue pattern (EventBridge JSON field names) to the CDK's EventPattern. */
export function toEventPattern(pattern: EventPattern): events.EventPattern {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(pattern)) {
    const key = PATTERN_FIELDS[field];
    if (!key) throw new Error(`event pattern field "${field}" is not an EventBridge envelope field`);
    out[key] = value;
  }
  return out as events.EventPattern;
}

/**
 * An SQS target for an encrypted queue that admits this rule only. The CDK's
 * `SqsQueue` target, for a KMS-encrypted queue in an environment-agnostic
 * stack, grants `events.amazonaws.com` on the queue and the key without any
 * condition (any account's rule could deliver); this one conditions the
 * queue policy on the rule's ARN and leaves the key to the EncryptionKey's
 * account-bound statement.
 */
export class EncryptedQueueTarget implements events.IRuleTarget {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly deadLetterQueue: sqs.IQueue,
    /** What the queue receives instead of the whole event (e.g. only its `detail`). */
    private readonly input?: events.RuleTargetInput,
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleRef.ruleArn } },
      }),
    );
    targets.addToDeadLetterQueueResourcePolicy(rule, this.deadLetterQueue);
    return {
      arn: this.queue.queueArn,
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumEventAgeInSeconds: TARGET_RETRY.maxEventAge.toSeconds(),
        maximumRetryAttempts: TARGET_RETRY.retryAttempts,
      },
      targetResource: this.queue,
      ...(this.input ? { input: this.input } : {}),
    };
  }
}

/**
 * The EventBridge rules of the pipeline, built from the catalogue ROUTES:
 * default-bus and MDR-bus routes deliver to stage queues (retried for a day,
 * then kept in one target dead-letter queue that alarms); provider
 * commands are routed only in a linked deployment and only when the envelope
 * `account` is the provider's; the provider route forwards curated case
 * events to the provider's bus through a role that may put events on that
 * one bus and nothing else.
 */
export class PipelineRoutes extends Construct {
  readonly rules: Partial<Record<RouteId, events.Rule>> = {};
  /** Events EventBridge could not deliver to any route target. */
  readonly targetDeadLetterQueue: sqs.Queue;
  readonly targetDeadLetterAlarm: cloudwatch.Alarm;
  /** The role the provider route assumes; present when a provider is configured. */
  readonly forwardingRole?: iam.Role;
  /** ARN of the provider's bus; present when a provider is configured. */
  readonly providerBusArn?: string;

  constructor(scope: Construct, id: string, props: PipelineRoutesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.targetDeadLetterQueue = new sqs.Queue(this, 'TargetDeadLetterQueue', terminalQueueProps(props.key));
    acknowledge(
      this.targetDeadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the EventBridge rule targets (deadLetterConfig); a dead-letter queue needs no dead-letter queue of its own. It alarms on depth.',
    );
    this.targetDeadLetterAlarm = queueNotEmptyAlarm(
      this,
      'TargetDeadLetterAlarm',
      this.targetDeadLetterQueue,
      `EventBridge could not deliver events of ${props.names.prefix} to a rule target for 24 hours; inspect and redrive.`,
    );

    if (props.provider) {
      const p = props.provider;
      this.providerBusArn = stack.formatArn({
        service: 'events',
        region: p.region,
        account: p.accountId,
        resource: 'event-bus',
        resourceName: p.busName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      // No policy of its own: the event-bus target grants it events:PutEvents on the provider bus ARN only.
      this.forwardingRole = new iam.Role(this, 'ProviderForwardingRole', {
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
        description: `Lets EventBridge forward curated case events of ${props.names.prefix} to the MDR provider bus`,
      });
    }

    for (const route of props.routes ?? ROUTES) {
      // Provider commands exist only in a linked deployment, and only from the provider's account.
      if (route.sender === 'provider' && !props.provider) continue;
      // S3 log files: only for the buckets the customer names, never every bucket of the account.
      if (route.scope === 'ingest-buckets' && !props.ingestBuckets?.length) continue;
      // AWS service events the customer turned off have no rule: they never cost an invocation.
      if (route.eventSource && props.eventSources && !props.eventSources.includes(route.eventSource)) continue;
      const target = this.targetFor(route, props);
      if (!target) continue;
      let pattern = route.sender === 'provider' && props.provider ? { ...route.pattern, account: [props.provider.accountId] } : route.pattern;
      if (route.scope === 'ingest-buckets') pattern = { ...pattern, detail: { bucket: { name: [...(props.ingestBuckets ?? [])] } } };
      const rule = new events.Rule(this, route.id, {
        ruleName: props.names.rule(route.id),
        description: route.description,
        ...(route.bus === 'mdr' ? { eventBus: props.mdrBus } : route.bus === 'ingest' ? { eventBus: props.ingestBus } : {}),
        eventPattern: toEventPattern(pattern),
      });
      rule.addTarget(target);
      this.rules[route.id] = rule;
    }
  }

  private targetFor(route: RouteSpec, props: PipelineRoutesProps): events.IRuleTarget | undefined {
    if (route.target.kind === 'stage') {
      const queue = props.stageQueues[route.target.stage];
      if (!queue) throw new Error(`route ${route.id} delivers to stage ${route.target.stage}, which has no queue`);
      return new EncryptedQueueTarget(queue, this.targetDeadLetterQueue, route.deliver === 'detail' ? events.RuleTargetInput.fromEventPath('$.detail') : undefined);
    }
    if (!this.providerBusArn || !this.forwardingRole) return undefined;
    const providerBus = events.EventBus.fromEventBusArn(this, 'ProviderBus', this.providerBusArn);
    return new targets.EventBus(providerBus, { role: this.forwardingRole, deadLetterQueue: this.targetDeadLetterQueue });
  }
}
