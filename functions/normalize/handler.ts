import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { quarantine } from '../../shared/aws/quarantine';
import { batchResponse, inbound } from '../../shared/aws/sqs-batch';
import { packJson, sendMessages } from '../../shared/aws/sqs-sender';
import type { TelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { normalizeBatch } from '../../shared/normalize/normalize-batch';
import type { TelemetryEvent } from '../../shared/telemetry';

export interface NormalizeDeps {
  sqs: SQSClient;
  detectQueueUrl: string;
  quarantineQueueUrl: string;
}

/** normalize: source records → OCSF telemetry batches on the detect queue; bad records → quarantine. */
export function createNormalizeHandler(deps: NormalizeDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { events, rejected } = normalizeBatch(inbound(event.Records));
    const messages = packJson(
      events.map((e) => ({ item: e.event, source: e.source })),
      (batch: TelemetryEvent[]): TelemetryBatch => ({ v: 1, events: batch }),
    );
    const [sendFailed, quarantineFailed] = await Promise.all([
      sendMessages(deps.sqs, deps.detectQueueUrl, messages),
      quarantine(
        deps.sqs,
        deps.quarantineQueueUrl,
        rejected.map((r) => ({ ...r, stage: 'normalize' })),
      ),
    ]);
    return batchResponse([...sendFailed, ...quarantineFailed]);
  };
}
