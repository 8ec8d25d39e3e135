import { hash } from 'node:crypto';

/** Bytes of an ASCII id text, written here rather than handed to crypto as a string (see stableId). */
const BYTES = new Uint8Array(4096);
/** views[n]: the first n bytes of BYTES, made once per length. */
const views: Uint8Array[] = [];

/**
 * Short, stable hex id from parts (the first 32 hex digits of the sha256 of each part followed by NUL); the basis of
 * every deterministic id in the pipeline.
 *
 * Parts of ASCII text (ids, names, times: nearly all) are written as bytes into one buffer and hashed from a view of
 * it. Joined into a string first, the text is a chain of concatenations that crypto must flatten into a new string
 * and encode before hashing, which cost as much as the hash itself (docs/benchmarks.md). Any other text takes that
 * path, so the bytes hashed, and the id, are the same either way (UTF-8 of ASCII is ASCII).
 */
export function stableId(...parts: readonly string[]): string {
  let pos = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const n = p.length;
    if (pos + n >= BYTES.length) return stableIdOfText(parts);
    for (let i = 0; i < n; i++) {
      const c = p.charCodeAt(i);
      if (c >= 0x80) return stableIdOfText(parts);
      BYTES[pos++] = c;
    }
    BYTES[pos++] = 0;
  }
  const view = (views[pos] ??= BYTES.subarray(0, pos));
  return hash('sha256', view, 'hex').slice(0, 32);
}

/** stableId through the text: any parts. */
function stableIdOfText(parts: readonly string[]): string {
  let s = '';
  for (const p of parts) s += `${p}\0`;
  return hash('sha256', s, 'hex').slice(0, 32);
}
