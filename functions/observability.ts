import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { SQSEvent } from 'aws-lambda';

/**
 * The functions' structured logger (Powertools): JSON lines with the
 * function's name, request id and cold-start flag, and a correlation id per
 * invocation. Service name and level come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL, set per function by the stack.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mdr' });

/** Adds the Lambda context to every line and clears keys a previous invocation appended. */
export const loggerContext = () => injectLambdaContext(logger, { resetKeys: true });

/**
 * Correlation of an SQS batch: the first message id names the batch (the
 * event source mapping has no batch id of its own), with the batch size, so
 * the lines of one invocation can be found together. Logging stays per
 * batch on the telemetry path: nothing here writes per record.
 */
export function sqsCorrelation(): MiddlewareObj<SQSEvent> {
  return {
    before: (request) => {
      const records = request.event.Records ?? [];
      logger.setCorrelationId(records[0]?.messageId ?? 'empty-batch');
      logger.appendKeys({ batchSize: records.length });
    },
  };
}

/** An error as log fields: name, message, and the stack for operators. */
export function errorFields(e: unknown): Record<string, unknown> {
  return e instanceof Error ? { error: { name: e.name, message: e.message, stack: e.stack } } : { error: String(e) };
}

/** Correlation of an API request: API Gateway's request id, which its access log carries too. */
export function httpCorrelation(): MiddlewareObj<{ requestContext?: { requestId?: string } }> {
  return {
    before: (request) => {
      logger.setCorrelationId(request.event.requestContext?.requestId ?? 'unknown-request');
    },
  };
}
