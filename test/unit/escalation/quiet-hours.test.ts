import { notBefore, type QuietHours } from '../../../shared/escalation/quiet-hours';

const night: QuietHours = { timeZone: 'Europe/Berlin', start: '22:00', end: '07:00', overrideSeverities: ['critical'] };

describe('quiet hours', () => {
  it('defers a page inside the window to its end, in the policy time zone', () => {
    // 23:30 in Berlin (CET, UTC+1) → 07:00 Berlin = 06:00 UTC next day.
    expect(notBefore(night, 'medium', new Date('2026-11-25T22:30:00Z')).toISOString()).toBe('2026-11-26T06:00:00.000Z');
  });

  it('lets override severities through and leaves daytime alone', () => {
    const late = new Date('2026-11-25T22:30:00Z');
    expect(notBefore(night, 'critical', late)).toBe(late);
    const noon = new Date('2026-11-25T11:00:00Z');
    expect(notBefore(night, 'low', noon)).toBe(noon);
  });

  it('handles a window that does not cross midnight', () => {
    const lunch: QuietHours = { timeZone: 'UTC', start: '12:00', end: '13:00', overrideSeverities: [] };
    expect(notBefore(lunch, 'high', new Date('2026-11-25T12:15:30Z')).toISOString()).toBe('2026-11-25T13:00:00.000Z');
    expect(notBefore(lunch, 'high', new Date('2026-11-25T13:00:00Z')).toISOString()).toBe('2026-11-25T13:00:00.000Z');
  });
});
