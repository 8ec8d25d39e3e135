import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseEnrichment } from '../contracts/investigation';
import type { CaseObservables, EnrichmentStore } from '../investigation/case-enrichment';
import { keys } from './dynamo-case-store';

/**
 * Enrichment in the cases table: `CASE#<id> / ENRICHMENT`, the entities as
 * JSON text with their content hash, beside the case's alerts and timeline.
 */
export class DynamoEnrichmentStore implements EnrichmentStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    private readonly options: { childRetentionDays?: number } = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private key(caseId: string) {
    return { pk: keys.case(caseId).pk, sk: 'ENRICHMENT' };
  }

  async getCaseObservables(caseId: string): Promise<CaseObservables | undefined> {
    const pk = keys.case(caseId).pk;
    const head = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.case(caseId), ConsistentRead: true, ProjectionExpression: 'caseId, tenantId' }));
    if (!head.Item) return undefined;
    const alerts: CaseObservables['alerts'] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
          ExpressionAttributeValues: { ':pk': pk, ':alert': 'ALERT#' },
          ProjectionExpression: 'observables',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) alerts.push({ observables: item.observables as CaseObservables['alerts'][number]['observables'] });
      start = res.LastEvaluatedKey;
    } while (start);
    return { case: { caseId: head.Item.caseId as string, tenantId: head.Item.tenantId as string }, alerts };
  }

  async getEnrichment(caseId: string) {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: this.key(caseId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    return { enrichment: JSON.parse(res.Item.enrichment as string) as CaseEnrichment, hash: res.Item.hash as string };
  }

  async putEnrichment({ result, previousHash, timeline }: Parameters<EnrichmentStore['putEnrichment']>[0]): Promise<'ok' | 'conflict'> {
    const caseId = result.enrichment.caseId;
    const expiresAt = Math.floor(Date.parse(timeline.at) / 1000) + (this.options.childRetentionDays ?? 365) * 86400;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...this.key(caseId), enrichment: JSON.stringify(result.enrichment), hash: result.hash, at: result.enrichment.computedAt },
                ConditionExpression: previousHash ? '#h = :prev' : 'attribute_not_exists(pk)',
                ...(previousHash ? { ExpressionAttributeNames: { '#h': 'hash' }, ExpressionAttributeValues: { ':prev': previousHash } } : {}),
              },
            },
            { Put: { TableName: this.table, Item: { ...keys.timeline(caseId, timeline), ...timeline, expiresAt } } },
          ],
        }),
      );
      return 'ok';
    } catch (e) {
      if (e instanceof TransactionCanceledException || e instanceof ConditionalCheckFailedException) return 'conflict';
      throw e;
    }
  }
}
