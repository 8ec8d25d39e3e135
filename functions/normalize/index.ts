import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { sqsStage } from '../sqs-stage';
import { createNormalizeHandler } from './handler';

const env = requireEnv([Env.detectQueueUrl, Env.quarantineQueueUrl]);

export const handler = sqsStage(
  createNormalizeHandler({
    sqs: new SQSClient({}),
    s3: new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }),
    detectQueueUrl: env[Env.detectQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
  }),
);
