/**
 * Regular expressions from rules (`|re`). JavaScript's engine backtracks, so a
 * hostile or careless pattern could stall a function on one event. Instead of
 * a second engine, patterns are analysed at load and the shapes that can
 * backtrack exponentially are refused with a reason:
 * - a quantified group (max > 1) that itself contains a quantifier with max > 1
 *   (`(a+)+`, `(\w*\s?)*`): nested quantifiers;
 * - a quantified group whose alternatives are not distinct literals
 *   (`(a|a)*`, `(\w|\d)+`): overlapping alternation;
 * - backreferences and lookaround (outside the spec's regex flavour, and
 *   backreferences make matching NP-hard).
 * Escapes JavaScript would silently read differently from PCRE (`\A`, `\Z`,
 * `\h`, …) are refused too, rather than mis-evaluated. A leading inline flag
 * group such as `(?i)` is turned into a RegExp flag.
 */
import { SigmaError, unsupported } from './errors';

interface Frame {
  /** Quantifiers inside this group (nested groups included), `?` too. */
  quantifiers: number;
  alt: boolean;
  /** Literal text of each alternative so far; null once an alternative is not a plain literal. */
  branches: Array<string | null>;
  /** Source of every single-character atom inside (nested groups included). */
  atoms: string[];
  /** Source of the single-character atoms that can repeat inside. */
  repeated: string[];
  /** Mandatory literal character the group starts with (null: none). */
  first: string | null | undefined;
  /** Mandatory literal character the group ends with (null: none). */
  last: string | null;
  /** Items so far in the current alternative. */
  count: number;
}

