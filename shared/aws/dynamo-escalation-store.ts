import { CaseTableKeys } from '../catalogue';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EscalationRun, EscalationStore, EscalationTimer } from '../escalation/store';

/**
 * Escalation state in the cases table:
 *   CASE#<id> / ESCRUN                               the case's current run (policy snapshot, progress)
 *   TIMERS / <dueAt>#<case>#<run>#<loop>#<tier>#<kind>  due times, swept once a minute
 * One TIMERS partition: open escalations of one customer are few, and a sweep
 * reads only what is due (sort key ≤ now).
 */
const runKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'ESCRUN' });
const timerKey = (t: EscalationTimer) => ({ pk: CaseTableKeys.timersPartition, sk: `${t.dueAt}#${t.caseId}#${t.run}#${t.loop}#${t.tier}#${t.kind}` });

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException';

export class DynamoEscalationStore implements EscalationStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async getRun(caseId: string): Promise<EscalationRun | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: runKey(caseId), ConsistentRead: true }));
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, ...run } = res.Item;
    return run as EscalationRun;
  }

  async putRun(run: EscalationRun, expectedVersion: number | undefined): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...runKey(run.caseId), ...run },
          ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async schedule(timer: EscalationTimer): Promise<void> {
    const expiresAt = Math.ceil(Date.parse(timer.dueAt) / 1000) + 7 * 86400;
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...timerKey(timer), ...timer, expiresAt } }));
  }

  async due(now: Date, limit: number): Promise<EscalationTimer[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk <= :now',
        ExpressionAttributeValues: { ':pk': CaseTableKeys.timersPartition, ':now': `${now.toISOString()}#~` },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (res.Items ?? []).map(({ pk: _pk, sk: _sk, expiresAt: _e, ...t }) => t as EscalationTimer);
  }

  async remove(timer: EscalationTimer): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: timerKey(timer) }));
  }
}
