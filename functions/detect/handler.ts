import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { DetailTypes, EventSources } from '../../shared/catalogue';
import { isTelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { detectBatch } from '../../shared/detect/detector';
import type { CorrelationEngine, RuleSet } from '../../shared/detect/sigma';
import type { TelemetryEvent } from '../../shared/telemetry';

export interface DetectDeps {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
  tenantId: string;
  rules: RuleSet;
  /** Present when the rule set has correlation rules: their windows live in its store. */
  correlations?: CorrelationEngine;
  now?: () => Date;
}

/** detect: telemetry batches → Sigma evaluation → one PutEvents per ten findings. */
export function createDetectHandler(deps: DetectDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const bad: QuarantineItem[] = [];
    const failed = new Set<string>();
    const now = deps.now?.() ?? new Date();
    const busEvents = [];
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      if (!parsed.ok || !isTelemetryBatch(parsed.value)) {
        const reason = parsed.ok ? 'not a telemetry batch (expected {"v":1,"events":[…]})' : parsed.reason;
        bad.push({ messageId: record.messageId, stage: 'detect', reason, body: record.body });
        continue;
      }
      const events: TelemetryEvent[] = parsed.value.events;
      let detections;
      try {
        detections = await detectBatch(events, deps.rules, { tenantId: deps.tenantId, now }, deps.correlations);
      } catch {
        // Correlation state unreachable: retry the message rather than lose a window.
        failed.add(record.messageId);
        continue;
      }
      for (const d of detections) {
        busEvents.push({ source: EventSources.detect, detailType: DetailTypes.finding, detail: d.finding, key: record.messageId });
      }
    }
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, busEvents),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    for (const id of [...publishFailed, ...quarantineFailed]) failed.add(id);
    return batchResponse(failed);
  };
}
