import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { NotificationLedger } from '../notify/ledger';

const key = (id: string) => ({ pk: `NOTIF#${id}`, sk: 'NOTIF' });

/** NOTIF#<id> items in the cases table; outcomes also land on the case timeline. */
export class DynamoNotificationLedger implements NotificationLedger {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async claim(notificationId: string, caseId: string, at: string): Promise<'claimed' | 'already-sent'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(notificationId), caseId, state: 'sending', claimedAt: at },
          // A failed or interrupted attempt may be claimed again; a sent one never.
          ConditionExpression: 'attribute_not_exists(pk) OR #s <> :sent',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':sent': 'sent' },
        }),
      );
      return 'claimed';
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return 'already-sent';
      throw e;
    }
  }

  private async settle(notificationId: string, caseId: string, at: string, state: string, details: Record<string, unknown>) {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...key(notificationId), caseId, state, settledAt: at, ...details } } },
          {
            Put: {
              TableName: this.table,
              Item: {
                pk: `CASE#${caseId}`,
                sk: `TL#${at}#${notificationId}`,
                at,
                action: state === 'sent' ? 'notification_sent' : 'notification_rejected',
                actor: { type: 'system', id: 'mdr-notify' },
                requestId: notificationId,
                details,
              },
            },
          },
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
