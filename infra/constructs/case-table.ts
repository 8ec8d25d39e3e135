import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CaseTableKeys } from '../../shared/catalogue';

export interface CaseTableProps {
  /** Physical table name (catalogue `resourceNames(prefix).table`). */
  readonly tableName: string;
  readonly key: kms.IKey;
}

/**
 * The single cases table: keys and TTL attribute from the catalogue,
 * on-demand, point-in-time recovery, encrypted with the customer-managed key,
 * protected from deletion and retained if the stack goes.
 */
export class CaseTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: CaseTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: CaseTableKeys.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CaseTableKeys.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: CaseTableKeys.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Case listing by creation time; only case items carry the index keys, so it stays small.
    this.table.addGlobalSecondaryIndex({
      indexName: CaseTableKeys.casesByTimeIndex,
      partitionKey: { name: CaseTableKeys.indexPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CaseTableKeys.indexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
