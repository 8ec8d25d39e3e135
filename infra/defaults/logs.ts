import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/** The retention periods CloudWatch Logs accepts, in days. */
const SUPPORTED_RETENTION_DAYS = Object.values(logs.RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v > 0)
  .sort((a, b) => a - b);

/**
 * CloudWatch Logs accepts only certain retention periods; a configured number
 * of days is rounded up to the next one it accepts, so logs are never kept
 * shorter than asked.
 */
export function retentionFor(days: number): logs.RetentionDays {
  const supported = SUPPORTED_RETENTION_DAYS.find((d) => d >= days);
  if (supported === undefined) throw new Error(`log retention of ${days} days exceeds the CloudWatch Logs maximum`);
  return supported as logs.RetentionDays;
}

/** An encrypted log group with a bounded retention. */
export function logGroupProps(key: kms.IKey, retentionDays: number): logs.LogGroupProps {
  return {
    encryptionKey: key,
    retention: retentionFor(retentionDays),
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
