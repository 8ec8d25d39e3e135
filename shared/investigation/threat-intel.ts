/**
 * Threat-intel lists of IP addresses and CIDR blocks the customer (or their
 * provider) maintains: Tor exits, scanners, known attacker infrastructure.
 * Two formats (docs/investigation.md):
 *
 * - plain text, one entry a line: `IP or CIDR[,category[,confidence[,description]]]`;
 *   blank lines and lines starting with `#` are ignored; the description is
 *   the rest of the line, commas included;
 * - JSON: `{"name": "...", "entries": [{"indicator", "category", "confidence"?, "description"?}]}`.
 *
 * Errors name the list and the line (text) or the entry (JSON). Single
 * addresses go into a map keyed by canonical address, so a list of a
 * hundred thousand addresses costs one lookup; blocks are scanned.
 */
import { ipKey, parseCidr, parseIp, RangeSet } from './ip';

export interface ThreatIntelEntry {
  /** IP address or CIDR block, as written. */
  indicator: string;
  category: string;
  /** 0–100. */
  confidence?: number;
  description?: string;
}

export interface ThreatIntelList {
  name: string;
  entries: ThreatIntelEntry[];
}

export interface ThreatIntelHit {
  list: string;
  category: string;
  confidence?: number;
  description?: string;
}

export class ThreatIntelError extends Error {
  constructor(
    readonly list: string,
    /** `line 12`, `entries[3].confidence`, or `(list)`. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`threat-intel list ${list}: ${where}: ${reason}`);
    this.name = 'ThreatIntelError';
  }
}

/** Category of a text entry that names none. */
export const DEFAULT_CATEGORY = 'malicious';
/** A category is a label (`tor-exit`, `scanner`): short, no spaces, so it reads well in `threat-intel:<category>`. */
const CATEGORY = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_ENTRIES = 500_000;

function checkIndicator(list: string, where: string, s: string): void {
  try {
    parseCidr(s);
  } catch (e) {
    throw new ThreatIntelError(list, where, (e as Error).message);
  }
}

function checkCategory(list: string, where: string, s: string): void {
  if (!CATEGORY.test(s)) throw new ThreatIntelError(list, where, `category "${s}" must be 1–64 letters, digits or . _ : - (no spaces)`);
}

function parseConfidence(list: string, where: string, v: unknown): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'string' && /^\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) throw new ThreatIntelError(list, where, 'confidence must be an integer from 0 to 100');
  return n;
}

function parseText(name: string, text: string): ThreatIntelList {
  const entries: ThreatIntelEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${i + 1}`;
    const parts = line.split(',');
    const indicator = parts[0].trim();
    checkIndicator(name, where, indicator);
    const category = parts[1]?.trim() || DEFAULT_CATEGORY;
    checkCategory(name, where, category);
    const confidence = parseConfidence(name, where, parts[2]);
    const description = parts.slice(3).join(',').trim() || undefined;
    entries.push({ indicator, category, ...(confidence !== undefined ? { confidence } : {}), ...(description ? { description } : {}) });
    if (entries.length > MAX_ENTRIES) throw new ThreatIntelError(name, where, `more than ${MAX_ENTRIES} entries`);
  }
  return { name, entries };
}

function parseJson(fallbackName: string, text: string): ThreatIntelList {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ThreatIntelError(fallbackName, '(list)', `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ThreatIntelError(fallbackName, '(list)', 'must be a JSON object with name and entries');
  const o = doc as Record<string, unknown>;
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.trim() === '')) throw new ThreatIntelError(fallbackName, 'name', 'must be a non-empty string');
  const name = typeof o.name === 'string' ? o.name.trim() : fallbackName;
  if (!Array.isArray(o.entries)) throw new ThreatIntelError(name, 'entries', 'must be an array');
  if (o.entries.length > MAX_ENTRIES) throw new ThreatIntelError(name, 'entries', `more than ${MAX_ENTRIES} entries`);
  const entries = o.entries.map((e, i): ThreatIntelEntry => {
    const where = `entries[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ThreatIntelError(name, where, 'must be an object');
    const r = e as Record<string, unknown>;
    if (typeof r.indicator !== 'string') throw new ThreatIntelError(name, `${where}.indicator`, 'must be a string');
    checkIndicator(name, `${where}.indicator`, r.indicator.trim());
    if (typeof r.category !== 'string') throw new ThreatIntelError(name, `${where}.category`, 'must be a string');
    checkCategory(name, `${where}.category`, r.category.trim());
    const confidence = parseConfidence(name, `${where}.confidence`, r.confidence);
    if (r.description !== undefined && typeof r.description !== 'string') throw new ThreatIntelError(name, `${where}.description`, 'must be a string');
    const description = typeof r.description === 'string' && r.description.trim() ? r.description.trim() : undefined;
    return { indicator: r.indicator.trim(), category: r.category.trim(), ...(confidence !== undefined ? { confidence } : {}), ...(description ? { description } : {}) };
  });
  return { name, entries };
}

/**
 * Parses a list in either format: JSON when the text starts with `{`, plain
 * text otherwise. `name` names a text list (and a JSON list without a name).
 */
export function parseThreatIntel(name: string, text: string): ThreatIntelList {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.trimStart().startsWith('{') ? parseJson(name, body) : parseText(name, body);
}

/** Every list compiled for lookups by address. */
export class ThreatIntelIndex {
  private readonly exact = new Map<string, ThreatIntelHit[]>();
  private readonly blocks = new RangeSet<ThreatIntelHit>();
  readonly lists: readonly string[];

  constructor(lists: readonly ThreatIntelList[]) {
    this.lists = lists.map((l) => l.name);
    for (const l of lists) {
      for (const e of l.entries) {
        const hit: ThreatIntelHit = { list: l.name, category: e.category, ...(e.confidence !== undefined ? { confidence: e.confidence } : {}), ...(e.description ? { description: e.description } : {}) };
        const r = parseCidr(e.indicator);
        if (r.start === r.end) {
          const k = ipKey(r.v === 4 ? { v: 4, n: r.start } : { v: 6, n: r.start });
          const hits = this.exact.get(k);
          if (hits) hits.push(hit);
          else this.exact.set(k, [hit]);
        } else {
          this.blocks.add(r, hit);
        }
      }
    }
  }

  /** Hits for an address, exact entries first, then blocks, in list order; none for a non-address. */
  lookup(ip: string): ThreatIntelHit[] {
    const addr = parseIp(ip);
    if (!addr) return [];
    return [...(this.exact.get(ipKey(addr)) ?? []), ...this.blocks.match(addr)];
  }

  get size(): number {
    let n = this.blocks.size;
    for (const h of this.exact.values()) n += h.length;
    return n;
  }
}

export const EMPTY_INTEL = new ThreatIntelIndex([]);
