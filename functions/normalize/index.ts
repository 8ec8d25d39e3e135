import { SQSClient } from '@aws-sdk/client-sqs';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { sqsStage } from '../sqs-stage';
import { createNormalizeHandler } from './handler';

const env = requireEnv([Env.detectQueueUrl, Env.quarantineQueueUrl]);

export const handler = sqsStage(
  createNormalizeHandler({
    sqs: new SQSClient({}),
    detectQueueUrl: env[Env.detectQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
  }),
);
