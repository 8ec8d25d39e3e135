import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { DLQ_RETENTION_DAYS } from '../../shared/catalogue';

/**
 * Secure-by-default queue properties: encrypted at rest with the given
 * customer-managed key, TLS required for every request.
 */
export function secureQueueProps(key: kms.IKey): Pick<sqs.QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL' | 'dataKeyReuse'> {
  return {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    // SQS caches the data key this long: fewer KMS calls on the hot path (the default, stated).
    dataKeyReuse: Duration.minutes(5),
  };
}

/** Properties of a terminal queue (dead-letter or quarantine): secure, and keeps messages as long as SQS allows. */
export function terminalQueueProps(key: kms.IKey): sqs.QueueProps {
  return {
    ...secureQueueProps(key),
    retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
  };
}
