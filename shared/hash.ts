import { createHash } from 'node:crypto';

/** Short, stable hex id from parts; the basis of every deterministic id in the pipeline. */
export function stableId(...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}
