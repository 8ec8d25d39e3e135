import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EVIDENCE_PREFIX } from '../../shared/aws/evidence-store';
import { acknowledge } from '../nag';

export interface DataBucketProps {
  readonly key: kms.IKey;
  /** Days large evidence objects are kept (the alerts that point at them expire with the same retention). */
  readonly evidenceRetentionDays: number;
}

/**
 * The deployment's own objects: the rules artifact detect re-reads (so rules
 * change without a code deploy; versioned, so a bad upload can be rolled
 * back) and evidence too large to keep inline with its alert. Encrypted with
 * the stack's key, TLS only, never public.
 */
export class DataBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'evidence-retention', prefix: EVIDENCE_PREFIX, expiration: Duration.days(props.evidenceRetentionDays), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'old-rule-artifacts', prefix: 'rules/', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Only the deployment writes here (the rules artifact at deploy, evidence from detect); every API call on it is in CloudTrail, and a server access log bucket would need its own, unencrypted-by-KMS, log bucket.',
    );
  }
}
