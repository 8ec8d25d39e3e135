/**
 * Literals a regular expression requires: a set of strings one of which every
 * match must contain, so the literal index can skip `|re` rules on events
 * that cannot match them (`(?i)(pacu|kali)` needs "pacu" or "kali").
 *
 * The answer is a necessary condition on the event text lower-cased with
 * `toLowerCase()`, which is what the index probes. Only ASCII characters are
 * kept as literals: for them, JavaScript's case-insensitive matching and
 * lower-casing agree (non-ASCII letters such as the Greek sigma or the Kelvin
 * sign do not), so every other character counts as "some character". Any
 * construct not understood here makes the result undefined (no requirement),
 * never a wrong one. Runs on patterns `checkRegex` accepted.
 */

/** At most this many alternatives per literal set (cross products grow fast). */
const MAX_SET = 32;

interface Info {
  /** Every string the node can match, lower-cased, when finite and small. */
  exact?: string[];
  /** A set one of which every match contains; undefined when nothing is known. */
  need?: string[];
}

const ANY: Info = {};
const EMPTY: Info = { exact: [''] };

/** The literal set of a node: its own `need`, or its exact strings when none can be empty. */
function needOf(i: Info): string[] | undefined {
  if (i.need) return i.need;
  if (i.exact && i.exact.every((s) => s !== '')) return i.exact;
  return undefined;
}

/** Better literal sets have a longer shortest member, then fewer members. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const la = Math.min(...a.map((s) => s.length));
  const lb = Math.min(...b.map((s) => s.length));
  if (la !== lb) return la > lb ? a : b;
  return b.length < a.length ? b : a;
}

function cross(a: string[], b: string[]): string[] | undefined {
  if (a.length * b.length > MAX_SET) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return [...out];
}

function literal(c: string): Info {
  return c.charCodeAt(0) < 128 ? { exact: [c.toLowerCase()] } : ANY;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0];
    let exact: string[] | undefined = [];
    let need: string[] | undefined = [];
    for (const b of branches) {
      if (exact && b.exact) exact.push(...b.exact);
      else exact = undefined;
      const n = needOf(b);
      if (need && n) need.push(...n);
      else need = undefined;
    }
    const dedupe = (x: string[] | undefined) => (x && new Set(x).size <= MAX_SET ? [...new Set(x)] : undefined);
    return { exact: dedupe(exact), need: dedupe(need) };
  }

  sequence(): Info {
    let run: string[] | undefined = [''];
    let exactSoFar = true;
    let best: string[] | undefined;
    const close = () => {
      if (run && run.every((s) => s !== '')) best = better(best, run);
    };
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const item = this.quantified(this.atom());
      best = better(best, item.need);
      if (item.exact) {
        const next: string[] | undefined = run ? cross(run, item.exact) : item.exact;
        if (next) run = next;
        else {
          // Too many combinations: keep what the run had, start a new one here.
          close();
          exactSoFar = false;
          run = item.exact;
        }
      } else {
        close();
        exactSoFar = false;
        run = undefined;
      }
    }
    if (exactSoFar && run) return { exact: run };
    close();
    return { need: best };
  }

  atom(): Info {
    const src = this.src;
    const c = src[this.i++];
    switch (c) {
      case '\\': {
        const n = src[this.i++];
        if (n === undefined) throw new Error('lone backslash');
        if ('dDwWsS'.includes(n)) return ANY;
        if (n === 'b' || n === 'B') return EMPTY;
        if (n in SIMPLE_ESCAPES) return literal(SIMPLE_ESCAPES[n]);
        if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(this.i, this.i + 2))) {
          this.i += 2;
          return literal(String.fromCharCode(parseInt(src.slice(this.i - 2, this.i), 16)));
        }
        if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(this.i, this.i + 4))) {
          this.i += 4;
          return literal(String.fromCharCode(parseInt(src.slice(this.i - 4, this.i), 16)));
        }
        // Letters and digits with other meanings: not a known literal.
        if (/[A-Za-z0-9]/.test(n)) throw new Error(`escape \\${n}`);
        return literal(n);
      }
      case '[': {
        let j = this.i;
        if (src[j] === '^') j++;
        if (src[j] === ']') j++;
        for (; j < src.length && src[j] !== ']'; j++) if (src[j] === '\\') j++;
        if (j >= src.length) throw new Error('unterminated class');
        this.i = j + 1;
        return ANY;
      }
      case '(': {
        if (src[this.i] === '?') {
          if (src[this.i + 1] === ':') this.i += 2;
          else if (src[this.i + 1] === '<' && /^<[A-Za-z_]\w*>/.test(src.slice(this.i + 1))) this.i = src.indexOf('>', this.i) + 1;
          else throw new Error('group syntax');
        }
        const inner = this.alternation();
        if (src[this.i] !== ')') throw new Error('unbalanced');
        this.i++;
        return inner;
      }
      case '.':
        return ANY;
      case '^':
      case '$':
        return EMPTY;
      default:
        if (c === '*' || c === '+' || c === '?') throw new Error('quantifier follows nothing');
        return literal(c);
    }
  }

  /** Applies a following quantifier: required at least once keeps the atom's literals, optional drops them. */
  quantified(a: Info): Info {
    const src = this.src;
    const c = src[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.i));
      // Not a quantifier: JavaScript reads the brace as a literal.
      if (!m) return a;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return a;
    }
    if (src[this.i] === '?') this.i++;
    if (min === 0) return max === 0 ? EMPTY : ANY;
    if (min === 1 && max === 1) return a;
    return { need: needOf(a) };
  }
}

/**
 * Lower-cased literals one of which every match of the regex contains, or
 * undefined when none can be derived. `source` is a pattern `checkRegex`
 * accepted (inline flags already removed); flags do not matter, since the
 * result is stated on lower-cased text.
 */
export function regexLiterals(source: string): string[] | undefined {
  try {
    const p = new Parser(source);
    const info = p.alternation();
    if (p.i !== source.length) return undefined;
    const need = needOf(info);
    return need && need.length > 0 ? need : undefined;
  } catch {
    return undefined;
  }
}
