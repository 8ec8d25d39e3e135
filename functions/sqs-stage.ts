import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loggerContext, sqsCorrelation } from './observability';

/**
 * The middy adapter every SQS-fed stage shares: structured logging with the
 * Lambda context and a batch correlation id; the stage's handler returns
 * partial batch failures; an error that escapes it fails the whole batch,
 * which the event source mapping retries and finally dead-letters.
 */
export function sqsStage(handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) {
  return middy<SQSEvent, SQSBatchResponse>().use(loggerContext()).use(sqsCorrelation()).handler(handler);
}
