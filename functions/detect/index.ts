import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DynamoCorrelationStore } from '../../shared/aws/dynamo-correlation-store';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { loadRuleSet, parseRulesArtifact } from '../../shared/detect/rules-artifact';
import { CorrelationEngine } from '../../shared/detect/sigma';
import { sqsStage } from '../sqs-stage';
import { createDetectHandler } from './handler';

const env = requireEnv([Env.busName, Env.quarantineQueueUrl, Env.tenantId, Env.rulesArtifact]);

// The artifact ships inside the bundle (copied at synth); a relative path is resolved beside this file.
const artifactPath = isAbsolute(env[Env.rulesArtifact]) ? env[Env.rulesArtifact] : join(__dirname, env[Env.rulesArtifact]);
const rules = loadRuleSet(parseRulesArtifact(readFileSync(artifactPath, 'utf8')));
// Correlation windows need state; without correlation rules detect stays free of DynamoDB.
const correlations =
  rules.correlations.length > 0
    ? new CorrelationEngine(rules, { store: new DynamoCorrelationStore(new DynamoDBClient({}), requireEnv([Env.tableName])[Env.tableName]) })
    : undefined;

export const handler = sqsStage(
  createDetectHandler({
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
    rules,
    correlations,
  }),
);
