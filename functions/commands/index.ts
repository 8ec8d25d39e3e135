import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { Env } from '../../shared/catalogue';
import { intEnv, jsonEnv, requireEnv } from '../../shared/config/env';
import { parseResponseConfig } from '../../shared/config/response-config';
import { DynamoResponseStore } from '../../shared/aws/dynamo-response-store';
import { ResponseService } from '../../shared/response/response-service';
import { sqsStage } from '../sqs-stage';
import { createCommandsHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId, Env.providerAccountId, Env.quarantineQueueUrl, Env.responseConfig]);
const client = new DynamoDBClient({});
const retention = { childRetentionDays: intEnv(Env.childRetentionDays, 365) };

export const handler = sqsStage(
  createCommandsHandler({
    store: new DynamoCaseStore(client, env[Env.tableName], retention),
    responses: new ResponseService({ store: new DynamoResponseStore(client, env[Env.tableName], retention), config: parseResponseConfig(jsonEnv(Env.responseConfig)) }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
    providerAccountId: env[Env.providerAccountId],
    settings: { reopenWindowMs: intEnv(Env.reopenWindowHours, 72) * 3_600_000 },
  }),
);
