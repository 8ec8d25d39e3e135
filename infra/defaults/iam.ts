import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

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
