import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CorrelationStore, StateEntry } from '../detect/sigma';

const ATTEMPTS = 6;
const key = (k: string) => ({ pk: `CORRSTATE#${k}`, sk: 'STATE' });

/**
 * Correlation windows in the cases table: one item per (correlation, group),
 * read-modify-written under a version condition and expired by TTL. Only
 * events that matched a rule feeding a correlation touch it, so the telemetry
 * path stays write-free for everything else.
 */
export class DynamoCorrelationStore implements CorrelationStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async update<T>(k: string, expiresAt: number, fn: (entries: StateEntry[]) => { entries: StateEntry[]; result: T }): Promise<T> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: key(k), ConsistentRead: true }));
      const version = (res.Item?.version as number | undefined) ?? 0;
      const { entries, result } = fn(res.Item ? (JSON.parse(res.Item.entries as string) as StateEntry[]) : []);
      const condition = version === 0 ? 'attribute_not_exists(pk)' : 'version = :v';
      const values = version === 0 ? undefined : { ':v': version };
      try {
        if (entries.length === 0) {
          if (version !== 0) await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key(k), ConditionExpression: condition, ExpressionAttributeValues: values }));
        } else {
          await this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: { ...key(k), entries: JSON.stringify(entries), version: version + 1, expiresAt: Math.ceil(expiresAt / 1000) },
              ConditionExpression: condition,
              ExpressionAttributeValues: values,
            }),
          );
        }
        return result;
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException')) throw e;
      }
    }
    throw new Error(`correlation state ${k} kept changing; retry`);
  }
}
