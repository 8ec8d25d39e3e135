import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An alarm that fires as soon as one message sits in a terminal queue (dead-letter or quarantine). */
export function queueNotEmptyAlarm(scope: Construct, id: string, queue: sqs.IQueue, description: string): cloudwatch.Alarm {
  return queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, id, {
      alarmDescription: description,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
}

/**
 * An alarm on the share of records a stage quarantines, from the stage's
 * batch metrics (EMF, namespace `MDR`, dimensions tenant and stage):
 * `100 * Quarantined / RecordsIn` per period. Periods with fewer than
 * `minRecords` records in count as 0, so a handful of bad records in a quiet
 * hour does not page.
 */
export function quarantineRatioAlarm(
  scope: Construct,
  id: string,
  props: { tenantId: string; stage: string; percent: number; minRecords: number; period: Duration; evaluationPeriods: number; description: string },
): cloudwatch.Alarm {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({ namespace: 'MDR', metricName, dimensionsMap: { tenant: props.tenantId, stage: props.stage }, statistic: cloudwatch.Stats.SUM, period: props.period });
  const ratio = new cloudwatch.MathExpression({
    expression: `IF(recordsIn >= ${props.minRecords}, 100 * quarantined / recordsIn, 0)`,
    usingMetrics: { recordsIn: metric('RecordsIn'), quarantined: metric('Quarantined') },
    period: props.period,
    label: `${props.stage} quarantined %`,
  });
  return ratio.createAlarm(scope, id, {
    alarmDescription: props.description,
    threshold: props.percent,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods,
    datapointsToAlarm: props.evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
