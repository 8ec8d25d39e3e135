import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SQSClient } from '@aws-sdk/client-sqs';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoResponseStore } from '../../shared/aws/dynamo-response-store';
import { AwsResponseExecutor } from '../../shared/aws/response-executor';
import { Env } from '../../shared/catalogue';
import { intEnv, jsonEnv, requireEnv } from '../../shared/config/env';
import { parseResponseConfig } from '../../shared/config/response-config';
import { ResponseService } from '../../shared/response/response-service';
import { sqsStage } from '../sqs-stage';
import { createRespondHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.tenantId, Env.quarantineQueueUrl, Env.responseConfig, Env.resourcePrefix]);
const config = parseResponseConfig(jsonEnv(Env.responseConfig));
// CloudFront-scoped IP sets are managed through us-east-1 only.
const wafv2 = new WAFV2Client(config.actions.block_ip.ipSetScope === 'CLOUDFRONT' ? { region: 'us-east-1' } : {});

export const handler = sqsStage(
  createRespondHandler({
    service: new ResponseService({
      store: new DynamoResponseStore(new DynamoDBClient({}), env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
      config,
      // IAM is global: its endpoint is us-east-1 whatever the function's region (the SDK resolves it).
      executor: new AwsResponseExecutor({ prefix: env[Env.resourcePrefix], config, iam: new IAMClient({}), ec2: new EC2Client({}), wafv2 }),
    }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
  }),
);
