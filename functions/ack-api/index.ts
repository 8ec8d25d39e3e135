import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { httpCorrelation, loggerContext } from '../observability';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { caseEventPublisher } from '../../shared/aws/event-publisher';
import { secretReader } from '../../shared/aws/secrets';
import { Env } from '../../shared/catalogue';
import { intEnv, requireEnv } from '../../shared/config/env';
import { createAckApiHandler } from './handler';
import { DynamoUsedLinks } from './used-links';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId]);
const eventBridge = new EventBridgeClient({});
const dynamo = new DynamoDBClient({});
const readSecrets = secretReader(new SecretsManagerClient({}));

/** A path without its secret id configured is switched off: its route answers 503 and changes nothing. */
const secrets = (name: string) => {
  const id = process.env[name];
  return async (): Promise<readonly string[]> => (id ? readSecrets(id) : []);
};

/** Slack response URLs get a short, single attempt: the HTTP answer already carries the same message. */
async function slackRespond(responseUrl: string, message: Record<string, unknown>): Promise<void> {
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(2500),
    redirect: 'error',
  });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().use(loggerContext()).use(httpCorrelation()).handler(
  createAckApiHandler({
    store: new DynamoCaseStore(dynamo, env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
    usedLinks: new DynamoUsedLinks(dynamo, env[Env.tableName]),
    publish: caseEventPublisher(eventBridge, env[Env.busName]),
    tenantId: env[Env.tenantId],
    settings: { reopenWindowMs: intEnv(Env.reopenWindowHours, 72) * 3_600_000 },
    linkSecrets: secrets(Env.ackLinkSecretId),
    slackTeamIds: (process.env[Env.slackTeamIds] ?? '').split(',').filter(Boolean),
    slackSigningSecrets: secrets(Env.slackSigningSecretId),
    pagerDutyWebhookSecrets: secrets(Env.pagerDutyWebhookSecretId),
    slackRespond,
  }),
);
