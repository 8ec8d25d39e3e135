import { normalizeMessage } from '../../../shared/normalize/normalize-batch';
import { normalizeCase, NORMALIZE_CASES } from '../../bench/normalize';

describe('normalize bench: every input built alone (what each worker process measures)', () => {
  it('has the fifteen inputs the page reports', () => {
    expect(NORMALIZE_CASES).toBe(15);
    expect(() => normalizeCase(100, NORMALIZE_CASES)).toThrow(/no normalize case/);
  });

  it.each(Array.from({ length: NORMALIZE_CASES }, (_, k) => k))('input %i: every record normalizes, and its baseline holds the same number of records', (k) => {
    const c = normalizeCase(200, k);
    let events = 0;
    const rejected: string[] = [];
    for (const m of c.messages) normalizeMessage(m, { event: () => void events++, reject: (r) => void rejected.push(String(r.reason)) }, undefined, c.sources);
    expect(rejected).toEqual([]);
    expect(events).toBe(c.events);
    const baselineRecords = c.baseline.reduce((sum, b) => sum + b.split('\n').filter((l) => l.trim() !== '').length, 0);
    // One document per body for the envelopes and log files; otherwise one JSON line per record.
    expect(baselineRecords === c.events || baselineRecords === c.baseline.length).toBe(true);
  });

  it('builds the same input every time (seeded per source)', () => {
    expect(normalizeCase(50, 8).baseline).toEqual(normalizeCase(50, 8).baseline);
  });
});
