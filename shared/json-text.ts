/**
 * JSON text written by hand where JSON.stringify's call costs more than the text (per-record ids, per-finding lines):
 * the same characters JSON.stringify writes.
 */

/**
 * True when JSON.stringify(s) is `"${s}"`: no quote, backslash, control character or surrogate (JSON.stringify escapes
 * lone surrogates only; any surrogate here, to keep it simple).
 */
export function plainJsonString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** JSON.stringify(s), without the call for the common string that needs no escaping (ids, names, field values). */
export function jsonString(s: string): string {
  return plainJsonString(s) ? `"${s}"` : JSON.stringify(s);
}

/** JSON.stringify(list) for a list of strings. */
export function jsonStringList(list: readonly string[]): string {
  let t = '[';
  for (let i = 0; i < list.length; i++) t += (i === 0 ? '' : ',') + jsonString(list[i]);
  return `${t}]`;
}
