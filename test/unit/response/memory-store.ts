import type { CaseRecord } from '../../../shared/cases/model';
import type { TimelineEntry, WriteResult } from '../../../shared/cases/store';
import type { CaseEvent } from '../../../shared/contracts/case-event';
import type { ActionRecord, ResponseChange, ResponseStore } from '../../../shared/response/store';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The response store in memory, with the DynamoDB adapter's conditions:
 * the step item absent (else 'duplicate'), the action item as expected and
 * the case version as read (else 'conflict'), all or nothing.
 */
export class MemoryResponseStore implements ResponseStore {
  readonly cases = new Map<string, CaseRecord>();
  readonly actions = new Map<string, ActionRecord>();
  readonly steps = new Map<string, CaseEvent[]>();
  readonly timeline: TimelineEntry[] = [];
  /** Runs before the next applyChange's conditions are checked (to simulate a concurrent writer). */
  beforeNextWrite?: () => void;

  addCase(c: CaseRecord): void {
    this.cases.set(c.caseId, clone(c));
  }

  async getCase(caseId: string) {
    const c = this.cases.get(caseId);
    return c && clone(c);
  }

  async getAction(caseId: string, requestId: string) {
    const a = this.actions.get(`${caseId}/${requestId}`);
    return a && clone(a);
  }

  async listActions(caseId: string) {
    return [...this.actions.values()].filter((a) => a.caseId === caseId).map(clone);
  }

  async stepOutcome(stepId: string) {
    const e = this.steps.get(stepId);
    return e && clone(e);
  }

  async applyChange(change: ResponseChange): Promise<WriteResult> {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    hook?.();
    if (this.steps.has(change.stepId)) return 'duplicate';
    const key = `${change.case.caseId}/${change.record.requestId}`;
    const current = this.actions.get(key);
    const e = change.expected;
    const actionOk = 'absent' in e ? !current : !!current && current.status === e.status && (!e.leaseOwner || current.lease?.owner === e.leaseOwner);
    const c = this.cases.get(change.case.caseId);
    if (!actionOk || !c || c.version !== change.expectedVersion) return 'conflict';
    this.steps.set(change.stepId, clone(change.events));
    this.actions.set(key, clone(change.record));
    this.cases.set(c.caseId, { ...c, version: change.case.version, updatedAt: change.case.updatedAt });
    this.timeline.push(clone(change.timeline));
    return 'ok';
  }

  async saveProgress(caseId: string, requestId: string, leaseOwner: string, progress: Record<string, unknown>) {
    const a = this.actions.get(`${caseId}/${requestId}`);
    if (!a || a.status !== 'RUNNING' || a.lease?.owner !== leaseOwner) return false;
    a.progress = clone(progress);
    return true;
  }
}
