import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishEvents, type BusEvent } from '../../shared/aws/event-publisher';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import { caseEvent, SYSTEM_ACTOR } from '../../shared/cases/model';
import { DetailTypes, EventSources, STAGES } from '../../shared/catalogue';
import type { NotificationRequest } from '../../shared/contracts/notification';
import { stableId } from '../../shared/hash';
import { retryDelaySeconds } from '../../shared/notify/channels/index';
import { deliver, type NotifyContext } from '../../shared/notify/notify-service';

export interface NotifyDeps extends NotifyContext {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  busName: string;
  notifyQueueUrl: string;
  quarantineQueueUrl: string;
  /** Deliveries before SQS moves a message to the DLQ (the queue's maxReceiveCount). */
  maxAttempts?: number;
}

function requestProblem(v: unknown): string | undefined {
  const n = v as Partial<NotificationRequest> | null;
  if (!n || typeof n !== 'object') return 'not a notification request';
  for (const k of ['notificationId', 'caseId', 'channel', 'target', 'title', 'severity'] as const) {
    if (typeof n[k] !== 'string') return `notification request has no ${k}`;
  }
  return undefined;
}

/**
 * notify: notification requests → channel deliveries. A retryable failure
 * goes back to the queue with the channel's backoff (Retry-After honoured)
 * as its visibility; the last attempt and a refusal emit NotificationFailed
 * so the case shows it, and other channels are not held up.
 */
export function createNotifyHandler(deps: NotifyDeps) {
  const maxAttempts = deps.maxAttempts ?? STAGES.notify.maxReceiveCount;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const failures: BusEvent[] = [];
    const notificationFailed = async (n: NotificationRequest, reason: string, key: string) => {
      const c = await deps.cases.getCase(n.caseId);
      if (!c) return;
      const e = caseEvent(DetailTypes.notificationFailed, c, SYSTEM_ACTOR, deps.now(), undefined, 'notification_failed');
      const detail = { ...e.detail, eventId: stableId(n.notificationId, DetailTypes.notificationFailed), notificationId: n.notificationId, channel: n.channel, target: n.target, reason };
      failures.push({ source: EventSources.cases, detailType: DetailTypes.notificationFailed, detail, key });
    };
    await Promise.all(
      event.Records.map(async (record) => {
        const parsed = parseJsonBody(record.body);
        const problem = parsed.ok ? requestProblem(parsed.value) : parsed.reason;
        if (problem || !parsed.ok) {
          bad.push({ messageId: record.messageId, stage: 'notify', reason: problem ?? 'unreadable', body: record.body });
          return;
        }
        const n = parsed.value as NotificationRequest;
        const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1');
        // Every retry is timed here, not left to the queue's visibility timeout (six function timeouts): a page waits its backoff, never minutes.
        const retryLater = (retryAfterSeconds?: number) =>
          deps.sqs
            .send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: deps.notifyQueueUrl,
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: retryDelaySeconds(attempt, retryAfterSeconds),
              }),
            )
            .catch(() => undefined); // then the queue's own visibility timeout applies
        try {
          const result = await deliver(deps, n);
          if (result.kind === 'rejected') await notificationFailed(n, result.reason, record.messageId);
          if (result.kind !== 'retry') return;
          failed.add(record.messageId);
          if (attempt >= maxAttempts) {
            await notificationFailed(n, `gave up after ${attempt} attempts: ${result.reason}`, record.messageId);
            return;
          }
          await retryLater(result.retryAfterSeconds);
        } catch {
          failed.add(record.messageId);
          if (attempt < maxAttempts) await retryLater();
        }
      }),
    );
    const [publishFailed, quarantineFailed] = await Promise.all([
      publishEvents(deps.eventBridge, deps.busName, failures),
      quarantine(deps.sqs, deps.quarantineQueueUrl, bad),
    ]);
    return batchResponse([...failed, ...publishFailed, ...quarantineFailed]);
  };
}
