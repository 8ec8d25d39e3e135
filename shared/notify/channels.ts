import type { ChannelKind } from '../escalation/policy';

/** A generic signed webhook (Stripe-style `t=…,v1=…` signature over `t.body`). */
export interface WebhookChannelConfig {
  readonly kind: 'webhook';
  readonly url: string;
  /** Request timeout; a slow receiver is retried, not waited on. */
  readonly timeoutMs?: number;
}

/**
 * Options every channel accepts. Secrets (routing keys, bot tokens, webhook
 * URLs that embed a token, signing secrets) are never inline: a channel names
 * a Secrets Manager secret (`secretId`, a name or ARN) and the notify stage
 * resolves it at send time.
 */
export interface ChannelCommon {
  /** Per-attempt timeout in milliseconds (HTTP request or SDK call). */
  readonly timeoutMs?: number;
  /** Put the case's observables (users, hosts, IPs, accounts, resources) in the text. Off by default. */
  readonly includeObservables?: boolean;
}

/**
 * The generic webhook as configured: the foundation's shape plus where its
 * signing secrets live. The secret's value is one secret, a JSON list of
 * secrets, or `{"current": "...", "previous": "..."}` (two valid during a
 * rotation). Without `secretId` the notify stage's own per-channel lookup
 * supplies the secrets.
 */
export type SignedWebhookChannelConfig = WebhookChannelConfig &
  ChannelCommon & {
    readonly secretId?: string;
  };

/** PagerDuty Events API v2; the secret holds the integration's routing key. */
export interface PagerDutyChannelConfig extends ChannelCommon {
  readonly kind: 'pagerduty';
  readonly secretId: string;
  /** `eu` sends to events.eu.pagerduty.com; default `us` (events.pagerduty.com). */
  readonly region?: 'us' | 'eu';
  /** Full enqueue URL, overriding `region` (a proxy, or a loopback receiver in tests). */
  readonly url?: string;
  /** PagerDuty `payload.source`; default `mdr/<tenantId>`. */
  readonly source?: string;
}

/** Slack through an incoming webhook: the secret holds the webhook URL (it embeds the token). */
export interface SlackWebhookChannelConfig extends ChannelCommon {
  readonly kind: 'slack';
  readonly mode: 'webhook';
  readonly secretId: string;
  /** The workspace (`T…`) whose Acknowledge clicks are accepted; others are refused even when signed. */
  readonly teamId?: string;
}

/** Slack through a bot token and `chat.postMessage`: the secret holds the `xoxb-` token. */
export interface SlackBotChannelConfig extends ChannelCommon {
  readonly kind: 'slack';
  readonly mode: 'bot';
  readonly secretId: string;
  /** Conversation id (`C…`, `G…` or `D…`) the bot posts to; the bot must be a member. */
  readonly channelId: string;
  /** Web API base; default `https://slack.com/api`. */
  readonly apiBaseUrl?: string;
  /** The workspace (`T…`) whose Acknowledge clicks are accepted; others are refused even when signed. */
  readonly teamId?: string;
}

export type SlackChannelConfig = SlackWebhookChannelConfig | SlackBotChannelConfig;

/** Microsoft Teams Workflows ("when a Teams webhook request is received"): the secret holds the flow URL (it embeds a `sig`). */
export interface TeamsChannelConfig extends ChannelCommon {
  readonly kind: 'teams';
  readonly secretId: string;
}

/**
 * Recipients of email and SMS. A notification's `target` is looked up in
 * `recipients`; a target that is itself an address (or E.164 number) is used
 * as is; otherwise `to` applies.
 */
export interface RecipientOptions {
  readonly to?: readonly string[];
  readonly recipients?: Readonly<Record<string, readonly string[]>>;
}

/** Email through Amazon SES v2 `SendEmail`; `from` must be a verified identity. */
export interface EmailChannelConfig extends ChannelCommon, RecipientOptions {
  readonly kind: 'email';
  readonly from: string;
  readonly configurationSetName?: string;
}

/** SMS through Amazon SNS `Publish` to a phone number (E.164). */
export interface SmsChannelConfig extends ChannelCommon, RecipientOptions {
  readonly kind: 'sms';
  /** Alphanumeric sender id where the destination country supports it (1–11 characters). */
  readonly senderId?: string;
  /** Origination number (E.164) registered in the account, where required. */
  readonly originationNumber?: string;
  /** Default `Transactional` (higher delivery priority). */
  readonly smsType?: 'Transactional' | 'Promotional';
}

export type ChannelConfig =
  | SignedWebhookChannelConfig
  | PagerDutyChannelConfig
  | SlackChannelConfig
  | TeamsChannelConfig
  | EmailChannelConfig
  | SmsChannelConfig;

export type ChannelsConfig = Readonly<Record<string, ChannelConfig>>;

export const SUPPORTED_CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'pagerduty', 'slack', 'teams', 'email', 'sms'];
