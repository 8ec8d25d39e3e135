/**
 * Value modifiers (`field|mod1|mod2: value`), applied left to right in the
 * order written. Transformations rewrite the list of rule values (wildcards,
 * encodings, dash variants, placeholders); type modifiers turn values into
 * regexes, CIDRs or numeric comparisons; flags (`all`, `cased`, `neq`) change
 * how the values combine. The result is a declarative `FieldSpec` that
 * `compile.ts` turns into a closure. An unknown modifier is a load error.
 */
import { fail, unsupported } from './errors';
import { checkRegex, type SafeRegex } from './regex';
import { STAR, hasWildcards, literalPattern, normalizePattern, parsePattern, plainText, type Pattern } from './values';

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** One rule value after modifiers. */
export type RuleValue =
  /** `raw` is the untouched rule text, kept while only a plain parse has happened (for `re`, `cidr`, `expand`). */
  | { k: 'str'; pat: Pattern; raw?: string }
  | { k: 'bytes'; b: Buffer }
  | { k: 'num'; n: number }
  | { k: 'bool'; b: boolean }
  | { k: 'null' }
  | { k: 're'; re: SafeRegex }
  | { k: 'cidr'; cidr: string }
  | { k: 'cmp'; op: CompareOp; n: number };

export interface FieldSpec {
  /** Field name; '' for keyword searches. */
  field: string;
  modifiers: string[];
  values: RuleValue[];
  all: boolean;
  cased: boolean;
  neq: boolean;
  /** Set by `exists`: the field must (true) or must not (false) be present. */
  exists?: boolean;
  /** Event values are dates reduced to this part before comparing. */
  timePart?: TimePart;
  /** Set by `fieldref`: values name other fields of the same event. */
  fieldref?: { mode: 'eq' | 'contains' | 'startswith' | 'endswith' };
}

export interface ModifierOptions {
  placeholders?: Record<string, string[]>;
}

const WINDASH = '-/\u2013\u2014\u2015';
const RE_FLAGS: Record<string, string> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };

/** Every modifier this engine knows, for lint and docs. */
export const KNOWN_MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'ignorecase', 'multiline', 'dotall', 'base64', 'base64offset', 'utf16le', 'wide', 'utf16be', 'utf16',
  'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year', 'cidr', 'expand', 'fieldref',
];

/** Turns a YAML scalar into a rule value. */
export function scalarValue(v: unknown): RuleValue {
  if (v === null || v === undefined) return { k: 'null' };
  if (typeof v === 'string') return { k: 'str', pat: parsePattern(v), raw: v };
  if (typeof v === 'number') return { k: 'num', n: v };
  if (typeof v === 'boolean') return { k: 'bool', b: v };
  return fail(`value ${JSON.stringify(v)} is not a scalar (nested lists and maps are not allowed as values)`);
}

/** A value as a string pattern, for the string transformations. */
function asPattern(v: RuleValue, mod: string): Pattern {
  switch (v.k) {
    case 'str':
      return v.pat;
    case 'num':
      return literalPattern(String(v.n));
    case 'bool':
      return literalPattern(String(v.b));
    case 'bytes':
      return literalPattern(v.b.toString('latin1'));
    default:
      return fail(`modifier '${mod}' cannot be applied to a ${describe(v)} value`);
  }
}

/** Plain text of a value for encodings (wildcards cannot be encoded). */
function asBytes(v: RuleValue, mod: string): Buffer {
  if (v.k === 'bytes') return v.b;
  const text = plainText(asPattern(v, mod));
  if (text === undefined) fail(`modifier '${mod}' cannot encode a value containing wildcards`);
  return Buffer.from(text, 'utf8');
}

function asText(v: RuleValue, mod: string): string {
  if (v.k === 'str' && v.raw !== undefined) return v.raw;
  return fail(`modifier '${mod}' needs an unmodified string value (place it first)`);
}

function describe(v: RuleValue): string {
  return { str: 'string', bytes: 'encoded', num: 'number', bool: 'boolean', null: 'null', re: 'regex', cidr: 'cidr', cmp: 'comparison' }[v.k];
}

function toNumeric(v: RuleValue, mod: string): number {
  if (v.k === 'num') return v.n;
  if (v.k === 'str' && v.raw !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v.raw.trim())) return Number(v.raw);
  return fail(`modifier '${mod}' needs a number, got ${v.k === 'str' ? JSON.stringify(v.raw ?? '') : describe(v)}`);
}

function wrap(p: Pattern, before: boolean, after: boolean): Pattern {
  const out = [...p];
  if (before && out[0] !== STAR) out.unshift(STAR);
  if (after && out[out.length - 1] !== STAR) out.push(STAR);
  return normalizePattern(out);
}

