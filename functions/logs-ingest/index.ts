import { SQSClient } from '@aws-sdk/client-sqs';
import { Env } from '../../shared/catalogue';
import { requireEnv } from '../../shared/config/env';
import { createLogsIngestHandler } from './handler';

const env = requireEnv([Env.normalizeQueueUrl]);

// Invoked asynchronously by CloudWatch Logs; no middy: there is no batch to report on, a throw is the retry signal.
export const handler = createLogsIngestHandler({ sqs: new SQSClient({}), normalizeQueueUrl: env[Env.normalizeQueueUrl] });
