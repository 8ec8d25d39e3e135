import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../cases/model';
import type { WriteResult } from '../cases/store';
import { CaseTableKeys } from '../catalogue';
import type { CaseEvent } from '../contracts/case-event';
import type { ActionRecord, ResponseChange, ResponseStore } from '../response/store';
import { keys } from './dynamo-case-store';

/**
 * Response actions in the cases table (see docs/cases-table.md):
 *   CASE#<id> / ACTION#<requestId>    the request: status, target, result, execution lease
 *   RESPSTEP#<stepId> / RESPSTEP      idempotency item of one state change, holding its case events
 * Each change also steps the case version and appends a timeline entry, in the same transaction.
 */
export const responseKeys = {
  action: (caseId: string, requestId: string) => ({ pk: `CASE#${caseId}`, sk: `ACTION#${requestId}` }),
  step: (stepId: string) => ({ pk: `RESPSTEP#${stepId}`, sk: 'RESPSTEP' }),
};

function strip(item: Record<string, unknown>): ActionRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ActionRecord;
}

export interface DynamoResponseStoreOptions {
  /** Step items and timeline entries expire this long after they are written (as case timeline entries do); requests are kept. */
  childRetentionDays?: number;
}

export class DynamoResponseStore implements ResponseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly retentionSeconds: number;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    options: DynamoResponseStoreOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.retentionSeconds = (options.childRetentionDays ?? 365) * 86400;
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.case(caseId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, [CaseTableKeys.indexPartitionKey]: _g1, [CaseTableKeys.indexSortKey]: _g2, ...rest } = res.Item;
    return rest as unknown as CaseRecord;
  }

  async getAction(caseId: string, requestId: string): Promise<ActionRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: responseKeys.action(caseId, requestId), ConsistentRead: true }));
    return res.Item ? strip(res.Item) : undefined;
  }

  async listActions(caseId: string): Promise<ActionRecord[]> {
    const out: ActionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).pk, ':prefix': 'ACTION#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) out.push(strip(i));
      start = res.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.requestId.localeCompare(b.requestId));
  }

  async stepOutcome(stepId: string): Promise<CaseEvent[] | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: responseKeys.step(stepId), ConsistentRead: true }));
    return res.Item ? (JSON.parse(res.Item.events as string) as CaseEvent[]) : undefined;
  }

  async applyChange(change: ResponseChange): Promise<WriteResult> {
    const { stepId, record, expected, case: c, expectedVersion, timeline, events } = change;
    const expiresAt = Math.floor(Date.parse(c.updatedAt) / 1000) + this.retentionSeconds;
    const actionCondition =
      'absent' in expected
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: `#status = :status${expected.leaseOwner ? ' AND #lease.#owner = :owner' : ''}`,
            ExpressionAttributeNames: { '#status': 'status', ...(expected.leaseOwner ? { '#lease': 'lease', '#owner': 'owner' } : {}) },
            ExpressionAttributeValues: { ':status': expected.status, ...(expected.leaseOwner ? { ':owner': expected.leaseOwner } : {}) },
          };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            // First, so a failed condition at index 0 alone means "this step was applied before".
            {
              Put: {
                TableName: this.table,
                Item: { ...responseKeys.step(stepId), requestId: record.requestId, caseId: c.caseId, events: JSON.stringify(events), at: c.updatedAt, expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { ...responseKeys.action(c.caseId, record.requestId), ...record }, ...actionCondition } },
            {
              Update: {
                TableName: this.table,
                Key: keys.case(c.caseId),
                UpdateExpression: 'SET #version = :next, updatedAt = :at',
                ConditionExpression: '#version = :read',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':next': c.version, ':at': c.updatedAt, ':read': expectedVersion },
              },
            },
            { Put: { TableName: this.table, Item: { ...keys.timeline(c.caseId, timeline), ...timeline, expiresAt } } },
          ],
        }),
      );
      return 'ok';
    } catch (e) {
      if (e instanceof TransactionCanceledException || (e as Error).name === 'TransactionCanceledException') {
        const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? i : -1)).filter((i) => i >= 0);
        if (failed.length && failed[0] === 0) return 'duplicate';
        if (failed.length) return 'conflict';
      }
      throw e;
    }
  }

  async saveProgress(caseId: string, requestId: string, leaseOwner: string, progress: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: responseKeys.action(caseId, requestId),
          UpdateExpression: 'SET progress = :p',
          ConditionExpression: '#status = :running AND #lease.#owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#lease': 'lease', '#owner': 'owner' },
          ExpressionAttributeValues: { ':p': progress, ':running': 'RUNNING', ':owner': leaseOwner },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
