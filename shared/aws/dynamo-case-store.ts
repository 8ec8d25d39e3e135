import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../cases/model';
import type { CaseEnrichment, Evidence } from '../contracts/investigation';
import type { AlertSummary, CaseDetail, CasePage, CaseQuery, CaseStore, CorrelationRecord, TimelineEntry, WriteResult } from '../cases/store';
import { CaseTableKeys } from '../catalogue';
import type { CaseEvent } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';

/**
 * Single-table layout (see docs/cases-table.md):
 *   CASE#<id> / CASE                 the case item
 *   CASE#<id> / ALERT#<findingId>    an alert of the case (expires by TTL)
 *   CASE#<id> / TL#<at>#<requestId>  timeline entry, append-only (expires by TTL)
 *   FINDING#<id> / FINDING           idempotency item: the case and the events the finding caused
 *   COMMAND#<id> / COMMAND           idempotency item of a case command (API, ack link, provider)
 *   CORR#<key> / CORR                correlation item: the open case for a key and its window end
 */
export const keys = {
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  alert: (caseId: string, findingId: string) => ({ pk: `CASE#${caseId}`, sk: `ALERT#${findingId}` }),
  timeline: (caseId: string, e: TimelineEntry) => ({ pk: `CASE#${caseId}`, sk: `TL#${e.at}#${e.requestId}` }),
  finding: (findingId: string) => ({ pk: `FINDING#${findingId}`, sk: 'FINDING' }),
  command: (commandId: string) => ({ pk: `COMMAND#${commandId}`, sk: 'COMMAND' }),
  correlation: (key: string) => ({ pk: `CORR#${key}`, sk: 'CORR' }),
};

/** The case item with its index attributes (cases of a tenant by creation time). */
function caseItem(c: CaseRecord): Record<string, unknown> {
  return {
    ...keys.case(c.caseId),
    ...c,
    [CaseTableKeys.indexPartitionKey]: `TENANT#${c.tenantId}`,
    [CaseTableKeys.indexSortKey]: `${c.createdAt}#${c.caseId}`,
  };
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiresAt: _e, [CaseTableKeys.indexPartitionKey]: _g1, [CaseTableKeys.indexSortKey]: _g2, ...rest } = item;
  return rest;
}

const encodeToken = (k: Record<string, unknown> | undefined) => (k ? Buffer.from(JSON.stringify(k)).toString('base64url') : undefined);

function decodeToken(t: string | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  try {
    return JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('nextToken is not a token this API issued');
  }
}

export interface DynamoCaseStoreOptions {
  /** Alerts and timeline entries expire this long after they are written; cases are kept. */
  childRetentionDays?: number;
}

function enrichmentOf(item: Record<string, unknown> | undefined): { enrichment?: CaseEnrichment } {
  return typeof item?.enrichment === 'string' ? { enrichment: JSON.parse(item.enrichment) as CaseEnrichment } : {};
}

