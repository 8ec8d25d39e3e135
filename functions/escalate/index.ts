import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoEscalationStore } from '../../shared/aws/dynamo-escalation-store';
import { Env } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import type { EscalationConfig } from '../../shared/escalation/policy';
import { sqsStage } from '../sqs-stage';
import { createEscalateHandler } from './handler';

const env = requireEnv([Env.notifyQueueUrl, Env.quarantineQueueUrl, Env.escalationPolicy, Env.tableName, Env.busName]);
const dynamo = new DynamoDBClient({});

export const handler = sqsStage(
  createEscalateHandler({
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    notifyQueueUrl: env[Env.notifyQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    escalation: jsonEnv<EscalationConfig>(Env.escalationPolicy),
    store: new DynamoEscalationStore(dynamo, env[Env.tableName]),
    cases: new DynamoCaseStore(dynamo, env[Env.tableName]),
  }),
);
