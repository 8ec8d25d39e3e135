import fc from 'fast-check';

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

/** A structural edit somewhere in a JSON value: delete, replace with anything, wrap in an array, stringify. */
export const arbEdit = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  op: fc.constantFrom('delete', 'set', 'wrap', 'stringify', 'null'),
  value: fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom('', ' ', '-', '1e999', '0x17', 'NaN', '\u0000', '9'.repeat(40), '2026-13-45T99:99:99Z')),
});

/** `root` copied with `edit` applied: each path step picks a member (index modulo the member count); the edit lands where the path ends or reaches a leaf. */
export function applyEdit(root: unknown, edit: { path: number[]; op: string; value: unknown }): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let parent: Record<string, unknown> | unknown[] = copy;
  for (let d = 0; d < edit.path.length; d++) {
    const keys = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
    if (keys.length === 0) break;
    const key = keys[edit.path[d] % keys.length];
    const child = (parent as Record<string | number, unknown>)[key];
    const last = d === edit.path.length - 1 || typeof child !== 'object' || child === null;
    if (last) {
      const p = parent as Record<string | number, unknown>;
      if (edit.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete p[key];
      } else if (edit.op === 'set') p[key] = edit.value;
      else if (edit.op === 'wrap') p[key] = [child];
      else if (edit.op === 'stringify') p[key] = JSON.stringify(child) ?? 'undefined';
      else p[key] = null;
      break;
    }
    parent = child as Record<string, unknown>;
  }
  return copy;
}
