import { medianWorker } from '../../bench/detect';
import type { DetectWorkerResult } from '../../bench/detect-worker';

/** A worker's result with only the two times that rank it set apart. */
function worker(detectMs: number, parseMs: number): DetectWorkerResult {
  return { rules: 100, events: 1, compileMs: 0, indexed: 0, unindexed: 0, detectMs, parseMs, firstDetectMs: detectMs, firstParseMs: parseMs, evaluateMs: 0, matches: 0, findings: 0 };
}

describe('detect bench: the median of several worker processes', () => {
  test('a row is the process with the median ratio to JSON.parse, its figures kept together', () => {
    // Ratios 2.0, 1.5 and 1.8: the median process is the third, though neither its detect nor its parse time is the median one.
    const ws = [worker(100, 50), worker(90, 60), worker(99, 55)];
    expect(medianWorker(ws)).toBe(ws[2]);
  });

  test('of an even number, the slower of the middle two; one process is itself', () => {
    const ws = [worker(100, 50), worker(90, 60), worker(99, 55), worker(120, 100)];
    // Ratios 2.0, 1.5, 1.8, 1.2: the middle two are 1.5 and 1.8.
    expect(medianWorker(ws)).toBe(ws[2]);
    expect(medianWorker([ws[0]])).toBe(ws[0]);
    expect(() => medianWorker([])).toThrow('no detect worker results');
  });
});
