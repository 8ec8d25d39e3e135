import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DynamoCorrelationStore } from '../../shared/aws/dynamo-correlation-store';
import { DEFAULT_REFRESH_SECONDS, RulesSourceEnv, S3RulesSource } from '../../shared/aws/rules-source';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { loadArtifact, parseRulesArtifact, staticRules, type RulesProvider } from '../../shared/detect/rules-artifact';
import { CorrelationEngine } from '../../shared/detect/sigma/correlation';
import type { RuleSet } from '../../shared/detect/sigma/ruleset';
import { sqsStage } from '../sqs-stage';
import { createDetectHandler } from './handler';

const env = requireEnv([Env.busName, Env.quarantineQueueUrl, Env.tenantId, Env.rulesArtifact]);

// The artifact ships inside the bundle (copied at synth); a relative path is resolved beside this file.
const artifactPath = isAbsolute(env[Env.rulesArtifact]) ? env[Env.rulesArtifact] : join(__dirname, env[Env.rulesArtifact]);
const bundled = parseRulesArtifact(readFileSync(artifactPath, 'utf8'));

// With a rules bucket configured, the artifact in S3 replaces the bundled one without a code deploy.
// The first batch reads it (the same artifact, as deployed), so the bundled rules are compiled
// when first run, not here: once, instead of here and again from S3's copy.
// Path-style against a local endpoint (moto); virtual-hosted on AWS.
const s3 = new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL });
const bucket = process.env[RulesSourceEnv.bucket];
const refresh = Number(process.env[RulesSourceEnv.refreshSeconds] ?? DEFAULT_REFRESH_SECONDS);
const rules: RulesProvider = bucket
  ? new S3RulesSource({
      s3,
      bucket,
      key: requireEnv([RulesSourceEnv.key])[RulesSourceEnv.key],
      refreshSeconds: Number.isFinite(refresh) && refresh >= 0 ? refresh : DEFAULT_REFRESH_SECONDS,
      initial: { digest: bundled.digest, load: () => loadArtifact(bundled) },
    })
  : staticRules(loadArtifact(bundled));

// Correlation windows need state; without correlation rules detect stays free of DynamoDB.
let store: DynamoCorrelationStore | undefined;
const correlationsFor = (set: RuleSet) => {
  if (set.correlations.length === 0) return undefined;
  store ??= new DynamoCorrelationStore(new DynamoDBClient({}), requireEnv([Env.tableName])[Env.tableName]);
  return new CorrelationEngine(set, { store });
};

export const handler = sqsStage(
  createDetectHandler({
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
    rules,
    correlationsFor,
    ...(process.env[Env.evidenceBucket] ? { evidence: { s3, bucket: process.env[Env.evidenceBucket] as string } } : {}),
  }),
);
