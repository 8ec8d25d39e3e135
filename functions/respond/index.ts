import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SQSClient } from '@aws-sdk/client-sqs';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoResponseStore } from '../../shared/aws/dynamo-response-store';
import type { Ec2Quarantine } from '../../shared/aws/ec2-quarantine';
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

// The EC2 client is 560 KB, more than the rest of this function, and only
// quarantine_instance needs it: required on the first quarantine, from the
// Lambda runtime's SDK (the catalogue's runtimeModules; decision 0009).
let hosts: Ec2Quarantine | undefined;
const quarantine = (): Ec2Quarantine => {
  if (!hosts) {
    /* eslint-disable @typescript-eslint/no-require-imports -- deferred on purpose, see above */
    const { EC2Client } = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
    const { Ec2Quarantine } = require('../../shared/aws/ec2-quarantine') as typeof import('../../shared/aws/ec2-quarantine');
    /* eslint-enable @typescript-eslint/no-require-imports */
    hosts = new Ec2Quarantine(new EC2Client({}), env[Env.resourcePrefix]);
  }
  return hosts;
};

export const handler = sqsStage(
  createRespondHandler({
    service: new ResponseService({
      store: new DynamoResponseStore(new DynamoDBClient({}), env[Env.tableName], { childRetentionDays: intEnv(Env.childRetentionDays, 365) }),
      config,
      // IAM is global: its endpoint is us-east-1 whatever the function's region (the SDK resolves it).
      executor: new AwsResponseExecutor({ prefix: env[Env.resourcePrefix], config, iam: new IAMClient({}), wafv2, hosts: quarantine }),
    }),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
  }),
);
