import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { Env } from '../../shared/catalogue';
import { intEnv, requireEnv } from '../../shared/config/env';
import { sqsStage } from '../sqs-stage';
import { createCasesHandler } from './handler';

const env = requireEnv([Env.busName, Env.tableName, Env.quarantineQueueUrl]);

export const handler = sqsStage(
  createCasesHandler({
    // Alerts and timeline entries expire after the configured retention; case items are kept.
    store: new DynamoCaseStore(new DynamoDBClient({}), env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    settings: {
      correlationWindowMs: intEnv(Env.correlationWindowMinutes, 60) * 60_000,
      maxAlertsPerCase: intEnv(Env.maxAlertsPerCase, 150),
    },
  }),
);
