import { DetailTypes } from '../catalogue';
import type { CaseEvent } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';
import { attachAlert, caseEvent, correlationKey, OPEN_STATUSES, openCase, SYSTEM_ACTOR } from './model';
import type { CaseStore, TimelineEntry } from './store';

export interface CaseSettings {
  correlationWindowMs: number;
  maxAlertsPerCase: number;
}

const MAX_ATTEMPTS = 8;

export class ContentionError extends Error {
  constructor(findingId: string) {
    super(`finding ${findingId}: case changed under every attempt; retry later`);
    this.name = 'ContentionError';
  }
}

/**
 * Takes a finding in exactly once: attaches it to the open case of its
 * correlation key, or opens a case. Returns the case events to publish (the
 * same ones again when the finding was already taken in).
 */
export async function ingestFinding(
  store: CaseStore,
  finding: Finding,
  settings: CaseSettings,
  now: Date,
  requestId: string,
): Promise<CaseEvent[]> {
  const earlier = await store.findingOutcome(finding.findingId);
  if (earlier) return earlier;

  const key = correlationKey(finding);
  const windowEnd = now.getTime() + settings.correlationWindowMs;
  const timeline = (action: string): TimelineEntry => ({
    at: now.toISOString(),
    action,
    actor: SYSTEM_ACTOR,
    requestId,
    details: { findingId: finding.findingId, ruleId: finding.rule.id },
  });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const corr = await store.getCorrelation(key);
    let linkedFrom: string | undefined;
    if (corr && corr.windowEnd > now.getTime()) {
      const current = await store.getCase(corr.caseId);
      if (current && OPEN_STATUSES.includes(current.status)) {
        if (current.alertCount < settings.maxAlertsPerCase) {
          const updated = attachAlert(current, finding, now);
          const events = [caseEvent(DetailTypes.caseAlertAttached, updated, SYSTEM_ACTOR, now, finding.findingId)];
          const result = await store.attachAlert({
            case: updated,
            expectedVersion: current.version,
            finding,
            correlation: { key, caseId: updated.caseId, windowEnd },
            events,
            timeline: timeline('alert_attached'),
          });
          if (result === 'ok') return events;
          if (result === 'duplicate') return (await store.findingOutcome(finding.findingId)) ?? [];
          continue;
        }
        // The case is full: a linked case carries on.
        linkedFrom = current.caseId;
      }
    }
    const opened = openCase(finding, key, now, linkedFrom);
    const events = [caseEvent(DetailTypes.caseOpened, opened, SYSTEM_ACTOR, now, finding.findingId)];
    const result = await store.openCase({
      case: opened,
      finding,
      correlation: { key, caseId: opened.caseId, windowEnd },
      replaces: corr?.caseId,
      events,
      timeline: timeline('case_opened'),
    });
    if (result === 'ok') return events;
    if (result === 'duplicate') return (await store.findingOutcome(finding.findingId)) ?? [];
  }
  throw new ContentionError(finding.findingId);
}
