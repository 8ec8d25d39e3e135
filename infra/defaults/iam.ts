import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { ChannelsConfig } from '../../shared/notify/channels';

/**
 * Least-privilege grants written out action by action. The CDK's own
 * `grant*` helpers add `kms:ReEncrypt*` and `kms:GenerateDataKey*` for
 * encrypted resources; these grant only what the calls made need, with no
 * wildcard action and no wildcard resource.
 */

/** Send to an SSE-KMS queue: SendMessage (covers SendMessageBatch) plus the data key. */
export function grantSendToQueue(grantee: iam.IGrantable, queueArn: string, key: kms.IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queueArn] }));
  grantKeyUse(grantee, key, ['kms:GenerateDataKey', 'kms:Decrypt']);
}

export const TABLE_READ_WRITE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Item reads and writes on one table (transactions are authorised per item action); no Scan, no table management. */
export function grantTableReadWrite(grantee: iam.IGrantable, tableArn: string, key: kms.IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...TABLE_READ_WRITE_ACTIONS], resources: [tableArn] }));
  grantKeyUse(grantee, key, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
}

/** Named KMS actions on one key. */
export function grantKeyUse(grantee: iam.IGrantable, key: kms.IKey, actions: readonly string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [key.keyArn] }));
}

/**
 * Correlation windows: get, conditional put and delete of CORRSTATE# items
 * only (dynamodb:LeadingKeys), so detect cannot read or change cases.
 */
export function grantCorrelationState(grantee: iam.IGrantable, tableArn: string, key: kms.IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      resources: [tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CORRSTATE#*'] } },
    }),
  );
  grantKeyUse(grantee, key, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
}

/** What the notify stage may reach for its configured channels, as ARNs (see `channelGrants`). */
export interface ChannelGrants {
  /** Secrets the channels name (`secretId`): exact ARNs or name-based ARN patterns. */
  readonly secretArns: readonly string[];
  /** SES identities (the `from` address and its domain) and configuration sets of email channels. */
  readonly sesResourceArns: readonly string[];
  /** True when an SMS channel exists: sns:Publish to phone numbers. */
  readonly smsPublish: boolean;
}

/** ARN parts of the deployment (tokens in a stack, literals in tests). */
export interface ArnContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * ARNs a secret id (name or ARN) may resolve to. Secrets Manager appends a
 * dash and six random characters to a secret's name in its ARN, so a name is
 * granted as `<name>-??????`: exactly that secret, not `<name>-other` (which
 * the broader `<name>-*` would also match). A full ARN is granted as given
 * and with the suffix pattern, in case it is a partial ARN.
 */
export function secretArnsFor(secretId: string, ctx: ArnContext): string[] {
  if (secretId.startsWith('arn:')) return [secretId, `${secretId}-??????`];
  return [`arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${secretId}-??????`];
}

/** The address inside `Name <address>`, or the string itself. */
function emailAddress(from: string): string {
  return from.match(/<([^>]+)>\s*$/)?.[1] ?? from;
}

/** The ARNs the notify stage needs for the configured channels. */
export function channelGrants(channels: ChannelsConfig, ctx: ArnContext): ChannelGrants {
  const secrets = new Set<string>();
  const ses = new Set<string>();
  let sms = false;
  const sesArn = (resource: string) => `arn:${ctx.partition}:ses:${ctx.region}:${ctx.account}:${resource}`;
  for (const ch of Object.values(channels)) {
    if ('secretId' in ch && ch.secretId) for (const a of secretArnsFor(ch.secretId, ctx)) secrets.add(a);
    if (ch.kind === 'email') {
      // SES authorises SendEmail on the identity that verifies the sender: the address or its domain.
      const address = emailAddress(ch.from);
      ses.add(sesArn(`identity/${address}`));
      ses.add(sesArn(`identity/${address.slice(address.lastIndexOf('@') + 1)}`));
      if (ch.configurationSetName) ses.add(sesArn(`configuration-set/${ch.configurationSetName}`));
    }
    if (ch.kind === 'sms') sms = true;
  }
  return { secretArns: [...secrets], sesResourceArns: [...ses], smsPublish: sms };
}

/**
 * Grants the notify stage what its channels need: read of each channel's
 * secret, `ses:SendEmail` on the sender identities, and `sns:Publish` for
 * SMS. SMS to a phone number has no resource ARN, so that one statement has
 * `Resource: "*"`; the caller acknowledges it (AwsSolutions-IAM5).
 */
export function grantNotifyChannels(grantee: iam.IGrantable, channels: ChannelsConfig, ctx: ArnContext): ChannelGrants {
  const g = channelGrants(channels, ctx);
  const add = (s: iam.PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(s);
  if (g.secretArns.length) {
    add(new iam.PolicyStatement({ sid: 'ReadChannelSecrets', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [...g.secretArns] }));
  }
  if (g.sesResourceArns.length) add(new iam.PolicyStatement({ sid: 'SendEmail', actions: ['ses:SendEmail'], resources: [...g.sesResourceArns] }));
  if (g.smsPublish) add(new iam.PolicyStatement({ sid: 'PublishSms', actions: ['sns:Publish'], resources: ['*'] }));
  return g;
}
