import type { PublishCommandOutput } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { SendEmailCommandOutput } from '@aws-sdk/client-sesv2';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { ChannelKind } from '../../escalation/policy';
import type { ChannelConfig, PagerDutyChannelConfig } from '../channels';
import { sendHttp, type DeliveryOutcome } from '../http';
import { classifyAwsError } from './aws-errors';
import { buildEmail, classifyEmailError, emailSent } from './email';
import { ChannelSetupError, secretField, type ChannelMessage } from './message';
import { buildPagerDutyTrigger, buildPagerDutyUpdate, classifyPagerDutyResponse } from './pagerduty';
import { buildSlackRequest, classifySlackResponse } from './slack';
import { buildSms, classifySmsError, smsSent } from './sms';
import { buildTeamsRequest, classifyTeamsResponse } from './teams';
import { buildWebhookRequest, classifyWebhookResponse, parseSigningSecrets } from './webhook';

export type { ChannelMessage, CurrentCaseInfo, MessageView } from './message';
export { ChannelSetupError } from './message';
export type { DeliveryOutcome } from '../http';

/** The slice of an SES v2 client delivery needs (a real `SESv2Client` fits; tests pass one pointed at moto). */
export interface SesSender {
  send(command: SendEmailCommand, options?: { abortSignal?: AbortSignal }): Promise<SendEmailCommandOutput>;
}

/** The slice of an SNS client delivery needs. */
export interface SnsSender {
  send(command: PublishCommand, options?: { abortSignal?: AbortSignal }): Promise<PublishCommandOutput>;
}

export interface DeliveryContext {
  /**
   * Resolves a Secrets Manager secret id (name or ARN) to its SecretString.
   * The caller caches; the value is never logged nor put in a reason.
   */
  secret(secretId: string): Promise<string>;
  /** Signing secrets of a webhook configured without `secretId` (the foundation's per-channel lookup). */
  webhookSecrets?(channelName: string): Promise<readonly string[]>;
  /** Required for `email` channels. Create it with `maxAttempts: 1`: retries belong to the queue. */
  ses?: SesSender;
  /** Required for `sms` channels. Create it with `maxAttempts: 1`. */
  sns?: SnsSender;
  now?: () => Date;
}

/** One channel kind: builds its request from the message, config and secret, sends it and classifies the outcome. */
export interface ChannelDriver<C extends ChannelConfig = ChannelConfig> {
  readonly kind: C['kind'];
  deliver(config: C, message: ChannelMessage, ctx: DeliveryContext): Promise<DeliveryOutcome>;
}

const DEFAULT_SDK_TIMEOUT_MS = 10_000;

const now = (ctx: DeliveryContext) => (ctx.now ? ctx.now() : new Date());

const webhookDriver: ChannelDriver<Extract<ChannelConfig, { kind: 'webhook' }>> = {
  kind: 'webhook',
  async deliver(config, message, ctx) {
    let secrets: readonly string[];
    if (config.secretId) secrets = parseSigningSecrets(await ctx.secret(config.secretId));
    else if (ctx.webhookSecrets) secrets = await ctx.webhookSecrets(message.notification.channel);
    else throw new ChannelSetupError('webhook has no secretId and no signing secret lookup');
    const req = buildWebhookRequest(message, config, secrets, Math.floor(now(ctx).getTime() / 1000));
    return sendHttp(req, classifyWebhookResponse);
  },
};

const pagerDutyDriver: ChannelDriver<PagerDutyChannelConfig> = {
  kind: 'pagerduty',
  async deliver(config, message, ctx) {
    const routingKey = secretField(await ctx.secret(config.secretId), ['routingKey', 'routing_key', 'integrationKey'], 'pagerduty');
    return sendHttp(buildPagerDutyTrigger(message, config, routingKey, now(ctx)), classifyPagerDutyResponse);
  },
};

const slackDriver: ChannelDriver<Extract<ChannelConfig, { kind: 'slack' }>> = {
  kind: 'slack',
  async deliver(config, message, ctx) {
    const keys = config.mode === 'bot' ? ['botToken', 'token'] : ['webhookUrl', 'url'];
    const secret = secretField(await ctx.secret(config.secretId), keys, 'slack');
    return sendHttp(buildSlackRequest(message, config, secret), (res) => classifySlackResponse(res, config.mode));
  },
};

const teamsDriver: ChannelDriver<Extract<ChannelConfig, { kind: 'teams' }>> = {
  kind: 'teams',
  async deliver(config, message, ctx) {
    const url = secretField(await ctx.secret(config.secretId), ['workflowUrl', 'webhookUrl', 'url'], 'teams');
    return sendHttp(buildTeamsRequest(message, config, url), classifyTeamsResponse);
  },
};

