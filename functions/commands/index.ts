import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { Env } from '../../shared/catalogue';
import { intEnv, requireEnv } from '../../shared/config/env';
import { sqsStage } from '../sqs-stage';
import { createCommandsHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId, Env.providerAccountId, Env.quarantineQueueUrl]);

export const handler = sqsStage(
  createCommandsHandler({
    store: new DynamoCaseStore(new DynamoDBClient({}), env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
    providerAccountId: env[Env.providerAccountId],
    settings: { reopenWindowMs: intEnv(Env.reopenWindowHours, 72) * 3_600_000 },
  }),
);
