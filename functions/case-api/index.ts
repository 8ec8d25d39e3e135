import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { httpCorrelation, loggerContext } from '../observability';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoResponseStore } from '../../shared/aws/dynamo-response-store';
import { caseEventPublisher } from '../../shared/aws/event-publisher';
import { secretReader } from '../../shared/aws/secrets';
import { Env } from '../../shared/catalogue';
import { intEnv, jsonEnv, requireEnv } from '../../shared/config/env';
import { parseInvestigation } from '../../shared/config/investigation-config';
import { parseResponseConfig } from '../../shared/config/response-config';
import { ResponseService } from '../../shared/response/response-service';
import { createCaseApiHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId, Env.responseConfig, Env.ackLinkSecretId]);
const responseConfig = parseResponseConfig(jsonEnv(Env.responseConfig));
// Validated like the configuration's `investigation.runbooks`; none configured means default next steps.
const runbooks = process.env[Env.runbooks] ? parseInvestigation({ runbooks: jsonEnv(Env.runbooks) }).runbooks : {};
const dynamo = new DynamoDBClient({});
const eventBridge = new EventBridgeClient({});
const readSecrets = secretReader(new SecretsManagerClient({}));
const childRetentionDays = intEnv(Env.childRetentionDays, 365);

export const handler = middy<APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2>().use(loggerContext()).use(httpCorrelation()).handler(
  createCaseApiHandler({
    store: new DynamoCaseStore(dynamo, env[Env.tableName], { childRetentionDays }),
    publish: caseEventPublisher(eventBridge, env[Env.busName]),
    tenantId: env[Env.tenantId],
    settings: { reopenWindowMs: intEnv(Env.reopenWindowHours, 72) * 3_600_000 },
    // Requests and approvals only: actions run in the respond stage, with its own narrow IAM grants.
    responses: new ResponseService({ store: new DynamoResponseStore(dynamo, env[Env.tableName], { childRetentionDays }), config: responseConfig }),
    responseConfig,
    // View links are signed with the ack link secret (shared with the ack API; cached, so rotations apply).
    linkSecrets: () => readSecrets(env[Env.ackLinkSecretId]),
    runbooks,
  }),
);
