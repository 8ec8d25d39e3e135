import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { caseEventPublisher } from '../../shared/aws/event-publisher';
import { Env } from '../../shared/catalogue';
import { intEnv, requireEnv } from '../../shared/config/env';
import { createCaseApiHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId]);
const eventBridge = new EventBridgeClient({});

export const handler = middy<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>().handler(
  createCaseApiHandler({
    store: new DynamoCaseStore(new DynamoDBClient({}), env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
    publish: caseEventPublisher(eventBridge, env[Env.busName]),
    tenantId: env[Env.tenantId],
    settings: { reopenWindowMs: intEnv(Env.reopenWindowHours, 72) * 3_600_000 },
  }),
);
