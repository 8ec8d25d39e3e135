import { SQSClient } from '@aws-sdk/client-sqs';
import { Env } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import type { EscalationConfig } from '../../shared/escalation/policy';
import { sqsStage } from '../sqs-stage';
import { createEscalateHandler } from './handler';

const env = requireEnv([Env.notifyQueueUrl, Env.quarantineQueueUrl, Env.escalationPolicy]);

export const handler = sqsStage(
  createEscalateHandler({
    sqs: new SQSClient({}),
    notifyQueueUrl: env[Env.notifyQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    escalation: jsonEnv<EscalationConfig>(Env.escalationPolicy),
  }),
);
