import type { CaseDetail, TimelineEntry } from '../cases/store';
import type { CaseEnrichment, Observable } from '../contracts/investigation';
import { stableId } from '../hash';
import { enrichObservables, type EnrichSources } from './enrich';
import { mergeObservables } from './observables';

/** The observables of every alert of a case, merged (first seen first). */
export function caseObservables(detail: { alerts: readonly Pick<CaseDetail['alerts'][number], 'observables'>[] }): Observable[] {
  return detail.alerts.reduce<Observable[]>((acc, a) => mergeObservables(acc, a.observables ?? []), []);
}

/** What enrichment found for a case, and its content hash (the same data gives the same hash). */
export interface EnrichmentResult {
  enrichment: CaseEnrichment;
  hash: string;
}

/** What enrichment reads of a case: its identity and its alerts' observables (never their evidence). */
export interface CaseObservables {
  case: Pick<CaseDetail['case'], 'caseId' | 'tenantId'>;
  alerts: Pick<CaseDetail['alerts'][number], 'observables'>[];
}

export function enrichCase(detail: CaseObservables, sources: EnrichSources, contextVersion: string, now: Date): EnrichmentResult {
  const entities = enrichObservables(caseObservables(detail), sources);
  // The hash leaves out the time: re-enriching unchanged data must not look like news.
  const hash = stableId('enrichment', detail.case.caseId, JSON.stringify(entities));
  return { enrichment: { caseId: detail.case.caseId, computedAt: now.toISOString(), contextVersion, entities }, hash };
}

/** The timeline entry that records an enrichment: what it found, briefly, and which context data it used. */
export function enrichmentEntry(result: EnrichmentResult, previousHash: string | undefined): TimelineEntry {
  const labels = [...new Set(result.enrichment.entities.flatMap((e) => e.labels))].sort();
  return {
    at: result.enrichment.computedAt,
    action: previousHash ? 'enrichment_updated' : 'enriched',
    actor: { type: 'system', id: 'mdr-enrich' },
    // Deterministic: the same result recorded twice is one entry.
    requestId: `enrich-${result.hash.slice(0, 16)}`,
    details: { entities: result.enrichment.entities.length, labels, contextVersion: result.enrichment.contextVersion },
  };
}

/** Where a case's enrichment is kept: one item per case, replaced only when its content changes. */
export interface EnrichmentStore {
  /** The case and its alerts' observables only: a large case's evidence is not read to enrich it. */
  getCaseObservables(caseId: string): Promise<CaseObservables | undefined>;
  getEnrichment(caseId: string): Promise<{ enrichment: CaseEnrichment; hash: string } | undefined>;
  /**
   * Writes the enrichment and its timeline entry in one conditional write on
   * the hash read before; 'conflict' when another writer got there first.
   */
  putEnrichment(input: { result: EnrichmentResult; previousHash: string | undefined; timeline: TimelineEntry }): Promise<'ok' | 'conflict'>;
}
