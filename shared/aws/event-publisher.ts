import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventSources } from '../catalogue';

/** PutEvents takes at most 10 entries per call; entries may fail one by one. */
const MAX_ENTRIES = 10;
const ATTEMPTS = 3;

export interface BusEvent {
  source: string;
  detailType: string;
  detail: unknown;
  /** Caller's key for this event (e.g. the inbound message id): returned when it cannot be published. */
  key: string;
}

/**
 * Publishes events to a bus, retrying the entries EventBridge refuses, and
 * returns the keys of events that still failed. Only findings and case events
 * go through here: the telemetry path never calls PutEvents per event.
 */
export async function publishEvents(eb: EventBridgeClient, busName: string, events: readonly BusEvent[]): Promise<Set<string>> {
  const failed = new Set<string>();
  for (let i = 0; i < events.length; i += MAX_ENTRIES) {
    let pending = events.slice(i, i + MAX_ENTRIES);
    for (let attempt = 0; attempt < ATTEMPTS && pending.length; attempt++) {
      const entries: PutEventsRequestEntry[] = pending.map((e) => ({
        EventBusName: busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
      }));
      try {
        const res = await eb.send(new PutEventsCommand({ Entries: entries }));
        pending = pending.filter((_, j) => res.Entries?.[j]?.ErrorCode || !res.Entries?.[j]?.EventId);
      } catch {
        // whole call failed: retry all pending
      }
      if (pending.length && attempt < ATTEMPTS - 1) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    for (const e of pending) failed.add(e.key);
  }
  return failed;
}

/**
 * Publishes case events (source `mdr.cases`) for request/response callers
 * (case API, ack API): true when every event went out.
 */
export function caseEventPublisher(eb: EventBridgeClient, busName: string) {
  return async (events: readonly { detailType: string; detail: { eventId: string } }[]): Promise<boolean> =>
    (await publishEvents(eb, busName, events.map((e) => ({ source: EventSources.cases, detailType: e.detailType, detail: e.detail, key: e.detail.eventId })))).size === 0;
}
