import { DetailTypes } from '../catalogue';
import type { CaseEvent } from '../contracts/case-event';
import type { Finding } from '../contracts/finding';
import { attachAlerts, caseEvent, correlationKey, OPEN_STATUSES, openCaseWith, SYSTEM_ACTOR } from './model';
import type { CaseStore, TimelineEntry } from './store';

export interface CaseSettings {
  correlationWindowMs: number;
  maxAlertsPerCase: number;
}

const MAX_ATTEMPTS = 8;
/** Findings per case write: 2 items each + case, timeline, correlation stay under the 100-action transaction limit. */
export const MAX_FINDINGS_PER_WRITE = 25;

export class ContentionError extends Error {
  constructor(findingId: string) {
    super(`finding ${findingId}: case changed under every attempt; retry later`);
    this.name = 'ContentionError';
  }
}

/** Outcome of one group of findings: the events to publish, or the error that stopped it. */
export interface IngestOutcome {
  findings: Finding[];
  events: CaseEvent[];
  error?: Error;
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 25 * 2 ** attempt)));

/**
 * Takes in findings that share a correlation key, together: attaches them to
 * the key's open case in one write (one case version, however many alerts),
 * or opens a case with them. Each finding is taken in exactly once; those
 * taken in before return the events they caused then.
 */
async function ingestGroup(store: CaseStore, key: string, group: readonly Finding[], settings: CaseSettings, now: Date, requestId: string): Promise<CaseEvent[]> {
  const emitted: CaseEvent[] = [];
  const seenEvent = new Set<string>();
  const emit = (events: readonly CaseEvent[]) => {
    for (const e of events) {
      if (seenEvent.has(e.detail.eventId)) continue;
      seenEvent.add(e.detail.eventId);
      emitted.push(e);
    }
  };
  let pending = [...group];
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt >= MAX_ATTEMPTS) throw new ContentionError(pending[0].findingId);
    // Lost a race for this case: back off with jitter so contenders spread out instead of colliding again.
    if (attempt > 0) await backoff(attempt);
    // Findings taken in already (a redelivery, or a concurrent delivery that won) re-emit their events.
    const fresh: Finding[] = [];
    for (const f of pending) {
      const earlier = await store.findingOutcome(f.findingId);
      if (earlier) emit(earlier);
      else fresh.push(f);
    }
    if (!fresh.length) break;

    const windowEnd = now.getTime() + settings.correlationWindowMs;
    const timeline = (action: string, batch: readonly Finding[]): TimelineEntry => ({
      at: now.toISOString(),
      action,
      actor: SYSTEM_ACTOR,
      requestId,
      details: { findingIds: batch.map((f) => f.findingId), ruleId: batch[0].rule.id },
    });
    const corr = await store.getCorrelation(key);
    let linkedFrom: string | undefined;
    let written: Finding[] | undefined;
    if (corr && corr.windowEnd > now.getTime()) {
      const current = await store.getCase(corr.caseId);
      if (current && OPEN_STATUSES.includes(current.status)) {
        const room = Math.min(settings.maxAlertsPerCase - current.alertCount, MAX_FINDINGS_PER_WRITE);
        if (room > 0) {
          const batch = fresh.slice(0, room);
          const updated = attachAlerts(current, batch, now);
          const events = [caseEvent(DetailTypes.caseAlertAttached, updated, SYSTEM_ACTOR, now, batch.map((f) => f.findingId))];
          const result = await store.attachAlerts({
            case: updated,
            expectedVersion: current.version,
            findings: batch,
            correlation: { key, caseId: updated.caseId, windowEnd },
            events,
            timeline: timeline('alerts_attached', batch),
          });
          if (result === 'ok') {
            emit(events);
            written = batch;
          }
        } else {
          // The case is full: a linked case carries on.
          linkedFrom = current.caseId;
        }
      }
    }
    if (!written && (linkedFrom || !corr || corr.windowEnd <= now.getTime() || !(await isOpen(store, corr.caseId)))) {
      const batch = fresh.slice(0, Math.min(MAX_FINDINGS_PER_WRITE, settings.maxAlertsPerCase));
      const opened = openCaseWith(batch, key, now, linkedFrom);
      const events = [caseEvent(DetailTypes.caseOpened, opened, SYSTEM_ACTOR, now, batch.map((f) => f.findingId))];
      const result = await store.openCase({
        case: opened,
        findings: batch,
        correlation: { key, caseId: opened.caseId, windowEnd },
        replaces: corr?.caseId,
        events,
        timeline: timeline('case_opened', batch),
      });
      if (result === 'ok') {
        emit(events);
        written = batch;
      }
    }
    if (written) {
      const done = new Set(written.map((f) => f.findingId));
      pending = pending.filter((f) => !done.has(f.findingId));
      attempt = -1; // progress: the next write starts afresh
    }
  }
  return emitted;
}

async function isOpen(store: CaseStore, caseId: string): Promise<boolean> {
  const c = await store.getCase(caseId);
  return !!c && OPEN_STATUSES.includes(c.status);
}

/**
 * Takes a batch of findings in: grouped by correlation key so an alert storm
 * on one case costs one case write per 25 alerts, not one per alert. Groups
 * are independent; one failing does not stop the others.
 */
export async function ingestFindings(store: CaseStore, findings: readonly Finding[], settings: CaseSettings, now: Date, requestId: string): Promise<IngestOutcome[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = correlationKey(f);
    const g = groups.get(key);
    if (g) {
      if (!g.some((x) => x.findingId === f.findingId)) g.push(f);
    } else groups.set(key, [f]);
  }
  const out: IngestOutcome[] = [];
  for (const [key, group] of groups) {
    try {
      out.push({ findings: group, events: await ingestGroup(store, key, group, settings, now, requestId) });
    } catch (e) {
      out.push({ findings: group, events: [], error: e as Error });
    }
  }
  return out;
}

/** One finding on its own (tests, replays): the same path as a batch of one. */
export async function ingestFinding(store: CaseStore, finding: Finding, settings: CaseSettings, now: Date, requestId: string): Promise<CaseEvent[]> {
  const [outcome] = await ingestFindings(store, [finding], settings, now, requestId);
  if (outcome.error) throw outcome.error;
  return outcome.events;
}