/** Windows dash variants: every `-`/`/`/en/em dash/horizontal bar may be any of the five. */
function windash(p: Pattern): Pattern[] {
  const count = p.reduce((n, x) => n + (typeof x === 'string' ? [...x].filter((c) => WINDASH.includes(c)).length : 0), 0);
  if (count === 0) return [p];
  // Few dashes: expand to literal variants so the fast exact/contains paths still apply.
  if (count <= 2) {
    let variants: Pattern[] = [[]];
    for (const x of p) {
      if (typeof x !== 'string') {
        variants = variants.map((v) => [...v, x]);
        continue;
      }
      let texts = [''];
      for (const c of x) {
        texts = WINDASH.includes(c) ? texts.flatMap((t) => [...WINDASH].map((d) => t + d)) : texts.map((t) => t + c);
      }
      variants = variants.flatMap((v) => texts.map((t) => [...v, t]));
    }
    return variants.map(normalizePattern);
  }
  // Many dashes: a single-character class avoids 5^n variants.
  const out: Pattern = [];
  for (const x of p) {
    if (typeof x !== 'string') {
      out.push(x);
      continue;
    }
    let run = '';
    for (const c of x) {
      if (WINDASH.includes(c)) {
        if (run) out.push(run);
        run = '';
        out.push({ w: 'set', chars: WINDASH });
      } else run += c;
    }
    if (run) out.push(run);
  }
  return [out];
}

/** The three base64 renderings of `data` at byte offsets 0..2, trimmed to the characters that do not depend on neighbours. */
export function base64Offsets(data: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const buf = Buffer.concat([Buffer.alloc(shift), data]);
    const enc = buf.toString('base64').replace(/=+$/, '');
    // Characters covering only the padding bytes, and the last partial one, vary with context.
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor((buf.length * 8) / 6);
    const s = enc.slice(start, end);
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Placeholder expansion: `%name%` → each configured value; `\%` is a literal percent. */
function expand(raw: string, placeholders: Record<string, string[]> | undefined): Pattern[] {
  const pieces: Array<{ text: string } | { name: string }> = [];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && raw[i + 1] === '%') {
      text += '%';
      i++;
    } else if (raw[i] === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end < 0) {
        text += raw.slice(i);
        break;
      }
      if (text) pieces.push({ text });
      text = '';
      pieces.push({ name: raw.slice(i + 1, end) });
      i = end;
    } else text += raw[i];
  }
  if (text) pieces.push({ text });
  let out: Pattern[] = [[]];
  for (const piece of pieces) {
    if ('text' in piece) {
      // `\%` is already unescaped; Sigma wildcard/escape rules apply to the rest.
      const p = parsePattern(piece.text);
      out = out.map((o) => [...o, ...p]);
      continue;
    }
    const values = placeholders?.[piece.name];
    if (!values || values.length === 0) unsupported(`placeholder %${piece.name}% has no configured values`);
    const alts = values.map(parsePattern);
    out = out.flatMap((o) => alts.map((a) => [...o, ...a]));
  }
  return out.map(normalizePattern);
}

/**
 * Placeholder expansion on the written text, for the modifiers that read a value whole (`cidr`,
 * `re`): each configured value is inserted as written; `\%` is a literal percent.
 */
function expandText(raw: string, placeholders: Record<string, string[]> | undefined): string[] {
  let out = [''];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && raw[i + 1] === '%') {
      out = out.map((o) => o + '%');
      i++;
      continue;
    }
    const end = raw[i] === '%' ? raw.indexOf('%', i + 1) : -1;
    if (end < 0) {
      out = out.map((o) => o + raw[i]);
      continue;
    }
    const name = raw.slice(i + 1, end);
    const values = placeholders?.[name];
    if (!values || values.length === 0) unsupported(`placeholder %${name}% has no configured values`);
    out = out.flatMap((o) => values.map((v) => o + v));
    i = end;
  }
  return out;
}

/**
 * Applies a modifier chain to the rule values of one field.
 * `values` are the YAML scalars (a single value is a one-element list).
 */
