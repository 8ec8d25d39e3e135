import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Env, resourceNames, STAGES, type StageId } from '../../shared/catalogue';
import type { CustomerConfig } from '../../shared/config/customer-config';
import { CaseTable } from '../constructs/case-table';
import { EncryptionKey } from '../constructs/encryption-key';
import { MdrBus } from '../constructs/mdr-bus';
import { PipelineRoutes } from '../constructs/pipeline-routes';
import { QuarantineQueue } from '../constructs/quarantine-queue';
import { QueueFedFunction } from '../constructs/queue-fed-function';
import { RulesArtifactBundle } from '../constructs/rules-artifact';
import { grantCorrelationState, grantSendToQueue, grantTableReadWrite } from '../defaults/iam';
import { acknowledge } from '../nag';

export interface CustomerStackProps extends StackProps {
  /** Validated customer configuration (`parseCustomerConfig`). */
  readonly config: CustomerConfig;
}

/** Construct id of a stage: `normalize` → `Normalize`. */
function stageConstructId(id: StageId): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/**
 * One customer's MDR pipeline, deployed into the customer's account:
 * CloudTrail on the default bus → normalize → detect → findings on the MDR
 * bus → cases (DynamoDB) → case events → escalate → notify (signed
 * webhooks); curated case events are forwarded to the provider's bus when
 * a provider is configured. Everything at rest is encrypted with one
 * customer-managed key; every stage is a QueueFedFunction.
 */
export class CustomerStack extends Stack {
  readonly config: CustomerConfig;
  readonly key: EncryptionKey;
  readonly bus: MdrBus;
  readonly table: CaseTable;
  readonly quarantine: QuarantineQueue;
  readonly rules: RulesArtifactBundle;
  readonly webhookSecret: secretsmanager.Secret;
  readonly stages: Readonly<Record<StageId, QueueFedFunction>>;
  readonly routes: PipelineRoutes;

  constructor(scope: Construct, id: string, props: CustomerStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { description: `Serverless MDR pipeline of tenant ${config.tenantId}`, ...stackProps });
    this.config = config;
    const names = resourceNames(config.resourcePrefix);

    this.key = new EncryptionKey(this, 'Key', { alias: names.prefix, description: `MDR data of tenant ${config.tenantId}` });
    const key = this.key.key;
    this.bus = new MdrBus(this, 'Bus', { busName: names.bus, key, description: `MDR findings and case events of tenant ${config.tenantId}` });
    this.table = new CaseTable(this, 'CaseTable', { tableName: names.table, key });
    this.quarantine = new QuarantineQueue(this, 'Quarantine', { queueName: names.quarantineQueue, key });
    this.rules = new RulesArtifactBundle(this, 'Rules', { ruleDirs: config.ruleDirs });

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
    const stageEnv: Record<StageId, Record<string, string>> = {
      normalize: {},
      // The table holds correlation windows; detect touches it only for events that feed a correlation rule.
      detect: { [Env.busName]: this.bus.bus.eventBusName, [Env.tableName]: this.table.table.tableName, ...this.rules.environment },
      cases: {
        [Env.busName]: this.bus.bus.eventBusName,
        [Env.tableName]: this.table.table.tableName,
        [Env.correlationWindowMinutes]: String(config.correlationWindowMinutes),
        [Env.maxAlertsPerCase]: String(config.maxAlertsPerCase),
      },
      escalate: {
        [Env.tableName]: this.table.table.tableName,
        [Env.escalationPolicy]: JSON.stringify(config.escalation),
      },
      notify: {
        [Env.tableName]: this.table.table.tableName,
        [Env.channels]: JSON.stringify(config.channels),
        [Env.webhookSecretId]: this.webhookSecret.secretArn,
        [Env.caseLinkBase]: config.caseLinkBase,
      },
    };

    const stages = {} as Record<StageId, QueueFedFunction>;
    for (const spec of Object.values(STAGES)) {
      stages[spec.id] = new QueueFedFunction(this, stageConstructId(spec.id), {
        stage: spec,
        names,
        key,
        logRetentionDays: config.logRetentionDays,
        environment: { ...common, ...stageEnv[spec.id] },
        ...(spec.id === 'detect' ? { commandHooks: this.rules.commandHooks } : {}),
      });
    }
    this.stages = stages;

    // Queue URLs of downstream stages, known once every stage exists.
    stages.normalize.function.addEnvironment(Env.detectQueueUrl, stages.detect.queue.queueUrl);
    stages.escalate.function.addEnvironment(Env.notifyQueueUrl, stages.notify.queue.queueUrl);

    // Least privilege, stage by stage. Every stage may quarantine what it cannot process.
    for (const s of Object.values(stages)) grantSendToQueue(s.role, this.quarantine.queue.queueArn, key);
    grantSendToQueue(stages.normalize.role, stages.detect.queue.queueArn, key);
    this.bus.bus.grantPutEventsTo(stages.detect.role);
    grantCorrelationState(stages.detect.role, this.table.table.tableArn, key);
    grantTableReadWrite(stages.cases.role, this.table.table.tableArn, key);
    this.bus.bus.grantPutEventsTo(stages.cases.role);
    grantTableReadWrite(stages.escalate.role, this.table.table.tableArn, key);
    grantSendToQueue(stages.escalate.role, stages.notify.queue.queueArn, key);
    grantTableReadWrite(stages.notify.role, this.table.table.tableArn, key);
    this.webhookSecret.grantRead(stages.notify.role);

    this.routes = new PipelineRoutes(this, 'Routes', {
      names,
      key,
      mdrBus: this.bus.bus,
      stageQueues: Object.fromEntries(Object.entries(stages).map(([id, s]) => [id, s.queue])),
      provider: config.provider,
    });

    new CfnOutput(this, 'BusName', { value: this.bus.bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: this.bus.bus.eventBusArn });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'QuarantineQueueUrl', { value: this.quarantine.queue.queueUrl });
    for (const s of Object.values(stages)) new CfnOutput(this, `${s.node.id}QueueUrl`, { value: s.queue.queueUrl });
    new CfnOutput(this, 'RulesDigest', { value: this.rules.digest, description: 'Digest of the rules artifact in the detect bundle' });
  }
}
