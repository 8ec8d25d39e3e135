import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UsedLink, UsedLinkStore } from './handler';

/** `ACKLINK#<nonce> / ACKLINK` in the cases table: a link's "used" marker, expiring by TTL after the link does. */
export const usedLinkKey = (nonce: string) => ({ pk: `ACKLINK#${nonce}`, sk: 'ACKLINK' });

export class DynamoUsedLinks implements UsedLinkStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(nonce: string): Promise<UsedLink | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: usedLinkKey(nonce), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { caseId, notificationId, usedAt, outcome } = res.Item as UsedLink;
    return { caseId, notificationId, usedAt, outcome };
  }

  async markUsed(nonce: string, record: UsedLink, expiresAtSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...usedLinkKey(nonce), ...record, expiresAt: expiresAtSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
