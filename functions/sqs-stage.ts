import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * The middy adapter every SQS-fed stage shares: the stage's handler returns
 * partial batch failures; an error that escapes it fails the whole batch,
 * which the event source mapping retries and finally dead-letters.
 */
export function sqsStage(handler: (event: SQSEvent) => Promise<SQSBatchResponse>) {
  return middy<SQSEvent, SQSBatchResponse>().handler(handler);
}
