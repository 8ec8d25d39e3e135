import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoNotificationLedger } from '../../shared/aws/dynamo-notification-ledger';
import { secretReader, secretStringReader } from '../../shared/aws/secrets';
import { Env, STAGES } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import type { ChannelsConfig } from '../../shared/notify/channels';
import { sqsStage } from '../sqs-stage';
import { createNotifyHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.notifyQueueUrl, Env.quarantineQueueUrl, Env.webhookSecretId, Env.caseLinkBase]);
const dynamo = new DynamoDBClient({});
const secretsClient = new SecretsManagerClient({});
const signingSecrets = secretReader(secretsClient);

export const handler = sqsStage(
  createNotifyHandler({
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    notifyQueueUrl: env[Env.notifyQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    ledger: new DynamoNotificationLedger(dynamo, env[Env.tableName]),
    cases: new DynamoCaseStore(dynamo, env[Env.tableName]),
    channels: jsonEnv<ChannelsConfig>(Env.channels),
    delivery: {
      secret: secretStringReader(secretsClient),
      webhookSecrets: () => signingSecrets(env[Env.webhookSecretId]),
      // Retries belong to the queue (with the channel's backoff), not to the SDK.
      ses: new SESv2Client({ maxAttempts: 1 }),
      sns: new SNSClient({ maxAttempts: 1 }),
    },
    caseLinkBase: env[Env.caseLinkBase],
    now: () => new Date(),
    leaseSeconds: STAGES.notify.timeoutSeconds,
  }),
);
