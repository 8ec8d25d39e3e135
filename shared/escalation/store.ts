import type { EscalationPolicy } from './policy';

/** One escalation run of a case, with the policy snapshotted when it started. */
export interface EscalationRun {
  caseId: string;
  run: number;
  policy: EscalationPolicy;
  loop: number;
  tier: number;
  state: 'active' | 'stopped' | 'exhausted';
  startedAt: string;
  /** Optimistic lock for run progress. */
  version: number;
}

export type TimerKind = 'tier' | 'reminder' | 'exhausted';

/** A due time: the next tier, a reminder, or the end of the ladder. */
export interface EscalationTimer {
  caseId: string;
  run: number;
  loop: number;
  tier: number;
  kind: TimerKind;
  /** ISO 8601; timers are swept once a minute (and by the local runtime every second). */
  dueAt: string;
}

export interface EscalationStore {
  getRun(caseId: string): Promise<EscalationRun | undefined>;
  /** Writes the run if its stored version is `expectedVersion` (undefined: only if none exists). */
  putRun(run: EscalationRun, expectedVersion: number | undefined): Promise<boolean>;
  /** Idempotent: the same timer scheduled twice is one timer. */
  schedule(timer: EscalationTimer): Promise<void>;
  due(now: Date, limit: number): Promise<EscalationTimer[]>;
  remove(timer: EscalationTimer): Promise<void>;
}
