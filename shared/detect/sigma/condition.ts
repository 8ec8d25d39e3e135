/**
 * Sigma condition expressions: tokenizer, parser and identifier resolution.
 * Precedence, least to most binding: or < and < not < x-of < ( ).
 * `1 of`/`any of`/`all of` take `them` (every identifier not starting with
 * `_`) or a pattern with `*` wildcards matched against whole identifier
 * names; a pattern not starting with `_` leaves out `_`-identifiers.
 * A pattern matching no identifier is left out of the condition together with
 * a `not` applied to it, as pySigma does (the specification does not forbid
 * it; SigmaHQ has rules whose filter identifier is misspelt); a condition left
 * with nothing is a load error.
 */
import { fail, unsupported } from './errors';

export type CondNode =
  | { t: 'id'; name: string }
  | { t: 'not'; arg: CondNode }
  | { t: 'and' | 'or'; args: CondNode[] }
  /** Resolved quantifier: the identifiers it covers. */
  | { t: 'of'; quant: 'any' | 'all'; names: string[] };

type Token = { kind: '(' | ')' | 'word'; text: string; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:([()])|([^\s()]+))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    if (m[1]) out.push({ kind: m[1] as '(' | ')', text: m[1], pos: m.index });
    else if (m[2]) out.push({ kind: 'word', text: m[2], pos: m.index });
    else break;
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);

/** Escapes a condition pattern into an anchored regex: only `*` is a wildcard. */
function patternRegex(p: string): RegExp {
  return new RegExp('^' + p.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

/**
 * Parses one condition string against the rule's search identifiers.
 * A missing identifier is a load error. A pattern matching none is dropped
 * (see the top of this file) and described in `notes` when given.
 */
export function parseCondition(src: string, identifiers: string[], notes?: string[]): CondNode {
  if (src.includes('|')) unsupported('aggregation expressions in conditions (`| count() …`) are Sigma v1; use correlation rules');
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const word = (t: Token | undefined) => (t && t.kind === 'word' ? t.text.toLowerCase() : undefined);
  const known = new Set(identifiers);
  const empty: string[] = [];

  const parseOr = (): CondNode => {
    const args = [parseAnd()];
    while (word(peek()) === 'or') {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0] : { t: 'or', args };
  };
  const parseAnd = (): CondNode => {
    const args = [parseNot()];
    while (word(peek()) === 'and') {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0] : { t: 'and', args };
  };
  const parseNot = (): CondNode => {
    if (word(peek()) === 'not') {
      i++;
      return { t: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): CondNode => {
    const t = peek();
    if (!t) return fail(`condition '${src}' ends unexpectedly`);
    if (t.kind === '(') {
      i++;
      const inner = parseOr();
      if (peek()?.kind !== ')') fail(`condition '${src}' has an unclosed parenthesis`);
      i++;
      return inner;
    }
    if (t.kind === ')') return fail(`condition '${src}' has an unexpected ')' at ${t.pos}`);
    const w = t.text.toLowerCase();
    if (word(toks[i + 1]) === 'of') {
      let quant: 'any' | 'all';
      if (w === '1' || w === 'any') quant = 'any';
      else if (w === 'all') quant = 'all';
      else if (/^\d+$/.test(w)) return unsupported(`'${t.text} of' is not in the Sigma specification (only 1/any/all of)`);
      else return fail(`condition '${src}': '${t.text} of' is not a valid quantifier`);
      i += 2;
      const target = peek();
      if (!target || target.kind !== 'word') return fail(`condition '${src}': 'of' needs 'them' or an identifier pattern`);
      i++;
      const names = resolvePattern(target.text, identifiers);
      if (names.length === 0) empty.push(target.text);
      return { t: 'of', quant, names };
    }
    if (w === 'near') unsupported(`'near' conditions are Sigma v1 aggregations; use correlation rules`);
    if (KEYWORDS.has(w)) fail(`condition '${src}': unexpected '${t.text}' at ${t.pos}`);
    i++;
    if (!known.has(t.text)) fail(`condition '${src}' names unknown search identifier '${t.text}'`);
    return { t: 'id', name: t.text };
  };

  if (toks.length === 0) fail('condition is empty');
  const node = parseOr();
  if (i < toks.length) fail(`condition '${src}': unexpected '${toks[i].text}' at ${toks[i].pos}`);
  if (empty.length === 0) return node;
  const list = empty.map((p) => `'${p}'`).join(', ');
  const pruned = dropEmpty(node);
  if (!pruned) fail(`condition '${src}': ${list} ${empty.length === 1 ? 'matches' : 'match'} no search identifier, so nothing is left to match`);
  notes?.push(`condition '${src}': ${list} ${empty.length === 1 ? 'matches' : 'match'} no search identifier and is left out (as pySigma does)`);
  return pruned;
}

/** Removes `x of` nodes that cover no identifier, with a `not` over them; null when nothing is left. */
function dropEmpty(node: CondNode): CondNode | null {
  switch (node.t) {
    case 'id':
      return node;
    case 'of':
      return node.names.length === 0 ? null : node;
    case 'not': {
      const arg = dropEmpty(node.arg);
      return arg ? { t: 'not', arg } : null;
    }
    case 'and':
    case 'or': {
      const args = node.args.map(dropEmpty).filter((a): a is CondNode => a !== null);
      return args.length === 0 ? null : args.length === 1 ? args[0] : { t: node.t, args };
    }
  }
}

function resolvePattern(pattern: string, identifiers: string[]): string[] {
  let names: string[];
  if (pattern.toLowerCase() === 'them') {
    names = identifiers.filter((n) => !n.startsWith('_'));
  } else {
    const re = patternRegex(pattern);
    names = identifiers.filter((n) => re.test(n) && (pattern.startsWith('_') || !n.startsWith('_')));
  }
  return names;
}

/** Identifiers a node refers to (for unused-identifier checks and indexing). */
export function referencedIdentifiers(node: CondNode, out = new Set<string>()): Set<string> {
  switch (node.t) {
    case 'id':
      out.add(node.name);
      break;
    case 'not':
      referencedIdentifiers(node.arg, out);
      break;
    case 'and':
    case 'or':
      for (const a of node.args) referencedIdentifiers(a, out);
      break;
    case 'of':
      for (const n of node.names) out.add(n);
      break;
  }
  return out;
}
