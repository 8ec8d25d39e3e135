import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, NotificationLedger } from '../notify/ledger';

const key = (id: string) => ({ pk: `NOTIF#${id}`, sk: 'NOTIF' });

/** A delivery outcome on the case timeline, written in the same transaction as the ledger change. */
function timelineEntry(caseId: string, at: string, notificationId: string, action: string, details: Record<string, unknown>) {
  return {
    pk: `CASE#${caseId}`,
    sk: `TL#${at}#${notificationId}`,
    at,
    action,
    actor: { type: 'system', id: 'mdr-notify' },
    requestId: notificationId,
    details,
  };
}

/** NOTIF#<id> items in the cases table; outcomes also land on the case timeline. */
export class DynamoNotificationLedger implements NotificationLedger {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async claim(notificationId: string, caseId: string, at: Date, leaseSeconds: number): Promise<ClaimResult> {
    const lease = new Date(at.getTime() - leaseSeconds * 1000).toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(notificationId), caseId, state: 'sending', claimedAt: at.toISOString() },
          // Free, released after a failed attempt, or held by an attempt that outlived its lease.
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :failed OR (#s = :sending AND claimedAt < :lease)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':sending': 'sending', ':lease': lease },
        }),
      );
      return 'claimed';
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException')) throw e;
      const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: key(notificationId), ConsistentRead: true }));
      if (res.Item?.state !== 'sending') return 'already-sent';
      const claimedAt = Date.parse(String(res.Item.claimedAt));
      return { state: 'in-progress', leaseEndsAt: new Date((Number.isFinite(claimedAt) ? claimedAt : at.getTime()) + leaseSeconds * 1000) };
    }
  }

  /** A failed attempt: the claim is released for a retry and the attempt lands on the case timeline. */
  async release(notificationId: string, caseId: string, reason: string): Promise<void> {
    const at = new Date().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...key(notificationId), caseId, state: 'failed', lastError: reason, failedAt: at },
                ConditionExpression: '#s <> :sent',
                ExpressionAttributeNames: { '#s': 'state' },
                ExpressionAttributeValues: { ':sent': 'sent' },
              },
            },
            { Put: { TableName: this.table, Item: timelineEntry(caseId, at, notificationId, 'notification_attempt_failed', { reason }) } },
          ],
        }),
      );
    } catch (e) {
      // Already sent by a concurrent attempt: nothing to release.
      if ((e as Error).name !== 'TransactionCanceledException') throw e;
    }
  }

  private async settle(notificationId: string, caseId: string, at: string, state: string, details: Record<string, unknown>) {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...key(notificationId), caseId, state, settledAt: at, ...details } } },
          { Put: { TableName: this.table, Item: timelineEntry(caseId, at, notificationId, state === 'sent' ? 'notification_sent' : 'notification_rejected', details) } },
        ],
      }),
    );
  }

  markSent(notificationId: string, caseId: string, at: string, detail: Record<string, unknown>): Promise<void> {
    return this.settle(notificationId, caseId, at, 'sent', detail);
  }

  markRejected(notificationId: string, caseId: string, at: string, reason: string): Promise<void> {
    return this.settle(notificationId, caseId, at, 'rejected', { reason });
  }
}
