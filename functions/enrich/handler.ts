import { errorFields, logger } from '../observability';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ContextSnapshot } from '../../shared/aws/context-source';
import { quarantine, type QuarantineItem } from '../../shared/aws/quarantine';
import { batchResponse, parseJsonBody } from '../../shared/aws/sqs-batch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { envelopeProblem, type BusEnvelope } from '../../shared/contracts/guards';
import { enrichCase, enrichmentEntry, type EnrichmentStore } from '../../shared/investigation/case-enrichment';
import type { GeoLookup } from '../../shared/investigation/geo';

export interface EnrichDeps {
  store: EnrichmentStore;
  /** The customer's context and threat-intel data, refreshed from S3 without a redeploy. */
  context: () => Promise<ContextSnapshot>;
  geo?: GeoLookup;
  sqs: SQSClient;
  quarantineQueueUrl: string;
  tenantId: string;
  now?: () => Date;
}

const MAX_ATTEMPTS = 3;

/**
 * enrich: CaseOpened and CaseAlertAttached → what the customer's own data
 * says about the case's observables, stored once per change with a timeline
 * entry. Several events of one case in a batch enrich it once.
 */
export function createEnrichHandler(deps: EnrichDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed = new Set<string>();
    const bad: QuarantineItem[] = [];
    const byCase = new Map<string, string[]>();
    for (const record of event.Records) {
      const parsed = parseJsonBody(record.body);
      const problem = parsed.ok ? envelopeProblem(parsed.value) : parsed.reason;
      const caseId = parsed.ok ? (parsed.value as BusEnvelope<{ caseId?: unknown }>).detail?.caseId : undefined;
      if (problem || typeof caseId !== 'string') {
        bad.push({ messageId: record.messageId, stage: 'enrich', reason: problem ?? 'detail.caseId is missing', body: record.body });
        continue;
      }
      byCase.set(caseId, [...(byCase.get(caseId) ?? []), record.messageId]);
    }
    if (byCase.size) {
      let snapshot: ContextSnapshot | undefined;
      try {
        snapshot = await deps.context();
      } catch (e) {
        // No context data at all yet (first load failed): retry later rather than enrich with nothing.
        logger.error('context data unavailable; the batch will be retried', errorFields(e));
        for (const ids of byCase.values()) ids.forEach((id) => failed.add(id));
      }
      if (snapshot) {
        for (const [caseId, ids] of byCase) {
          try {
            await enrichOne(deps, snapshot, caseId);
          } catch (e) {
            logger.error('enrichment failed', { caseId, ...errorFields(e) });
            ids.forEach((id) => failed.add(id));
          }
        }
      }
    }
    const quarantineFailed = await quarantine(deps.sqs, deps.quarantineQueueUrl, bad);
    return batchResponse([...failed, ...quarantineFailed]);
  };
}

async function enrichOne(deps: EnrichDeps, snapshot: ContextSnapshot, caseId: string): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const detail = await deps.store.getCaseObservables(caseId);
    // Unknown or another tenant's case: nothing of ours to enrich.
    if (!detail || detail.case.tenantId !== deps.tenantId) return;
    const previous = await deps.store.getEnrichment(caseId);
    const result = enrichCase(detail, { context: snapshot.context, intel: snapshot.intel, geo: deps.geo }, snapshot.version, deps.now?.() ?? new Date());
    if (previous?.hash === result.hash) return;
    const outcome = await deps.store.putEnrichment({ result, previousHash: previous?.hash, timeline: enrichmentEntry(result, previous?.hash) });
    if (outcome === 'ok') return;
  }
  throw new Error(`case ${caseId}: enrichment kept changing under concurrent writers`);
}
