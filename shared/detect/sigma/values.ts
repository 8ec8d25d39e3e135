/**
 * Sigma string values: wildcard/escape parsing, case folding, and compilation
 * of a pattern into the cheapest matcher that implements it (exact, prefix,
 * suffix, contains, then a linear glob scan; never a regular expression).
 */

/** A wildcard token inside a parsed Sigma string. */
export type Wild =
  | { readonly w: '*' }
  | { readonly w: '?' }
  /** One character out of a set (the `windash` modifier's dash class). */
  | { readonly w: 'set'; readonly chars: string };

/** A parsed Sigma string: literal chunks and wildcard tokens, in order. */
export type Part = string | Wild;
export type Pattern = Part[];

export const STAR: Wild = { w: '*' };
export const QMARK: Wild = { w: '?' };

/**
 * Parses a rule string into a pattern, applying the spec's escape rules:
 * `\` escapes only `*`, `?` and `\`; any other backslash is literal.
 */
export function parsePattern(raw: string): Pattern {
  const parts: Pattern = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      // Consecutive stars collapse: they match the same strings.
      if (c === '*' && parts.length > 0 && parts[parts.length - 1] === STAR) continue;
      parts.push(c === '*' ? STAR : QMARK);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** A pattern made only of literal text. */
export function literalPattern(text: string): Pattern {
  return text ? [text] : [];
}

export function hasWildcards(p: Pattern): boolean {
  return p.some((x) => typeof x !== 'string');
}

/** The literal text of a wildcard-free pattern (undefined if it has wildcards). */
export function plainText(p: Pattern): string | undefined {
  return hasWildcards(p) ? undefined : p.join('');
}

/** Normalizes: merges adjacent literals and collapses repeated stars. */
export function normalizePattern(p: Pattern): Pattern {
  const out: Pattern = [];
  for (const x of p) {
    const last = out[out.length - 1];
    if (typeof x === 'string') {
      if (!x) continue;
      if (typeof last === 'string') out[out.length - 1] = last + x;
      else out.push(x);
    } else if (x === STAR && last === STAR) {
      continue;
    } else {
      out.push(x);
    }
  }
  return out;
}

export function foldPattern(p: Pattern): Pattern {
  return p.map((x) => (typeof x === 'string' ? x.toLowerCase() : x.w === 'set' ? { w: 'set', chars: x.chars.toLowerCase() } : x));
}

/** Matcher over one (already case-folded if the pattern is folded) string. */
export type StringMatcher = (s: string) => boolean;

/** How a pattern is matched; `exact`/`prefix`/`suffix`/`contains` feed the index and fast paths. */
export interface CompiledPattern {
  kind: 'exact' | 'prefix' | 'suffix' | 'contains' | 'any' | 'glob';
  /** The literal for the simple kinds. */
  text?: string;
  match: StringMatcher;
}

export function compilePattern(input: Pattern): CompiledPattern {
  const p = normalizePattern(input);
  if (p.length === 0) return { kind: 'exact', text: '', match: (s) => s === '' };
  if (p.length === 1 && p[0] === STAR) return { kind: 'any', match: () => true };
  const first = p[0];
  const last = p[p.length - 1];
  if (p.length === 1 && typeof first === 'string') return { kind: 'exact', text: first, match: (s) => s === first };
  if (p.length === 2 && typeof first === 'string' && last === STAR) {
    return { kind: 'prefix', text: first, match: (s) => s.startsWith(first) };
  }
  if (p.length === 2 && first === STAR && typeof last === 'string') {
    return { kind: 'suffix', text: last, match: (s) => s.endsWith(last) };
  }
  if (p.length === 3 && first === STAR && last === STAR && typeof p[1] === 'string') {
    const mid = p[1];
    return { kind: 'contains', text: mid, match: (s) => s.includes(mid) };
  }
  return { kind: 'glob', match: globMatcher(p) };
}

/** One unit of a glob segment: a literal string run, or a single-char token. */
type Unit = string | Wild;

/**
 * Glob matching without backtracking blow-up: the pattern is split at `*`
 * into segments; the first is anchored at the start, the last at the end,
 * and middle ones are found leftmost-first (greedy leftmost is optimal for
 * `*`). Cost is O(len(s) × len(pattern)) at worst.
 */
function globMatcher(p: Pattern): StringMatcher {
  const segments: Unit[][] = [[]];
  for (const x of p) {
    if (x === STAR) segments.push([]);
    else segments[segments.length - 1].push(x);
  }
  const anchoredStart = p[0] !== STAR;
  const anchoredEnd = p[p.length - 1] !== STAR;
  const lens = segments.map(segLength);
  return (s: string) => {
    let pos = 0;
    let end = s.length;
    let firstIdx = 0;
    let lastIdx = segments.length - 1;
    if (segments.length === 1) {
      // No star at all: whole-string match.
      return lens[0] === s.length && segAt(segments[0], s, 0);
    }
    if (anchoredStart) {
      if (!segAt(segments[0], s, 0)) return false;
      pos = lens[0];
      firstIdx = 1;
    }
    if (anchoredEnd) {
      const l = lens[lastIdx];
      if (s.length - l < pos || !segAt(segments[lastIdx], s, s.length - l)) return false;
      end = s.length - l;
      lastIdx--;
    }
    for (let i = firstIdx; i <= lastIdx; i++) {
      const seg = segments[i];
      if (seg.length === 0) continue;
      const at = findSeg(seg, lens[i], s, pos, end);
      if (at < 0) return false;
      pos = at + lens[i];
    }
    return pos <= end;
  };
}

function segLength(seg: Unit[]): number {
  let n = 0;
  for (const u of seg) n += typeof u === 'string' ? u.length : 1;
  return n;
}

function segAt(seg: Unit[], s: string, at: number): boolean {
  let i = at;
  for (const u of seg) {
    if (typeof u === 'string') {
      if (!s.startsWith(u, i)) return false;
      i += u.length;
    } else {
      if (i >= s.length) return false;
      if (u.w === 'set' && !u.chars.includes(s[i])) return false;
      i++;
    }
  }
  return true;
}

function findSeg(seg: Unit[], len: number, s: string, from: number, end: number): number {
  if (seg.length === 1 && typeof seg[0] === 'string') {
    const at = s.indexOf(seg[0], from);
    return at >= 0 && at + len <= end ? at : -1;
  }
  for (let i = from; i + len <= end; i++) if (segAt(seg, s, i)) return i;
  return -1;
}

/** Strict decimal number syntax: no hex, octal, exponent-less surprises like `0x10`. */
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a numeric string strictly (decimal only); undefined if not a number. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (!NUMERIC.test(t)) return undefined;
    const n = Number(t);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}