interface Atom {
  /** Group frame when the atom is a group, for quantifier checks. */
  group?: Frame;
  /** Source text of a single-character atom. */
  src?: string;
  /** The character, when the atom is one literal character. */
  char?: string;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

export interface SafeRegex {
  source: string;
  flags: string;
}

function frame(): Frame {
  return { quantifiers: 0, alt: false, branches: [''], atoms: [], repeated: [], first: undefined, last: null, count: 0 };
}

/** Checks a rule regex and returns the source/flags to build a RegExp from. */
export function checkRegex(pattern: string, flags: string): SafeRegex {
  let src = pattern;
  const fs = new Set(flags.split('').filter(Boolean));
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]) {
      if (f === 'i' || f === 'm' || f === 's') fs.add(f);
      else unsupported(`regex inline flag '${f}' is not supported`);
    }
    src = src.slice(inline[0].length);
  }
  const ci = fs.has('i');
  const charFlags = [...fs].filter((f) => f !== 'm').join('');
  const stack: Frame[] = [frame()];
  let last: Atom | undefined;
  const top = () => stack[stack.length - 1];
  const atom = (a: Atom) => {
    last = a;
    const f = top();
    const b = f.branches[f.branches.length - 1];
    const lit = a.char ?? (a.group && !a.group.alt && a.group.branches[0] !== null ? a.group.branches[0] : null);
    f.branches[f.branches.length - 1] = b === null || lit === null ? null : b + lit;
    if (a.src !== undefined) f.atoms.push(a.src);
    const firstChar = a.char ?? (a.group && !a.group.alt ? a.group.first : null) ?? null;
    if (f.count === 0 && f.branches.length === 1) f.first = firstChar;
    f.count++;
    f.last = a.char ?? (a.group && !a.group.alt ? a.group.last : null);
  };
  const single = (from: number, to: number, char?: string) => atom({ src: src.slice(from, to + 1), char });
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const at = i;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new SigmaError('regex ends with a lone backslash');
      i++;
      if (/[1-9]/.test(n) || n === 'k') unsupported('regex backreferences are not supported (they defeat linear-time matching)');
      if ('dDwWsS'.includes(n)) single(at, i);
      else if (n === 'b' || n === 'B') last = undefined;
      else if (n in SIMPLE_ESCAPES) single(at, i, SIMPLE_ESCAPES[n]);
      else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 1, i + 3))) {
        i += 2;
        single(at, i, String.fromCharCode(parseInt(src.slice(i - 1, i + 1), 16)));
      } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 1, i + 5))) {
        i += 4;
        single(at, i, String.fromCharCode(parseInt(src.slice(i - 3, i + 1), 16)));
      } else if (/[A-Za-z]/.test(n)) unsupported(`regex escape '\\${n}' is not supported (its meaning differs between regex flavours)`);
      else single(at, i, n);
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      for (; j < src.length && src[j] !== ']'; j++) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          if (n !== undefined && /[A-Za-z]/.test(n) && !'dDwWsSnrtfvbxuc'.includes(n)) {
            unsupported(`regex escape '\\${n}' is not supported (its meaning differs between regex flavours)`);
          }
          j++;
        }
      }
      if (j >= src.length) throw new SigmaError('regex has an unterminated character class');
      i = j;
      single(at, i);
      continue;
    }
    if (c === '(') {
      if (src[i + 1] === '?') {
        const rest = src.slice(i + 2);
        if (rest.startsWith(':')) i += 2;
        else if (/^<[A-Za-z_]\w*>/.test(rest)) i += 1 + rest.indexOf('>') + 1;
        else if (/^(=|!|<=|<!)/.test(rest)) unsupported('regex lookaround is not supported (outside the Sigma regex flavour)');
        else if (rest.startsWith('>')) unsupported('regex atomic groups are not supported');
        else unsupported(`regex group syntax '(?${rest.slice(0, 2)}' is not supported`);
      }
      stack.push(frame());
      last = undefined;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) throw new SigmaError('regex has an unbalanced parenthesis');
      const g = stack.pop() as Frame;
      const parent = top();
      parent.quantifiers += g.quantifiers;
      parent.atoms.push(...g.atoms);
      parent.repeated.push(...g.repeated);
      atom({ group: g });
      continue;
    }
    if (c === '|') {
      const f = top();
      f.alt = true;
      f.branches.push('');
      f.count = 0;
      last = undefined;
      continue;
    }
    const q = quantifierAt(src, i);
    if (q) {
      if (!last) throw new SigmaError(`regex quantifier '${src.slice(i, i + q.len)}' follows nothing`);
      const f = top();
      const g = last.group;
      // A repeated group whose body can match one string in several ways backtracks exponentially.
      if (q.many && g && g.quantifiers > 0 && !(g.quantifiers === 1 && boundaryDelimited(g, charFlags))) {
        unsupported('regex has nested quantifiers (a quantified group containing a quantifier), which can backtrack exponentially');
      }
      if (q.many && g?.alt && !distinctLiterals(g.branches, ci)) {
        unsupported('regex has a quantified alternation whose alternatives can overlap, which can backtrack exponentially');
      }
      f.quantifiers++;
      if (g) f.repeated.push(...g.atoms);
      else if (last.src !== undefined) f.repeated.push(last.src);
      // The quantified atom is no longer a fixed literal, nor mandatory when min is 0.
      f.branches[f.branches.length - 1] = null;
      if (q.optional) {
        f.last = null;
        if (f.count === 1 && f.branches.length === 1) f.first = null;
      }
      i += q.len - 1;
      last = undefined;
      continue;
    }
    if (c === '.') single(at, i);
    else if (c === '^' || c === '$') last = undefined;
    else single(at, i, c);
  }
  if (stack.length !== 1) throw new SigmaError('regex has an unbalanced parenthesis');
  const outFlags = [...fs].sort().join('');
  try {
    new RegExp(src, outFlags);
  } catch (e) {
    throw new SigmaError(`invalid regex: ${(e as Error).message}`);
  }
  return { source: src, flags: outFlags };
}

/**
 * A repeated group with one inner quantifier is still unambiguous when every
 * iteration starts (or ends) with a mandatory literal character that the
 * quantified atoms inside cannot match: `(\.\d+)*`, `(\w+\\)+`.
 */
function boundaryDelimited(g: Frame, flags: string): boolean {
  if (g.alt) return false;
  const clear = (c: string | null | undefined) =>
    typeof c === 'string' && g.repeated.every((a) => !new RegExp(`^(?:${a})$`, flags).test(c));
  return clear(g.first) || clear(g.last);
}

/** Quantifier at `i`: its length (with a lazy `?`) and whether it allows more than one repetition. */
function quantifierAt(src: string, i: number): { len: number; many: boolean; optional: boolean } | undefined {
  const c = src[i];
  let len = 0;
  let many = false;
  let optional = false;
  if (c === '*' || c === '+') {
    len = 1;
    many = true;
    optional = c === '*';
  } else if (c === '?') {
    len = 1;
    optional = true;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (!m) return undefined;
    len = m[0].length;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    many = max > 1;
    optional = Number(m[1]) === 0;
  } else {
    return undefined;
  }
  if (src[i + len] === '?') len++;
  return { len, many, optional };
}

function distinctLiterals(branches: Array<string | null>, ci: boolean): boolean {
  const firsts = new Set<string>();
  for (const b of branches) {
    if (b === null || b === '') return false;
    const f = ci ? b[0].toLowerCase() : b[0];
    if (firsts.has(f)) return false;
    firsts.add(f);
  }
  return true;
}