const emailDriver: ChannelDriver<Extract<ChannelConfig, { kind: 'email' }>> = {
  kind: 'email',
  async deliver(config, message, ctx) {
    if (!ctx.ses) throw new ChannelSetupError('no SES client for email channels');
    const input = buildEmail(message, config);
    try {
      const out = await ctx.ses.send(new SendEmailCommand(input), { abortSignal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_SDK_TIMEOUT_MS) });
      return emailSent(out);
    } catch (e) {
      return classifyEmailError(e);
    }
  },
};

const smsDriver: ChannelDriver<Extract<ChannelConfig, { kind: 'sms' }>> = {
  kind: 'sms',
  async deliver(config, message, ctx) {
    const sns = ctx.sns;
    if (!sns) throw new ChannelSetupError('no SNS client for sms channels');
    const inputs = buildSms(message, config);
    const outs: PublishCommandOutput[] = [];
    // One number at a time: a failure stops the rest, so a retry repeats as few texts as possible.
    for (const input of inputs) {
      try {
        outs.push(await sns.send(new PublishCommand(input), { abortSignal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_SDK_TIMEOUT_MS) }));
      } catch (e) {
        const outcome = classifySmsError(e);
        return outs.length && outcome.kind !== 'sent' ? { ...outcome, reason: `${outcome.reason} (after ${outs.length} of ${inputs.length} numbers were sent)` } : outcome;
      }
    }
    return smsSent(outs);
  },
};

/** Every channel kind's driver. */
export const CHANNEL_DRIVERS: { readonly [K in ChannelKind]: ChannelDriver<Extract<ChannelConfig, { kind: K }>> } = {
  webhook: webhookDriver,
  pagerduty: pagerDutyDriver,
  slack: slackDriver,
  teams: teamsDriver,
  email: emailDriver,
  sms: smsDriver,
};

function settle(e: unknown, what: string): DeliveryOutcome {
  if (e instanceof ChannelSetupError) return { kind: 'rejected', status: 0, reason: e.message };
  return classifyAwsError(e, what);
}

async function resolving<T>(work: () => Promise<T>, what: string): Promise<T | DeliveryOutcome> {
  try {
    return await work();
  } catch (e) {
    return settle(e, what);
  }
}

/**
 * Delivers one notification on one channel and says how it went: `sent`,
 * `retry` (408/429/5xx, throttling, timeouts, network errors; with the
 * receiver's Retry-After when it gave one) or `rejected` (other 4xx, a bad
 * secret or configuration: retrying will not help). Never throws.
 */
export async function deliverVia(config: ChannelConfig, message: ChannelMessage, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const driver = CHANNEL_DRIVERS[config.kind] as ChannelDriver | undefined;
  if (!driver) return { kind: 'rejected', status: 0, reason: `unsupported channel kind "${(config as { kind: string }).kind}"` };
  return (await resolving(() => driver.deliver(config, message, ctx), `${config.kind} delivery`)) as DeliveryOutcome;
}

/**
 * Keeps a channel in step with the case. Today only PagerDuty has state to
 * sync: `acknowledge` when the case is acknowledged here, `resolve` when it
 * is resolved or closed. Returns undefined for channels without state. Do
 * not call it for an ack that came from PagerDuty itself.
 */
export async function syncCaseState(
  config: ChannelConfig,
  caseId: string,
  action: 'acknowledge' | 'resolve',
  ctx: DeliveryContext,
): Promise<DeliveryOutcome | undefined> {
  if (config.kind !== 'pagerduty') return undefined;
  return (await resolving(async () => {
    const routingKey = secretField(await ctx.secret(config.secretId), ['routingKey', 'routing_key', 'integrationKey'], 'pagerduty');
    return sendHttp(buildPagerDutyUpdate(caseId, action, config, routingKey), classifyPagerDutyResponse);
  }, `pagerduty ${action}`)) as DeliveryOutcome;
}

/** First retry waits up to this long; each attempt doubles the ceiling. */
export const BASE_RETRY_DELAY_SECONDS = 2;
/** No retry waits longer than this (also well inside SQS's 12-hour visibility limit). */
export const MAX_RETRY_DELAY_SECONDS = 900;

/**
 * Seconds to wait before attempt `attempt + 1` (attempt counts from 1):
 * exponential backoff with full jitter, at least 1 s, at most 15 minutes. A
 * receiver's Retry-After is honoured as a floor (still capped).
 */
export function retryDelaySeconds(attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(Number.isFinite(attempt) ? attempt : 1));
  const ceiling = Math.min(MAX_RETRY_DELAY_SECONDS, BASE_RETRY_DELAY_SECONDS * 2 ** Math.min(n - 1, 30));
  const jittered = Math.ceil(random() * ceiling);
  const floor = retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) ? Math.max(0, Math.ceil(retryAfterSeconds)) : 0;
  return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(1, jittered, floor));
}
