/**
 * Per-customer suppressions (allow lists): "this rule, on events like this,
 * is expected here". A suppression names the rules it covers (by id or tag;
 * every rule when it names neither) and a `match` written like a Sigma
 * selection (field, optionally with modifiers such as `|contains`, to a value
 * or a list of values; fields AND, values OR). It is read by the same engine
 * as the rule, on the same object the rule reads (the raw record for vendor
 * rules, the OCSF event for OCSF rules).
 *
 * Suppressions are checked when the configuration is read and again when the
 * rules artifact is built at synth: a bad one fails there, naming it, never
 * the detect function at run time. After `expires` a suppression no longer
 * applies (it stays valid configuration).
 */
import { ConfigError } from '../config/customer-config';
import { compileDetection, type Matcher } from './sigma/compile';
import { SigmaError } from './sigma/errors';
import type { EventContext } from './sigma/fields';
import type { CompiledRule } from './sigma/types';

/** A suppression as written in the configuration (and carried in the rules artifact). */
export interface SuppressionSpec {
  /** Stable name, reported in suppressed counts. */
  id: string;
  /** Why this is expected (kept for the audit trail). */
  reason: string;
  /** Rule ids (or names) it covers. */
  ruleIds?: string[];
  /** Rule tags it covers (`attack.t1098`), case-insensitive. */
  tags?: string[];
  /** Sigma-style selection: `{ 'userIdentity.arn|endswith': ':role/ci-deployer', sourceIPAddress: ['10.0.0.1', '10.0.0.2'] }`. */
  match: Record<string, unknown>;
  /** ISO 8601 date or date-time; from then on the suppression does not apply. */
  expires?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function stringList(v: unknown, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || x === '')) {
    throw new ConfigError(field, 'must be a non-empty list of non-empty strings');
  }
  return v as string[];
}

/** Compiles a suppression's `match` with the rule engine; throws ConfigError naming the field. */
function compileMatch(match: Obj, field: string): Matcher {
  try {
    return compileDetection({ match }, ['match'], {}).match;
  } catch (e) {
    if (e instanceof SigmaError) throw new ConfigError(field, e.reason.replace(/^search identifier 'match': /, ''));
    throw e;
  }
}

/**
 * Validates the `suppressions` configuration value: a list of suppressions.
 * Throws ConfigError naming the offending entry (`suppressions[2].match`).
 */
export function parseSuppressions(input: unknown, field = 'suppressions'): SuppressionSpec[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new ConfigError(field, 'must be a list of suppressions');
  const ids = new Set<string>();
  return input.map((s, i) => {
    const at = `${field}[${i}]`;
    if (!isObj(s)) throw new ConfigError(at, 'must be an object with id, reason and match');
    for (const k of Object.keys(s)) {
      if (!['id', 'reason', 'ruleIds', 'tags', 'match', 'expires'].includes(k)) throw new ConfigError(`${at}.${k}`, 'unknown key (expected id, reason, ruleIds, tags, match, expires)');
    }
    if (typeof s.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(s.id)) {
      throw new ConfigError(`${at}.id`, 'must be a name of letters, digits, . _ : - (up to 128)');
    }
    const named = `${field}[${i}] (${s.id})`;
    if (ids.has(s.id)) throw new ConfigError(`${named}.id`, 'duplicate suppression id');
    ids.add(s.id);
    if (typeof s.reason !== 'string' || s.reason.trim() === '') throw new ConfigError(`${named}.reason`, 'must say why the activity is expected');
    const ruleIds = stringList(s.ruleIds, `${named}.ruleIds`);
    const tags = stringList(s.tags, `${named}.tags`);
    if (!isObj(s.match) || Object.keys(s.match).length === 0) {
      throw new ConfigError(`${named}.match`, 'must be a non-empty map of field (with optional |modifiers) to value or list of values');
    }
    for (const [k, v] of Object.entries(s.match)) {
      const ok = isScalar(v) || (Array.isArray(v) && v.length > 0 && v.every(isScalar));
      if (!ok) throw new ConfigError(`${named}.match.${k}`, 'must be a value or a non-empty list of values');
      if (k.split('|')[0] === '') throw new ConfigError(`${named}.match.${k}`, 'needs a field name');
    }
    compileMatch(s.match, `${named}.match`);
    let expires: string | undefined;
    if (s.expires !== undefined) {
      if (typeof s.expires !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(s.expires) || Number.isNaN(Date.parse(s.expires))) {
        throw new ConfigError(`${named}.expires`, 'must be an ISO 8601 date or date-time');
      }
      expires = s.expires;
    }
    return {
      id: s.id,
      reason: s.reason,
      ...(ruleIds ? { ruleIds } : {}),
      ...(tags ? { tags } : {}),
      match: s.match,
      ...(expires ? { expires } : {}),
    };
  });
}

interface CompiledSuppression {
  spec: SuppressionSpec;
  test: Matcher;
  expiresAt: number;
  ruleIds?: Set<string>;
  tags?: Set<string>;
}

/** Compiled suppressions, applied by detect before a finding is produced. */
export class SuppressionSet {
  private readonly byRule = new Map<string, CompiledSuppression[]>();

  private constructor(private readonly list: readonly CompiledSuppression[]) {}

  static readonly empty = new SuppressionSet([]);

  /**
   * Compiles validated specs (parseSuppressions). With `knownRules` (ids and
   * names of the loaded rules), a suppression naming a rule that is not
   * loaded is an error: it would silently suppress nothing.
   */
  static compile(specs: readonly SuppressionSpec[], knownRules?: ReadonlySet<string>, field = 'suppressions'): SuppressionSet {
    const checked = parseSuppressions(specs, field);
    return new SuppressionSet(
      checked.map((spec, i) => {
        const named = `${field}[${i}] (${spec.id})`;
        const missing = knownRules && spec.ruleIds?.find((r) => !knownRules.has(r));
        if (missing) throw new ConfigError(`${named}.ruleIds`, `rule '${missing}' is not loaded`);
        return {
          spec,
          test: compileMatch(spec.match, `${named}.match`),
          expiresAt: spec.expires ? Date.parse(spec.expires) : Infinity,
          ruleIds: spec.ruleIds ? new Set(spec.ruleIds) : undefined,
          tags: spec.tags ? new Set(spec.tags.map((t) => t.toLowerCase())) : undefined,
        };
      }),
    );
  }

  get size(): number {
    return this.list.length;
  }

  get specs(): SuppressionSpec[] {
    return this.list.map((s) => s.spec);
  }

  private covering(rule: Pick<CompiledRule, 'id' | 'name' | 'tags'>): CompiledSuppression[] {
    const key = `${rule.id}\u0000${rule.name ?? ''}`;
    let l = this.byRule.get(key);
    if (!l) {
      const tags = rule.tags.map((t) => t.toLowerCase());
      l = this.list.filter((s) => {
        if (!s.ruleIds && !s.tags) return true;
        return !!s.ruleIds?.has(rule.id) || (rule.name !== undefined && !!s.ruleIds?.has(rule.name)) || tags.some((t) => s.tags?.has(t));
      });
      this.byRule.set(key, l);
    }
    return l;
  }

  /** The suppression that silences this rule match on this event at `now`, if any. */
  suppressing(rule: Pick<CompiledRule, 'id' | 'name' | 'tags'>, ctx: EventContext, now: Date): SuppressionSpec | undefined {
    if (this.list.length === 0) return undefined;
    const t = now.getTime();
    for (const s of this.covering(rule)) if (t < s.expiresAt && s.test(ctx)) return s.spec;
    return undefined;
  }
}
