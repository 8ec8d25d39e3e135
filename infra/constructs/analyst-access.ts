import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CaseTableKeys } from '../../shared/catalogue';

export interface AnalystAccessProps {
  readonly prefix: string;
  /** The provider's analyst role, the only principal that may assume this role. */
  readonly analystRoleArn: string;
  /** Per-customer `sts:ExternalId` the provider passes when assuming (confused-deputy guard). */
  readonly externalId: string;
  readonly tableArn: string;
  readonly key: kms.IKey;
}

/** The only table actions the analyst role has: item reads and the listing index; no Scan, no writes. */
export const ANALYST_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/**
 * Read-only access of the MDR provider's analysts to this customer's cases
 * table: a role trusting exactly the provider's analyst role ARN, only with
 * this customer's external id, for at most an hour; it may read items and
 * query the table and its `casesByTime` index, and decrypt with the key
 * (DynamoDB reads need it), nothing else.
 */
export class AnalystAccess extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AnalystAccessProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      // A fixed name, so the provider can allow AssumeRole on it before the customer deploys.
      roleName: `${props.prefix}-analyst`,
      assumedBy: new iam.ArnPrincipal(props.analystRoleArn),
      externalIds: [props.externalId],
      maxSessionDuration: Duration.hours(1),
      description: `Read-only access of the MDR provider's analysts to the cases table of ${props.prefix}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCases',
        actions: [...ANALYST_TABLE_ACTIONS],
        resources: [props.tableArn, `${props.tableArn}/index/${CaseTableKeys.casesByTimeIndex}`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptCases',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [props.key.keyArn],
        // Only for reads DynamoDB makes on the analyst's behalf.
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}

