import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { loggerContext } from '../observability';
import { DynamoEscalationStore } from '../../shared/aws/dynamo-escalation-store';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { createSweeperHandler } from './handler';

const env = requireEnv([Env.tableName, Env.escalateQueueUrl]);

export const handler = middy().use(loggerContext()).handler(
  createSweeperHandler({
    store: new DynamoEscalationStore(new DynamoDBClient({}), env[Env.tableName]),
    sqs: new SQSClient({}),
    escalateQueueUrl: env[Env.escalateQueueUrl],
  }),
);
