import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import type { NotificationRequest } from '../../shared/contracts/notification';
import { deliver, type NotifyContext } from '../../shared/notify/notify-service';

export interface NotifyDeps extends NotifyContext {
  sqs: SQSClient;
  quarantineQueueUrl: string;
}

function requestProblem(v: unknown): string | undefined {
  const n = v as Partial<NotificationRequest> | null;
  if (!n || typeof n !== 'object') return 'not a notification request';
  for (const k of ['notificationId', 'caseId', 'channel', 'target', 'title', 'severity'] as const) {
    if (typeof n[k] !== 'string') return `notification request has no ${k}`;
  }
  return undefined;
}

/** notify: notification requests → channel deliveries; retryable failures go back to the queue. */
export function createNotifyHandler(deps: NotifyDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const parsed = parseJsonBody(record.body);
        const problem = parsed.ok ? requestProblem(parsed.value) : parsed.reason;
        if (problem || !parsed.ok) {
          bad.push({ messageId: record.messageId, stage: 'notify', reason: problem ?? 'unreadable', body: record.body });
          return;
        }
        try {
          const result = await deliver(deps, parsed.value as NotificationRequest);
          if (result.kind === 'retry') failed.add(record.messageId);
        } catch {
          failed.add(record.messageId);
        }
      }),
    );
    for (const id of await quarantine(deps.sqs, deps.quarantineQueueUrl, bad)) failed.add(id);
    return batchResponse(failed);
  };
}