function alertOf(item: Record<string, unknown>): AlertSummary {
  const a = stripKeys(item) as unknown as AlertSummary & { evidence?: unknown };
  return typeof a.evidence === 'string' ? { ...a, evidence: JSON.parse(a.evidence) as Evidence[] } : a;
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

  async commandOutcome(commandId: string): Promise<CaseEvent[] | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.command(commandId), ConsistentRead: true }));
    return res.Item ? (JSON.parse(res.Item.events as string) as CaseEvent[]) : undefined;
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.case(caseId), ConsistentRead: true }));
    return res.Item ? (stripKeys(res.Item) as unknown as CaseRecord) : undefined;
  }

  async getCaseDetail(caseId: string): Promise<CaseDetail | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    const caseRow = items.find((i) => i.sk === 'CASE');
    if (!caseRow) return undefined;
    return {
      case: stripKeys(caseRow) as unknown as CaseRecord,
      alerts: items.filter((i) => String(i.sk).startsWith('ALERT#')).map(alertOf),
      timeline: items.filter((i) => String(i.sk).startsWith('TL#')).map((i) => stripKeys(i) as unknown as TimelineEntry),
      ...enrichmentOf(items.find((i) => i.sk === 'ENRICHMENT')),
    };
  }

  async listCases(q: CaseQuery): Promise<CasePage> {
    const names: Record<string, string> = { '#pk': CaseTableKeys.indexPartitionKey };
    const values: Record<string, unknown> = { ':pk': `TENANT#${q.tenantId}` };
    let range = '';
    if (q.from || q.to) names['#sk'] = CaseTableKeys.indexSortKey;
    if (q.from && q.to) {
      range = ' AND #sk BETWEEN :from AND :to';
      values[':from'] = q.from;
      values[':to'] = q.to;
    } else if (q.from) {
      range = ' AND #sk >= :from';
      values[':from'] = q.from;
    } else if (q.to) {
      range = ' AND #sk < :to';
      values[':to'] = q.to;
    }
    const filters: string[] = [];
    if (q.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = q.status;
    }
    if (q.severity) {
      filters.push('severity = :severity');
      values[':severity'] = q.severity;
    }
    // A filter can leave a page short; keep reading until the page is full or the index ends.
    const cases: CaseRecord[] = [];
    let start = decodeToken(q.nextToken);
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: CaseTableKeys.casesByTimeIndex,
          KeyConditionExpression: `#pk = :pk${range}`,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: q.limit - cases.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) cases.push(stripKeys(i) as unknown as CaseRecord);
      start = res.LastEvaluatedKey;
    } while (start && cases.length < q.limit);
    return { cases, nextToken: encodeToken(start) };
  }

  private expiresAt(now: string): number {
    return Math.floor(Date.parse(now) / 1000) + this.retentionSeconds;
  }

  /** Idempotency items first (one per finding), then the case's alert items and the timeline entry. */
  private alertItems(c: CaseRecord, findings: readonly Finding[], events: CaseEvent[], timeline: TimelineEntry) {
    const expiresAt = this.expiresAt(c.updatedAt);
    const outcome = JSON.stringify(events);
    return {
      idempotency: findings.map((f) => ({
        Put: {
          TableName: this.table,
          Item: { ...keys.finding(f.findingId), caseId: c.caseId, events: outcome, at: c.updatedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      children: [
        ...findings.map((f) => ({
          Put: {
            TableName: this.table,
            Item: {
              ...keys.alert(c.caseId, f.findingId),
              findingId: f.findingId,
              ruleId: f.rule.id,
              ruleVersion: f.rule.version,
              severity: f.severity,
              eventTime: f.eventTime,
              events: f.events,
              entities: f.entities,
              ruleTitle: f.rule.title,
              tags: f.rule.tags,
              ...(f.rule.description ? { description: f.rule.description } : {}),
              ...(f.rule.falsepositives?.length ? { falsepositives: f.rule.falsepositives } : {}),
              ...(f.observables?.length ? { observables: f.observables } : {}),
              // Vendor records as JSON text: their keys and values are whatever the source wrote.
              ...(f.evidence?.length ? { evidence: JSON.stringify(f.evidence) } : {}),
              expiresAt,
            },
          },
        })),
        { Put: { TableName: this.table, Item: { ...keys.timeline(c.caseId, timeline), ...timeline, expiresAt } } },
      ],
    };
  }

  async openCase(input: Parameters<CaseStore['openCase']>[0]): Promise<WriteResult> {
    const { case: c, findings, correlation, replaces, events, timeline } = input;
    const { idempotency, children } = this.alertItems(c, findings, events, timeline);
    return this.transact([
      ...idempotency,
      { Put: { TableName: this.table, Item: caseItem(c), ConditionExpression: 'attribute_not_exists(pk)' } },
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

  async attachAlerts(input: Parameters<CaseStore['attachAlerts']>[0]): Promise<WriteResult> {
    const { case: c, expectedVersion, findings, correlation, events, timeline } = input;
    const { idempotency, children } = this.alertItems(c, findings, events, timeline);
    return this.transact([
      ...idempotency,
      {
        Put: {
          TableName: this.table,
          Item: caseItem(c),
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

  async applyCommand(input: Parameters<CaseStore['applyCommand']>[0]): Promise<WriteResult> {
    const { commandId, writes, events } = input;
    const at = writes[0]?.case.updatedAt ?? new Date().toISOString();
    const expiresAt = this.expiresAt(at);
    return this.transact([
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.command(commandId), events: JSON.stringify(events), at, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...writes.flatMap((w) => [
        {
          Put: {
            TableName: this.table,
            Item: caseItem(w.case),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': w.expectedVersion },
          },
        },
        { Put: { TableName: this.table, Item: { ...keys.timeline(w.case.caseId, w.timeline), ...w.timeline, expiresAt } } },
      ]),
    ]);
  }

  /**
   * Runs one transaction. 'duplicate' when only the leading idempotency put
   * failed (a command applied before), 'conflict' when any other condition did.
   */
  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<WriteResult> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'ok';
    } catch (e) {
      if (e instanceof TransactionCanceledException || (e as Error).name === 'TransactionCanceledException') {
        const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? i : -1)).filter((i) => i >= 0);
        if (failed.length === 1 && failed[0] === 0) return 'duplicate';
        if (failed.length) return 'conflict';
      }
      throw e;
    }
  }
}
