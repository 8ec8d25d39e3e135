/* eslint-disable @typescript-eslint/no-require-imports */
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { ackLinkUrl, DEFAULT_ACK_LINK_TTL_MS, issueAckToken } from '../shared/ack/link-token';
import { Env } from '../shared/catalogue';
import { LocalHttpApi } from './api-server';

/** The local ack API's secrets, so tests and demos can sign what Slack and PagerDuty would. */
export interface LocalAckSecrets {
  link: string;
  slack: string;
  pagerDuty: string;
}

/**
 * The acknowledgement API on loopback: the real Lambda entry point
 * (functions/ack-api/index.ts) behind the same API Gateway v2 event shape,
 * with its three secrets created on moto and their ids in the environment.
 */
export class LocalAckApi {
  private constructor(
    private readonly http: LocalHttpApi,
    readonly secrets: LocalAckSecrets,
  ) {}

  get url(): string {
    return this.http.url;
  }

  static async start(secretsClient: SecretsManagerClient, prefix: string): Promise<LocalAckApi> {
    const secrets: LocalAckSecrets = {
      link: randomBytes(32).toString('hex'),
      slack: randomBytes(16).toString('hex'),
      pagerDuty: randomBytes(24).toString('base64url'),
    };
    const ids = { link: `${prefix}/ack-link-signing`, slack: `${prefix}/slack-signing`, pagerDuty: `${prefix}/pagerduty-webhook` };
    for (const k of Object.keys(ids) as (keyof LocalAckSecrets)[]) {
      await secretsClient.send(new CreateSecretCommand({ Name: ids[k], SecretString: JSON.stringify({ current: secrets[k] }) }));
    }
    Object.assign(process.env, {
      [Env.ackLinkSecretId]: ids.link,
      [Env.slackSigningSecretId]: ids.slack,
      [Env.pagerDutyWebhookSecretId]: ids.pagerDuty,
    });
    // Required at the first request, after the runtime has set the environment the module reads.
    const http = new LocalHttpApi((event, context) =>
      (require('../functions/ack-api/index').handler as (e: APIGatewayProxyEventV2, c: unknown) => Promise<APIGatewayProxyStructuredResultV2>)(event, context),
    );
    await http.start();
    return new LocalAckApi(http, secrets);
  }

  /** A signed ack link for a notification, as the notify stage puts in a message. */
  link(caseId: string, notificationId: string, options: { expiresAt?: Date; target?: string } = {}): string {
    const token = issueAckToken(
      { caseId, notificationId, expiresAt: options.expiresAt ?? new Date(Date.now() + DEFAULT_ACK_LINK_TTL_MS), ...(options.target ? { target: options.target } : {}) },
      this.secrets.link,
    );
    return ackLinkUrl(this.url, token);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
