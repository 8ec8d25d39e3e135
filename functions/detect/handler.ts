import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { logger } from '../observability';
import { offloadEvidence } from '../../shared/aws/evidence-store';
import { publishEvents } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { DetailTypes, EventSources } from '../../shared/catalogue';
import { isTelemetryBatch } from '../../shared/contracts/telemetry-batch';
import { detectEvents } from '../../shared/detect/detector';
import type { RulesProvider } from '../../shared/detect/rules-artifact';
import type { CorrelationEngine, RuleSet } from '../../shared/detect/sigma';
import type { TelemetryEvent } from '../../shared/telemetry';

export interface DetectDeps {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  quarantineQueueUrl: string;
  tenantId: string;
  /** The rules (and suppressions) to run: fixed, or refreshed from S3 between invocations. */
  rules: RulesProvider;
  /**
   * The correlation engine for a rule set (windows in its store), or undefined
   * when it has no correlation rules; called once per distinct rule set.
   */
  correlationsFor?: (rules: RuleSet) => CorrelationEngine | undefined;
  /** Where events too large to ride inline with their finding are kept; without it they are marked truncated only. */
  evidence?: { s3: S3Client; bucket: string };
  now?: () => Date;
  /** Told once per invocation that suppressed matches (the structured logger by default). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** detect: telemetry batches → Sigma evaluation → one PutEvents per ten findings. */
export function createDetectHandler(deps: DetectDeps) {
  const engines = new WeakMap<RuleSet, CorrelationEngine | undefined>();
  const engineFor = (rules: RuleSet): CorrelationEngine | undefined => {
    if (!deps.correlationsFor) return undefined;
    if (!engines.has(rules)) engines.set(rules, deps.correlationsFor(rules));
    return engines.get(rules);
  };
  const log = deps.log ?? ((message: string, fields: Record<string, unknown>) => logger.info(message, fields));
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { rules, suppressions, digest } = await deps.rules.current();
    const correlations = engineFor(rules);
    const bad: QuarantineItem[] = [];
    const failed = new Set<string>();
    const now = deps.now?.() ?? new Date();
    const busEvents = [];
    const suppressed: Record<string, number> = {};
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      if (!parsed.ok || !isTelemetryBatch(parsed.value)) {
        const reason = parsed.ok ? 'not a telemetry batch (expected {"v":1,"events":[…]})' : parsed.reason;
        bad.push({ messageId: record.messageId, stage: 'detect', reason, body: record.body });
        continue;
      }
      const events: TelemetryEvent[] = parsed.value.events;
      let result;
      try {
        result = await detectEvents(events, rules, { tenantId: deps.tenantId, now }, { correlations, suppressions });
      } catch {
        // Correlation state unreachable: retry the message rather than lose a window.
        failed.add(record.messageId);
        continue;
      }
      for (const [id, n] of Object.entries(result.suppressed)) suppressed[id] = (suppressed[id] ?? 0) + n;
      let findings;
      try {
        findings = await Promise.all(result.detections.map((d) => (deps.evidence ? offloadEvidence(deps.evidence.s3, deps.evidence.bucket, d.finding, d.events) : d.finding)));
      } catch {
        // Evidence not stored: retry the message rather than publish a finding pointing nowhere.
        failed.add(record.messageId);
        continue;
      }
      for (const finding of findings) {
        busEvents.push({ source: EventSources.detect, detailType: DetailTypes.finding, detail: finding, key: record.messageId });
      }
    }
    // Suppressed matches are counted per invocation, never logged per event.
    if (Object.keys(suppressed).length > 0) {
      log('rule matches suppressed', { tenant: deps.tenantId, rules: digest, suppressed });
    }
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, busEvents),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    for (const id of [...publishFailed, ...quarantineFailed]) failed.add(id);
    return batchResponse(failed);
  };
}
