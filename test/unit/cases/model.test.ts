import { attachAlert, caseEvent, correlationKey, openCase, SYSTEM_ACTOR } from '../../../shared/cases/model';
import { finding } from '../../fixtures/findings';
import { schemaErrors } from '../../support/schemas';

const now = new Date('2026-11-20T10:00:00Z');

describe('case model', () => {
  it('keys correlation on tenant, rule and entities', () => {
    const a = finding({ findingId: 'a' });
    expect(correlationKey(finding({ findingId: 'b' }))).toBe(correlationKey(a));
    expect(correlationKey(finding({ findingId: 'c', tenantId: 'other' }))).not.toBe(correlationKey(a));
    expect(correlationKey(finding({ findingId: 'd', rule: { ...a.rule, id: 'rule-2' } }))).not.toBe(correlationKey(a));
    expect(correlationKey(finding({ findingId: 'e', entities: { ...a.entities, users: ['someone-else'] } }))).not.toBe(correlationKey(a));
  });

  it('opens a case with a deterministic id from its first finding', () => {
    const f = finding({ findingId: 'first' });
    const c = openCase(f, correlationKey(f), now);
    expect(c).toMatchObject({ status: 'NEW', alertCount: 1, version: 1, severity: 'high', detectedAt: f.eventTime });
    expect(openCase(f, correlationKey(f), now).caseId).toBe(c.caseId);
    expect(c.title).toBe('Test rule by mallory in 111122223333');
  });

  it('raises severity with a new alert and never lowers it', () => {
    const opened = openCase(finding({ findingId: '1' }, 'medium'), 'k', now);
    const raised = attachAlert(opened, finding({ findingId: '2' }, 'critical'), now);
    expect(raised.severity).toBe('critical');
    const kept = attachAlert(raised, finding({ findingId: '3' }, 'low'), now);
    expect(kept).toMatchObject({ severity: 'critical', alertCount: 3, version: 3 });
  });

  it('keeps the earliest detection time and the latest sighting', () => {
    const opened = openCase(finding({ findingId: '1', eventTime: '2026-11-20T09:00:00.000Z' }), 'k', now);
    const later = attachAlert(opened, finding({ findingId: '2', eventTime: '2026-11-20T09:30:00.000Z' }), now);
    const earlier = attachAlert(later, finding({ findingId: '3', eventTime: '2026-11-20T08:00:00.000Z' }), now);
    expect(earlier).toMatchObject({ detectedAt: '2026-11-20T08:00:00.000Z', lastSeen: '2026-11-20T09:30:00.000Z' });
  });

  it('emits case events that match the published schema, with ids stable per case version and type', () => {
    const c = openCase(finding({ findingId: '1' }), 'k', now);
    const e = caseEvent('CaseOpened', c, SYSTEM_ACTOR, now, '1');
    expect(schemaErrors('case-event', e.detail)).toEqual([]);
    expect(caseEvent('CaseOpened', c, SYSTEM_ACTOR, new Date(), '1').detail.eventId).toBe(e.detail.eventId);
    expect(caseEvent('CaseAlertAttached', c, SYSTEM_ACTOR, now).detail.eventId).not.toBe(e.detail.eventId);
  });
});
