import { absorb, CaseError, parseAction, transition, type CaseAction } from '../../../shared/cases/lifecycle';
import { openCase, type CaseRecord } from '../../../shared/cases/model';
import type { CaseStatus } from '../../../shared/contracts/case-event';
import { finding } from '../../fixtures/findings';

const actor = { type: 'user' as const, id: 'alice', via: 'api' };
const settings = { reopenWindowMs: 24 * 3_600_000 };
const t0 = new Date('2026-11-20T10:00:00Z');
const fresh = (): CaseRecord => openCase(finding({ findingId: 'f1' }), 'k', t0);
const inStatus = (status: CaseStatus, extra: Partial<CaseRecord> = {}): CaseRecord => ({ ...fresh(), status, ...extra });

function refusal(c: CaseRecord, a: CaseAction, at = t0): string {
  try {
    transition(c, a, actor, at, settings);
  } catch (e) {
    expect(e).toBeInstanceOf(CaseError);
    return (e as CaseError).code;
  }
  throw new Error(`${a.type} from ${c.status} was allowed`);
}

describe('case lifecycle', () => {
  const allowed: [CaseStatus, CaseAction, CaseStatus, string][] = [
    ['NEW', { type: 'acknowledge' }, 'ACKNOWLEDGED', 'CaseAcknowledged'],
    ['ACKNOWLEDGED', { type: 'unacknowledge' }, 'NEW', 'CaseUpdated'],
    ['NEW', { type: 'start' }, 'IN_PROGRESS', 'CaseAcknowledged'],
    ['ACKNOWLEDGED', { type: 'start' }, 'IN_PROGRESS', 'CaseUpdated'],
    ['IN_PROGRESS', { type: 'resolve', resolution: 'false_positive' }, 'RESOLVED', 'CaseResolved'],
    ['NEW', { type: 'resolve', resolution: 'duplicate' }, 'RESOLVED', 'CaseResolved'],
    ['RESOLVED', { type: 'close' }, 'CLOSED', 'CaseClosed'],
    ['IN_PROGRESS', { type: 'merge', into: 'case-other' }, 'MERGED', 'CaseMerged'],
  ];
  it.each(allowed)('%s --%o--> %s emits %s, one version up', (from, action, to, event) => {
    const c = from === 'ACKNOWLEDGED' ? inStatus(from, { acknowledgedAt: t0.toISOString() }) : inStatus(from);
    const t = transition(c, action, actor, t0, settings);
    expect(t.next.status).toBe(to);
    expect(t.detailType).toBe(event);
    expect(t.next.version).toBe(c.version + 1);
  });

  const refused: [CaseStatus, CaseAction][] = [
    ['ACKNOWLEDGED', { type: 'acknowledge' }],
    ['NEW', { type: 'unacknowledge' }],
    ['IN_PROGRESS', { type: 'unacknowledge' }],
    ['NEW', { type: 'close' }],
    ['RESOLVED', { type: 'resolve', resolution: 'true_positive' }],
    ['CLOSED', { type: 'assign', assignee: 'bob' }],
    ['MERGED', { type: 'note', text: 'x' }],
    ['RESOLVED', { type: 'merge', into: 'case-other' }],
    ['NEW', { type: 'reopen' }],
  ];
  it.each(refused)('refuses from %s: %o', (from, action) => {
    expect(refusal(inStatus(from), action)).toBe('illegal_transition');
  });

  it('records the stage times and the resolution', () => {
    const acked = transition(fresh(), { type: 'acknowledge' }, actor, new Date('2026-11-20T10:05:00Z'), settings).next;
    const resolved = transition(acked, { type: 'resolve', resolution: 'true_positive' }, actor, new Date('2026-11-20T11:00:00Z'), settings).next;
    expect(resolved).toMatchObject({ acknowledgedAt: '2026-11-20T10:05:00.000Z', resolvedAt: '2026-11-20T11:00:00.000Z', resolution: 'true_positive', resolvedBy: 'alice' });
  });

  it('reopens within the window only', () => {
    const resolved = inStatus('RESOLVED', { resolvedAt: t0.toISOString(), resolution: 'false_positive' });
    const reopened = transition(resolved, { type: 'reopen' }, actor, new Date(t0.getTime() + 3_600_000), settings).next;
    expect(reopened).toMatchObject({ status: 'IN_PROGRESS', reopenCount: 1 });
    expect(reopened.resolution).toBeUndefined();
    expect(refusal(resolved, { type: 'reopen' }, new Date(t0.getTime() + 25 * 3_600_000))).toBe('illegal_transition');
  });

  it('needs a known resolution, and refuses merging a case into itself', () => {
    expect(() => parseAction('resolve', {})).toThrow(CaseError);
    expect(() => parseAction('resolve', { resolution: 'fixed' })).toThrow(/resolution must be one of/);
    expect(refusal(fresh(), { type: 'merge', into: fresh().caseId })).toBe('invalid_request');
  });

  it('gives the surviving case of a merge the alerts and the higher severity', () => {
    const target = openCase(finding({ findingId: 't' }, 'low'), 'k2', t0);
    const merged = { ...openCase(finding({ findingId: 'm' }, 'critical'), 'k3', t0), alertCount: 3 };
    const next = absorb(target, merged, t0).next;
    expect(next).toMatchObject({ severity: 'critical', alertCount: 4, mergedFrom: [merged.caseId], version: target.version + 1 });
  });
});
