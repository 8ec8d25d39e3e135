import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import {
  CaseTableKeys,
  DLQ_RETENTION_DAYS,
  providerBusName,
  resourceNames,
  ROUTES,
  STAGE_IDS,
  STAGES,
  visibilityTimeoutSeconds,
  type StageId,
} from '../shared/catalogue';

export interface LocalClients {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  dynamo: DynamoDBClient;
  secrets: SecretsManagerClient;
  s3: S3Client;
}

export function localClients(): LocalClients {
  return {
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    dynamo: new DynamoDBClient({}),
    secrets: new SecretsManagerClient({}),
    // moto serves buckets on the path, not as subdomains of the endpoint.
    s3: new S3Client({ forcePathStyle: true }),
  };
}

/** Where the resources of one local deployment live. */
export interface LocalResources {
  prefix: string;
  queueUrls: Record<StageId, string>;
  deadLetterQueueUrls: Record<StageId, string>;
  quarantineQueueUrl: string;
  busName: string;
  /** Where telemetry forwarders put events. */
  ingestBusName: string;
  providerBusName: string;
  tableName: string;
  webhookSecretId: string;
  /** The signing secret, so the local webhook sink can verify what notify signs. */
  webhookSecret: string;
  /** Rules artifact and large evidence (the stack's data bucket). */
  dataBucket: string;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const res = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = res.Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${url}`);
  return arn;
}

/**
 * Creates on moto what the customer stack creates on AWS, from the same
 * catalogue: stage queues with DLQ redrive, the quarantine queue, the MDR and
 * provider buses, the routes, the cases table and the webhook signing secret.
 */
export interface ProvisionOptions {
  /** A provider bus in another (moto) account to forward case events to; default: a local stand-in bus. */
  providerBusArn?: string;
}

export async function provision(clients: LocalClients, prefix: string, options: ProvisionOptions = {}): Promise<LocalResources> {
  const names = resourceNames(prefix);
  const { sqs, eventBridge, dynamo, secrets } = clients;
  const retention = String(DLQ_RETENTION_DAYS * 86400);

  const queueUrls = {} as Record<StageId, string>;
  const deadLetterQueueUrls = {} as Record<StageId, string>;
  const arns = {} as Record<StageId, string>;
  for (const id of STAGE_IDS) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueue(id), Attributes: { MessageRetentionPeriod: retention } }));
    deadLetterQueueUrls[id] = dlq.QueueUrl as string;
    const q = await sqs.send(
      new CreateQueueCommand({
        QueueName: names.queue(id),
        Attributes: {
          VisibilityTimeout: String(visibilityTimeoutSeconds(STAGES[id])),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlq.QueueUrl as string), maxReceiveCount: STAGES[id].maxReceiveCount }),
        },
      }),
    );
    queueUrls[id] = q.QueueUrl as string;
    arns[id] = await queueArn(sqs, queueUrls[id]);
  }
  const quarantine = await sqs.send(new CreateQueueCommand({ QueueName: names.quarantineQueue, Attributes: { MessageRetentionPeriod: retention } }));

  const provider = options.providerBusArn ?? providerBusName(`${prefix}-provider`);
  const busArns: Record<string, string> = options.providerBusArn ? { [provider]: options.providerBusArn } : {};
  for (const bus of options.providerBusArn ? [names.bus, names.ingestBus] : [names.bus, names.ingestBus, provider]) {
    const res = await eventBridge.send(new CreateEventBusCommand({ Name: bus }));
    busArns[bus] = res.EventBusArn as string;
  }

  for (const route of ROUTES) {
    const bus = route.bus === 'default' ? 'default' : route.bus === 'ingest' ? names.ingestBus : names.bus;
    await eventBridge.send(new PutRuleCommand({ Name: names.rule(route.id), EventBusName: bus, EventPattern: JSON.stringify(route.pattern), State: 'ENABLED' }));
    const arn = route.target.kind === 'stage' ? arns[route.target.stage] : busArns[provider];
    // Only the detail (the vendor record): an input transformer, which moto runs (the stack uses the equivalent InputPath).
    const input = route.deliver === 'detail' ? { InputTransformer: { InputPathsMap: { detail: '$.detail' }, InputTemplate: '<detail>' } } : {};
    await eventBridge.send(new PutTargetsCommand({ Rule: names.rule(route.id), EventBusName: bus, Targets: [{ Id: 'target', Arn: arn, ...input }] }));
  }

  await dynamo.send(
    new CreateTableCommand({
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: CaseTableKeys.partitionKey, AttributeType: 'S' },
        { AttributeName: CaseTableKeys.sortKey, AttributeType: 'S' },
        { AttributeName: CaseTableKeys.indexPartitionKey, AttributeType: 'S' },
        { AttributeName: CaseTableKeys.indexSortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: CaseTableKeys.partitionKey, KeyType: 'HASH' },
        { AttributeName: CaseTableKeys.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: CaseTableKeys.casesByTimeIndex,
          KeySchema: [
            { AttributeName: CaseTableKeys.indexPartitionKey, KeyType: 'HASH' },
            { AttributeName: CaseTableKeys.indexSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await dynamo.send(new UpdateTimeToLiveCommand({ TableName: names.table, TimeToLiveSpecification: { AttributeName: CaseTableKeys.ttlAttribute, Enabled: true } }));

  const dataBucket = `${prefix}-data`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: dataBucket }));

  const webhookSecret = randomBytes(32).toString('hex');
  await secrets.send(new CreateSecretCommand({ Name: names.webhookSecret, SecretString: JSON.stringify({ current: webhookSecret }) }));

  return {
    prefix,
    queueUrls,
    deadLetterQueueUrls,
    quarantineQueueUrl: quarantine.QueueUrl as string,
    busName: names.bus,
    ingestBusName: names.ingestBus,
    providerBusName: provider,
    tableName: names.table,
    webhookSecretId: names.webhookSecret,
    webhookSecret,
    dataBucket,
  };
}
