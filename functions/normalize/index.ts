import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Env } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import type { LogGroupHint } from '../../shared/normalize/envelopes';
import { sqsStage } from '../sqs-stage';
import { createNormalizeHandler } from './handler';

const env = requireEnv([Env.detectQueueUrl, Env.quarantineQueueUrl, Env.tenantId]);
// Optional: without its own queue URL, normalize reads every S3 object whole; without hints, flow log lines in CloudWatch Logs are read in the default format.
const logGroups = process.env[Env.logGroupHints] ? jsonEnv<Record<string, LogGroupHint>>(Env.logGroupHints) : undefined;

// middy passes the Lambda context as the second argument: normalize reads the time left from it.
export const handler = sqsStage(
  createNormalizeHandler({
    sqs: new SQSClient({}),
    s3: new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }),
    detectQueueUrl: env[Env.detectQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    normalizeQueueUrl: process.env[Env.normalizeQueueUrl] || undefined,
    tenantId: env[Env.tenantId],
    unwrapOptions: logGroups ? { logGroups } : {},
    // One EMF line per batch to stdout on Lambda; the local runtime has no CloudWatch to read it.
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? {} : { writeMetrics: () => undefined }),
  }),
);
