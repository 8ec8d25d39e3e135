import type { ChannelKind } from '../escalation/policy';

/** A generic signed webhook (Stripe-style `t=…,v1=…` signature over `t.body`). */
export interface WebhookChannelConfig {
  readonly kind: 'webhook';
  readonly url: string;
  /** Request timeout; a slow receiver is retried, not waited on. */
  readonly timeoutMs?: number;
}

/** Channels land one issue at a time; the foundation ships the generic webhook. */
export type ChannelConfig = WebhookChannelConfig;

export type ChannelsConfig = Readonly<Record<string, ChannelConfig>>;

export const SUPPORTED_CHANNEL_KINDS: readonly ChannelKind[] = ['webhook'];