export function applyModifiers(field: string, modifiers: string[], values: unknown[], options: ModifierOptions = {}): FieldSpec {
  const spec: FieldSpec = { field, modifiers, values: values.map(scalarValue), all: false, cased: false, neq: false };
  if (spec.values.length === 0) fail(`field '${field || '(keywords)'}' has an empty value list`);
  let reFlags: string | undefined;
  let reSource: string[] | undefined;
  const seen = new Set<string>();
  // fieldref turns values into field names first; position modifiers then pick the comparison.
  if (modifiers.includes('fieldref')) {
    for (const v of spec.values) if (v.k !== 'str' || hasWildcards(v.pat)) fail('fieldref values must be plain field names');
    spec.fieldref = { mode: 'eq' };
  }
  // expand substitutes placeholders in the written value wherever it stands in the chain: SigmaHQ writes
  // `contains|expand` as often as `expand|contains`, and pySigma marks placeholders on the rule text either way.
  // `cidr` and `re` read the value whole, so for them (`cidr|expand`, `re|expand`) the text is substituted.
  if (modifiers.includes('expand')) {
    const whole = modifiers.includes('cidr') || modifiers.includes('re');
    spec.values = spec.values.flatMap((v) =>
      whole
        ? expandText(asText(v, 'expand'), options.placeholders).map(scalarValue)
        : expand(asText(v, 'expand'), options.placeholders).map((pat) => ({ k: 'str' as const, pat })),
    );
  }
  for (const mod of modifiers) {
    if (seen.has(mod) && mod !== 'base64' && !mod.startsWith('utf16')) fail(`modifier '${mod}' is repeated`);
    seen.add(mod);
    if (reSource !== undefined && !(mod in RE_FLAGS) && mod !== 'all' && mod !== 'neq' && mod !== 'expand') {
      fail(`modifier '${mod}' cannot follow 're'`);
    }
    switch (mod) {
      case 'contains':
      case 'startswith':
      case 'endswith':
        if (spec.fieldref) {
          if (spec.fieldref.mode !== 'eq') fail(`fieldref takes one of contains/startswith/endswith, not several`);
          spec.fieldref.mode = mod;
        } else {
          spec.values = spec.values.map((v) => ({
            k: 'str',
            pat: wrap(asPattern(v, mod), mod !== 'startswith', mod !== 'endswith'),
          }));
        }
        break;
      case 'fieldref':
        break;
      case 'all':
        spec.all = true;
        break;
      case 'cased':
        spec.cased = true;
        break;
      case 'neq':
        spec.neq = true;
        break;
      case 'exists': {
        if (modifiers.length !== 1) fail(`'exists' cannot be combined with other modifiers`);
        const v = spec.values[0];
        if (spec.values.length !== 1 || v.k !== 'bool') fail(`'exists' takes a single boolean value`);
        spec.exists = v.b;
        break;
      }
      case 'windash':
        spec.values = spec.values.flatMap((v) => windash(asPattern(v, mod)).map((pat) => ({ k: 'str' as const, pat })));
        break;
      case 'base64':
        spec.values = spec.values.map((v) => ({ k: 'str', pat: literalPattern(asBytes(v, mod).toString('base64')) }));
        break;
      case 'base64offset':
        spec.values = spec.values.flatMap((v) => base64Offsets(asBytes(v, mod)).map((s) => ({ k: 'str' as const, pat: literalPattern(s) })));
        break;
      case 'utf16le':
      case 'wide':
        spec.values = spec.values.map((v) => ({ k: 'bytes', b: Buffer.from(asBytes(v, mod).toString('utf8'), 'utf16le') }));
        break;
      case 'utf16be':
        spec.values = spec.values.map((v) => ({ k: 'bytes', b: swap16(Buffer.from(asBytes(v, mod).toString('utf8'), 'utf16le')) }));
        break;
      case 'utf16':
        spec.values = spec.values.map((v) => ({
          k: 'bytes',
          b: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(asBytes(v, mod).toString('utf8'), 'utf16le')]),
        }));
        break;
      case 're':
        reSource = spec.values.map((v) => asText(v, mod));
        reFlags = '';
        break;
      case 'i':
      case 'ignorecase':
      case 'm':
      case 'multiline':
      case 's':
      case 'dotall':
        if (reFlags === undefined) fail(`regex flag modifier '${mod}' must follow 're'`);
        reFlags += RE_FLAGS[mod];
        break;
      case 'cidr':
        spec.values = spec.values.map((v) => ({ k: 'cidr', cidr: asText(v, mod).trim() }));
        break;
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        if (spec.values.some((v) => v.k === 'cmp')) fail(`only one of lt/lte/gt/gte may be used`);
        spec.values = spec.values.map((v) => ({ k: 'cmp', op: mod, n: toNumeric(v, mod) }));
        break;
      case 'minute':
      case 'hour':
      case 'day':
      case 'week':
      case 'month':
      case 'year':
        if (spec.timePart) fail(`only one time-part modifier may be used`);
        spec.timePart = mod;
        spec.values = spec.values.map((v) => (v.k === 'cmp' ? v : { k: 'num', n: toNumeric(v, mod) }));
        break;
      case 'expand':
        break;
      default:
        fail(`unknown modifier '${mod}'`);
    }
  }
  if (reSource !== undefined) {
    const flags = reFlags ?? '';
    spec.values = reSource.map((src) => ({ k: 're', re: checkRegex(src, flags) }));
  }
  if (spec.timePart) {
    for (const v of spec.values) if (v.k !== 'num' && v.k !== 'cmp') fail(`time-part modifier '${spec.timePart}' needs numeric values`);
  }
  if (spec.fieldref && spec.values.some((v) => v.k !== 'str')) fail('fieldref cannot be combined with type modifiers');
  return spec;
}

function swap16(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out.swap16();
  return out;
}
