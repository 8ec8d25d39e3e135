import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoCaseStore } from '../../shared/aws/dynamo-case-store';
import { DynamoNotificationLedger } from '../../shared/aws/dynamo-notification-ledger';
import { secretReader, secretStringReader } from '../../shared/aws/secrets';
import { Env, STAGES } from '../../shared/catalogue';
import { jsonEnv, requireEnv } from '../../shared/config/env';
import { ackLinkUrl, DEFAULT_ACK_LINK_TTL_MS, issueAckToken } from '../../shared/ack/link-token';
import type { ChannelsConfig } from '../../shared/notify/channels';
import { notificationViewUrl } from '../../shared/notify/notify-service';
import { sqsStage } from '../sqs-stage';
import { createNotifyHandler } from './handler';

const env = requireEnv([Env.tableName, Env.busName, Env.notifyQueueUrl, Env.quarantineQueueUrl, Env.webhookSecretId, Env.caseLinkBase]);
// More attempts than the SDK's three: a throttled release or markSent would leave the delivery's
// lease held, and every retry of the page would then find it in progress until the lease ends.
const dynamo = new DynamoDBClient({ maxAttempts: 6 });
const secretsClient = new SecretsManagerClient({});
const signingSecrets = secretReader(secretsClient);
const ackApiUrl = process.env[Env.ackApiUrl];
const ackSecretId = process.env[Env.ackLinkSecretId];
const caseApiUrl = process.env[Env.caseApiUrl];

export const handler = sqsStage(
  createNotifyHandler({
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    busName: env[Env.busName],
    notifyQueueUrl: env[Env.notifyQueueUrl],
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    ledger: new DynamoNotificationLedger(dynamo, env[Env.tableName]),
    cases: new DynamoCaseStore(dynamo, env[Env.tableName]),
    channels: jsonEnv<ChannelsConfig>(Env.channels),
    delivery: {
      secret: secretStringReader(secretsClient),
      webhookSecrets: () => signingSecrets(env[Env.webhookSecretId]),
      // Retries belong to the queue (with the channel's backoff), not to the SDK.
      ses: new SESv2Client({ maxAttempts: 1 }),
      sns: new SNSClient({ maxAttempts: 1 }),
    },
    caseLinkBase: env[Env.caseLinkBase],
    // Signed, expiring, single-use links to the ack API, when it is deployed.
    ackUrl:
      ackApiUrl && ackSecretId
        ? async (n) => {
            const [secret] = await signingSecrets(ackSecretId);
            const token = issueAckToken({ caseId: n.caseId, notificationId: n.notificationId, expiresAt: Date.now() + DEFAULT_ACK_LINK_TTL_MS, target: n.target }, secret);
            return ackLinkUrl(ackApiUrl, token);
          }
        : undefined,
    // The case link opens the case page with a view link signed with the same secret, when the case API is deployed.
    caseUrl:
      caseApiUrl && ackSecretId
        ? async (n) => {
            const [secret] = await signingSecrets(ackSecretId);
            return notificationViewUrl(caseApiUrl, secret, n, new Date());
          }
        : undefined,
    now: () => new Date(),
    leaseSeconds: STAGES.notify.timeoutSeconds,
  }),
);
