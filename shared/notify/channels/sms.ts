import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { SmsChannelConfig } from '../channels';
import type { DeliveryOutcome } from '../http';
import { classifyAwsError } from './aws-errors';
import { ChannelSetupError, E164_PATTERN, observableLines, resolveRecipients, severityLabel, truncate, viewOf, type ChannelMessage, type MessageView } from './message';

/** Keep texts to a few segments: links are long and carriers split beyond 160 GSM-7 characters. */
export const SMS_MAX_CHARS = 480;

/** `MDR HIGH: title / case: <url> / ack: <url>`, the title shortened so the links always fit. */
export function smsText(view: MessageView): string {
  const head = `MDR ${severityLabel(view.severity)}: `;
  const tail = ` / case: ${view.caseUrl}${view.ackUrl ? ` / ack: ${view.ackUrl}` : ''}`;
  let budget = Math.max(20, SMS_MAX_CHARS - head.length - tail.length);
  const title = truncate(view.title.replace(/\s+/g, ' ').trim(), Math.min(120, budget));
  budget -= title.length;
  const obs = observableLines(view).join('; ');
  const obsPart = obs && budget > 10 ? ` / ${truncate(obs, budget - 3)}` : '';
  return `${head}${title}${obsPart}${tail}`;
}

/** Pure builder: one SNS Publish input per recipient number (SNS takes one PhoneNumber per call). */
export function buildSms(msg: ChannelMessage, config: SmsChannelConfig): PublishCommandInput[] {
  const view = viewOf(msg, config.includeObservables === true);
  const numbers = resolveRecipients(view.target, config, (s) => E164_PATTERN.test(s));
  if (!numbers.length) throw new ChannelSetupError(`no SMS recipient for target "${view.target}"`);
  const message = smsText(view);
  const attributes: NonNullable<PublishCommandInput['MessageAttributes']> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: config.smsType ?? 'Transactional' },
  };
  if (config.senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: config.senderId };
  if (config.originationNumber) attributes['AWS.MM.SMS.OriginationNumber'] = { DataType: 'String', StringValue: config.originationNumber };
  return numbers.map((PhoneNumber) => ({ PhoneNumber, Message: message, MessageAttributes: attributes }));
}

/** Publish succeeded for every number. */
export function smsSent(outs: { MessageId?: string; $metadata?: { httpStatusCode?: number } }[]): DeliveryOutcome {
  const ids = outs.map((o) => o.MessageId).filter(Boolean);
  return { kind: 'sent', status: outs[0]?.$metadata?.httpStatusCode ?? 200, ...(ids.length ? { providerMessageId: ids.join(',') } : {}) };
}

/** Throttled, KMS throttling and internal errors retry; InvalidParameter, AuthorizationError, opted-out numbers: rejected. */
export function classifySmsError(e: unknown): DeliveryOutcome {
  return classifyAwsError(e, 'SNS Publish');
}
