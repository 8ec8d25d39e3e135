import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../cases/model';
import type { CaseStore, CorrelationRecord, TimelineEntry, WriteResult } from '../cases/store';
import type { CaseEvent } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';

/**
 * Single-table layout (see docs/cases-table.md):
 *   CASE#<id> / CASE                 the case item
 *   CASE#<id> / ALERT#<findingId>    an alert of the case (expires by TTL)
 *   CASE#<id> / TL#<at>#<requestId>  timeline entry, append-only (expires by TTL)
 *   FINDING#<id> / FINDING           idempotency item: the case and the events the finding caused
 *   CORR#<key> / CORR                correlation item: the open case for a key and its window end
 */
export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  alert: (caseId: string, findingId: string) => ({ pk: `CASE#${caseId}`, sk: `ALERT#${findingId}` }),
  timeline: (caseId: string, e: TimelineEntry) => ({ pk: `CASE#${caseId}`, sk: `TL#${e.at}#${e.requestId}` }),
  finding: (findingId: string) => ({ pk: `FINDING#${findingId}`, sk: 'FINDING' }),
  correlation: (key: string) => ({ pk: `CORR#${key}`, sk: 'CORR' }),
};

export interface DynamoCaseStoreOptions {
  /** Alerts and timeline entries expire this long after they are written; cases are kept. */
  childRetentionDays?: number;
}

export class DynamoCaseStore implements CaseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly retentionSeconds: number;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    options: DynamoCaseStoreOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.retentionSeconds = (options.childRetentionDays ?? 365) * 86400;
  }

  async findingOutcome(findingId: string): Promise<CaseEvent[] | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.finding(findingId), ConsistentRead: true }));
    return res.Item ? (JSON.parse(res.Item.events as string) as CaseEvent[]) : undefined;
  }

  async getCorrelation(key: string): Promise<CorrelationRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.correlation(key), ConsistentRead: true }));
    return res.Item ? { key, caseId: res.Item.caseId as string, windowEnd: res.Item.windowEnd as number } : undefined;
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.case(caseId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, ...record } = res.Item;
    return record as CaseRecord;
  }

  private expiresAt(now: string): number {
    return Math.floor(Date.parse(now) / 1000) + this.retentionSeconds;
  }

  private childItems(c: CaseRecord, finding: Finding, events: CaseEvent[], timeline: TimelineEntry) {
    const expiresAt = this.expiresAt(c.updatedAt);
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.finding(finding.findingId), caseId: c.caseId, events: JSON.stringify(events), at: c.updatedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...keys.alert(c.caseId, finding.findingId),
            findingId: finding.findingId,
            ruleId: finding.rule.id,
            ruleVersion: finding.rule.version,
            severity: finding.severity,
            eventTime: finding.eventTime,
            events: finding.events,
            entities: finding.entities,
            expiresAt,
          },
        },
      },
      { Put: { TableName: this.table, Item: { ...keys.timeline(c.caseId, timeline), ...timeline, expiresAt } } },
    ];
  }

  async openCase(input: Parameters<CaseStore['openCase']>[0]): Promise<WriteResult> {
    const { case: c, finding, correlation, replaces, events, timeline } = input;
    const [findingPut, ...children] = this.childItems(c, finding, events, timeline);
    return this.transact([
      findingPut,
      { Put: { TableName: this.table, Item: { ...keys.case(c.caseId), ...c }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...children,
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.correlation(correlation.key), caseId: correlation.caseId, windowEnd: correlation.windowEnd, expiresAt: Math.ceil(correlation.windowEnd / 1000) + 86400 },
          // Exactly one case per key: only if no correlation exists, or it still names the case we saw.
          ConditionExpression: replaces === undefined ? 'attribute_not_exists(pk)' : 'attribute_not_exists(pk) OR caseId = :prev',
          ...(replaces === undefined ? {} : { ExpressionAttributeValues: { ':prev': replaces } }),
        },
      },
    ]);
  }

  async attachAlert(input: Parameters<CaseStore['attachAlert']>[0]): Promise<WriteResult> {
    const { case: c, expectedVersion, finding, correlation, events, timeline } = input;
    const [findingPut, ...children] = this.childItems(c, finding, events, timeline);
    return this.transact([
      findingPut,
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.case(c.caseId), ...c },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      ...children,
      {
        Update: {
          TableName: this.table,
          Key: keys.correlation(correlation.key),
          UpdateExpression: 'SET windowEnd = :end, expiresAt = :exp',
          ConditionExpression: 'caseId = :case',
          ExpressionAttributeValues: { ':end': correlation.windowEnd, ':exp': Math.ceil(correlation.windowEnd / 1000) + 86400, ':case': c.caseId },
        },
      },
    ]);
  }

  /** Runs one transaction; the first action is always the finding's idempotency put. */
  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<WriteResult> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (e) {
      if (e instanceof TransactionCanceledException || (e as Error).name === 'TransactionCanceledException') {
        const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return 'conflict';
      }
      throw e;
    }
  }
}
