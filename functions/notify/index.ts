import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoNotificationLedger } from '../../shared/aws/dynamo-notification-ledger';
import { secretReader } from '../../shared/aws/secrets';
import { Env, STAGES } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import type { ChannelsConfig } from '../../shared/notify/channels';
import { sqsStage } from '../sqs-stage';
import { createNotifyHandler } from './handler';

const env = requireEnv([Env.tableName, Env.quarantineQueueUrl, Env.webhookSecretId, Env.caseLinkBase]);
const dynamo = new DynamoDBClient({});
const readSecret = secretReader(new SecretsManagerClient({}));

export const handler = sqsStage(
  createNotifyHandler({
    sqs: new SQSClient({}),
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    ledger: new DynamoNotificationLedger(dynamo, env[Env.tableName]),
    cases: new DynamoCaseStore(dynamo, env[Env.tableName]),
    channels: jsonEnv<ChannelsConfig>(Env.channels),
    secrets: () => readSecret(env[Env.webhookSecretId]),
    caseLinkBase: env[Env.caseLinkBase],
    now: () => new Date(),
    leaseSeconds: STAGES.notify.timeoutSeconds,
  }),
);
