/**
 * A bounded cache keyed by strings that never hashes a whole string.
 *
 * The index remembers, per field, which rules a raw value selects. Every
 * event's values are new strings from JSON.parse, and a Map lookup makes V8
 * hash a new string in full first: 150–250 ns for a CloudTrail user agent,
 * more than the lookup saves. Here the slot comes from the length and a few
 * characters, and a stored key is confirmed with `===` (a character compare
 * that stops at the first difference, no hash). Being a cache it may forget:
 * a value that finds no free slot within a few probes is not remembered, and
 * is worked out again the next time it is seen.
 */
export class ValueMemo<V> {
  private readonly keys: (string | undefined)[];
  private readonly values: (V | undefined)[];
  private readonly mask: number;
  /** Values remembered. */
  size = 0;

  /** `capacity` is rounded up to a power of two; keep it about twice the values to remember. */
  constructor(capacity: number) {
    let n = 16;
    while (n < capacity) n <<= 1;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  get(s: string): V | undefined {
    const keys = this.keys;
    let i = slotOf(s) & this.mask;
    for (let k = 0; k < PROBES; k++) {
      const key = keys[i];
      if (key === undefined) return undefined;
      if (key === s) return this.values[i];
      i = (i + 1) & this.mask;
    }
    return undefined;
  }

  set(s: string, v: V): void {
    const keys = this.keys;
    let i = slotOf(s) & this.mask;
    for (let k = 0; k < PROBES; k++) {
      const key = keys[i];
      if (key === undefined) {
        keys[i] = s;
        this.values[i] = v;
        this.size++;
        return;
      }
      if (key === s) {
        this.values[i] = v;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  clear(): void {
    this.keys.fill(undefined);
    this.values.fill(undefined);
    this.size = 0;
  }
}

/** Slots tried from a value's own before giving up on it. */
const PROBES = 4;

/** The length and nine characters spread over the string (ends included: ids and versions differ there), mixed. */
function slotOf(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let h = Math.imul(n, 0x9e3779b1);
  h = Math.imul(h ^ s.charCodeAt(0), 0x85ebca6b);
  h = Math.imul(h ^ s.charCodeAt(n >> 2), 0xc2b2ae35);
  h = Math.imul(h ^ s.charCodeAt(n >> 1), 0x85ebca6b);
  h = Math.imul(h ^ s.charCodeAt((3 * n) >> 2), 0xc2b2ae35);
  h = Math.imul(h ^ s.charCodeAt(n - 1), 0x85ebca6b);
  if (n > 4) {
    h = Math.imul(h ^ s.charCodeAt(1), 0xc2b2ae35);
    h = Math.imul(h ^ s.charCodeAt(n - 2), 0x85ebca6b);
    h = Math.imul(h ^ s.charCodeAt(n - 3), 0xc2b2ae35);
    h = Math.imul(h ^ s.charCodeAt(n - 5), 0x85ebca6b);
  }
  return (h ^ (h >>> 15)) >>> 0;
}
