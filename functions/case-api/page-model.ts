import type { ViewerRole } from '../../shared/ack/view-token';
import type { Resolution } from '../../shared/cases/lifecycle';
import type { CaseTimes } from '../../shared/cases/metrics';
import type { CaseRecord } from '../../shared/cases/model';
import type { AlertSummary, TimelineEntry } from '../../shared/cases/store';
import type { CaseSummary, EntityContext, Evidence, ResponseActionType, ResponseRequest, ResponseTarget } from '../../shared/contracts/investigation';

/** One alert of the case with the events that fired it. */
export interface CasePageAlert extends AlertSummary {
  /** Rule title, when known (the alert itself carries only the id). */
  ruleTitle?: string;
  evidence: Evidence[];
}

/** A response action the viewer may ask for, on one target. */
export interface CasePageActionOption {
  action: ResponseActionType;
  target: ResponseTarget;
  /** What the button says, e.g. "Deactivate access key AKIA…". */
  label: string;
  /** The request waits for an approval before it runs. */
  needsApproval: boolean;
}

export interface CasePageViewer {
  /** The policy target id the view link was issued to; acts are attributed to it. */
  id: string;
  role: ViewerRole;
}

/** A short message after a form POST, shown once on the page the POST redirects to. */
export interface CasePageFlash {
  ok: boolean;
  message: string;
}

/**
 * Everything the case page shows, for one viewer. Built from the case store
 * (detail, enrichment, summary, evidence, response requests) by the case API;
 * the page renders from it alone.
 */
export interface CasePageModel {
  case: CaseRecord;
  times: CaseTimes;
  summary?: CaseSummary;
  entities: EntityContext[];
  alerts: CasePageAlert[];
  timeline: TimelineEntry[];
  actions: {
    /** Actions the viewer may request now (already filtered by policy). */
    options: CasePageActionOption[];
    /** Every response request of the case, any status, newest first or in any order (the page sorts). */
    requests: ResponseRequest[];
  };
  viewer: CasePageViewer;
  /** The view token; the page's forms carry it in a hidden field. */
  token: string;
  flash?: CasePageFlash;
}

/** What a page form asks for, parsed and checked by the page routes before `act` is called. */
export type CasePageVerb =
  | { kind: 'acknowledge' }
  | { kind: 'resolve'; resolution: Resolution; comment?: string }
  | { kind: 'request'; action: ResponseActionType; target: ResponseTarget; dryRun: boolean }
  | { kind: 'approve'; requestId: string }
  | { kind: 'reject'; requestId: string; reason?: string }
  | { kind: 'undo'; requestId: string };

/** The submitted form, beyond the verb. */
export interface CasePageForm {
  /**
   * Idempotency key of the rendered form (random per page render): a double
   * tap or a resubmitted POST carries the same key, so derive the command id
   * from it and the viewer, e.g. `stableId('case-page', viewer.id, key)`.
   */
  key: string;
  /** Every field as posted, except the token. */
  fields: Record<string, string>;
}
