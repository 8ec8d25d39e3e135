/** fast-check settings: CI size by default, `MDR_FUZZ_RUNS` / `MDR_FUZZ_SEED` for longer or replayed runs. */
export function runs(ci: number): { numRuns: number; seed?: number } {
  const n = Number(process.env.MDR_FUZZ_RUNS);
  const seed = Number(process.env.MDR_FUZZ_SEED);
  return { numRuns: Number.isInteger(n) && n > 0 ? n : ci, ...(Number.isInteger(seed) ? { seed } : {}) };
}

/** Counts cases per property; `total()` and `summary()` for the line each suite prints. */
export function caseCounter() {
  const tried = new Map<string, number>();
  return {
    hit: (k: string) => void tried.set(k, (tried.get(k) ?? 0) + 1),
    total: () => [...tried.values()].reduce((a, b) => a + b, 0),
    summary: () => [...tried].map(([k, v]) => `${k}=${v}`).join(' '),
  };
}

/** One edit of a text: where, how long, what, and what to insert. */
export interface TextEdit {
  at: number;
  len: number;
  op: string;
  text: string;
}

/**
 * Character edits every text fuzz suite applies: truncate, delete a range,
 * insert text, or (any other op) duplicate a range.
 */
export function applyTextEdit(s: string, e: TextEdit): string {
  const at = s.length ? e.at % s.length : 0;
  switch (e.op) {
    case 'truncate':
      return s.slice(0, at);
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.len);
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at);
    default:
      return s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
  }
}
