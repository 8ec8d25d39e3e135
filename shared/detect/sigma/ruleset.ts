/**
 * The loaded rule set: loading (parse → compile → filters → correlations),
 * routing by logsource, and evaluation. For each distinct event logsource a
 * bucket of applicable rules is built once, with its LiteralIndex, so an event
 * only pays for the rules that can possibly match it plus the unindexable ones.
 */
import type { LogSource } from '../../telemetry';
import { compileRule, type InternalRule } from './compile';
import { applyFilters } from './filters';
import { EventContext, compileAccessor, type Accessor } from './fields';
import { FIELD_MAPPINGS, fieldMapFor, type FieldMapping } from '../field-mappings';
import { logsourceApplies } from './logsource';
import { LiteralIndex } from './literal-index';
import { compileCorrelations, type CompiledCorrelation } from './correlation';
import { parseDocuments, type CorrelationDoc, type FilterDoc } from './parse';
import { RuleLoadError, RuleUnsupportedError, type CompiledRule, type ParsedRuleFile } from './types';

export interface CompileOptions {
  /** Values for `|expand` placeholders, e.g. `{ Admins: ['root', 'admin*'] }`. */
  placeholders?: Record<string, string[]>;
  /** Throw on rules this engine does not support instead of skipping them. */
  strict?: boolean;
  /** Declared field mappings (shared/detect/field-mappings.ts by default). */
  fieldMappings?: readonly FieldMapping[];
}

export interface UnsupportedRule {
  file: string;
  id?: string;
  reason: string;
}

/** What evaluateEvent needs of a telemetry event: its logsource, raw record and OCSF form. */
export interface RoutedEvent {
  logsource: LogSource;
  raw: Record<string, unknown>;
  ocsf?: object;
}

export interface RuleSet {
  readonly rules: CompiledRule[];
  /** Vendor (raw-field) rules whose logsource applies to this event logsource (cached per distinct logsource). */
  rulesFor(logsource: LogSource): CompiledRule[];
  /** Every vendor rule that matches the raw record `fields` among those applying to `logsource`. Fast path: indexed. */
  evaluate(logsource: LogSource, fields: Record<string, unknown>): CompiledRule[];
  /**
   * Every rule that matches the event: vendor rules on `raw`, OCSF rules
   * (`product: ocsf`) on `ocsf`. What the detect stage calls.
   */
  evaluateEvent(event: RoutedEvent): CompiledRule[];
  /** How many rules evaluateEvent would test on the event (those its index probes name, plus the unindexed), none tested: for benchmarks. */
  candidateCount(event: RoutedEvent): number;
  /** The evaluation context for a raw record of this logsource (field mappings applied). */
  context(logsource: LogSource, fields: Record<string, unknown>): EventContext;
  /** Same as evaluate, with a caller-owned context from `context()` (shares field/fold caches with other work on the event). */
  evaluateWith(logsource: LogSource, ctx: EventContext): CompiledRule[];
  /** How the vendor rules applying to a logsource are indexed (for benchmarks and docs). */
  indexStats(logsource: LogSource): { rules: number; indexed: number; unindexed: number; fields: string[] };
  /** Valid rules skipped because this engine does not run them, with the reason. */
  readonly unsupported: UnsupportedRule[];
  /** Compiled correlation rules, for a CorrelationEngine. */
  readonly correlations: CompiledCorrelation[];
}

export { logsourceApplies };

interface Bucket {
  rules: InternalRule[];
  index: LiteralIndex;
  /** OCSF rules applying to this logsource, evaluated on the OCSF event. */
  ocsf: LiteralIndex | undefined;
  /** Field mappings of this logsource, as accessors. */
  mapped: ReadonlyMap<string, Accessor> | undefined;
}

class SigmaRuleSet implements RuleSet {
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly internal: InternalRule[],
    readonly unsupported: UnsupportedRule[],
    readonly correlations: CompiledCorrelation[],
    private readonly mappings: readonly FieldMapping[],
  ) {}

  get rules(): CompiledRule[] {
    return this.internal;
  }

  /** The last logsource seen and its bucket: events of one source arrive in runs, so most lookups stop here. */
  private last: { product?: string; service?: string; category?: string; bucket: Bucket } | undefined;

  private bucket(ls: LogSource): Bucket {
    const last = this.last;
    if (last !== undefined && last.product === ls.product && last.service === ls.service && last.category === ls.category) return last.bucket;
    const b = this.bucketByKey(ls);
    this.last = { product: ls.product, service: ls.service, category: ls.category, bucket: b };
    return b;
  }

  private bucketByKey(ls: LogSource): Bucket {
    const key = `${(ls.product ?? '').toLowerCase()}\u0000${(ls.service ?? '').toLowerCase()}\u0000${(ls.category ?? '').toLowerCase()}`;
    let b = this.buckets.get(key);
    if (!b) {
      const rules = this.internal.filter((r) => r.target === 'raw' && logsourceApplies(r.logsource, ls));
      // OCSF rules see every source; a service or category they name still restricts them.
      const ocsf = this.internal.filter((r) => r.target === 'ocsf' && logsourceApplies({ ...r.logsource, product: undefined }, ls));
      const map = fieldMapFor(ls, this.mappings);
      b = {
        rules,
        index: new LiteralIndex(rules),
        ocsf: ocsf.length ? new LiteralIndex(ocsf) : undefined,
        mapped: map.size ? new Map([...map].map(([k, path]) => [k, compileAccessor(path)])) : undefined,
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  rulesFor(logsource: LogSource): CompiledRule[] {
    return this.bucket(logsource).rules;
  }

  context(logsource: LogSource, fields: Record<string, unknown>): EventContext {
    return new EventContext(fields, this.bucket(logsource).mapped);
  }

  evaluate(logsource: LogSource, fields: Record<string, unknown>): CompiledRule[] {
    const b = this.bucket(logsource);
    return b.index.evaluate(new EventContext(fields, b.mapped));
  }

  evaluateEvent(event: RoutedEvent): CompiledRule[] {
    const b = this.bucket(event.logsource);
    const out = b.index.evaluate(new EventContext(event.raw, b.mapped));
    if (b.ocsf === undefined || event.ocsf === undefined) return out;
    const more = b.ocsf.evaluate(new EventContext(event.ocsf as Record<string, unknown>));
    if (more.length === 0) return out;
    return [...out, ...more].sort((a, c) => a.ordinal - c.ordinal);
  }

  candidateCount(event: RoutedEvent): number {
    const b = this.bucket(event.logsource);
    const n = b.index.candidateCount(new EventContext(event.raw, b.mapped));
    if (b.ocsf === undefined || event.ocsf === undefined) return n;
    return n + b.ocsf.candidateCount(new EventContext(event.ocsf as Record<string, unknown>));
  }

  indexStats(logsource: LogSource): { rules: number; indexed: number; unindexed: number; fields: string[] } {
    const { rules, index } = this.bucket(logsource);
    return { rules: rules.length, indexed: index.indexedCount, unindexed: index.always.length, fields: index.fieldNames };
  }

  evaluateWith(logsource: LogSource, ctx: EventContext): CompiledRule[] {
    return this.bucket(logsource).index.evaluate(ctx);
  }
}

/**
 * Compiles rule files whose YAML is already read (rule-text.ts reads it;
 * the rules artifact carries it read). Throws RuleLoadError on the first
 * invalid rule; valid rules this engine does not support are skipped and
 * listed in `unsupported` (or thrown too with `strict`).
 */
export function compileDocuments(files: readonly ParsedRuleFile[], options: CompileOptions = {}): RuleSet {
  const rules: InternalRule[] = [];
  const unsupported: UnsupportedRule[] = [];
  const filters: FilterDoc[] = [];
  const correlations: CorrelationDoc[] = [];
  const ids = new Map<string, string>();
  // Ids and names of skipped rules, so correlations referring to them are skipped too.
  const skipped = new Set<string>();
  const skip = (e: RuleUnsupportedError, name?: string) => {
    if (options.strict) throw e;
    unsupported.push({ file: e.file, id: e.ruleId, reason: e.reason });
    if (e.ruleId) skipped.add(e.ruleId);
    if (name) skipped.add(name);
  };
  for (const file of files) {
    for (const res of parseDocuments(file)) {
      if ('error' in res) {
        if (res.error instanceof RuleUnsupportedError) skip(res.error);
        else throw res.error;
        continue;
      }
      const doc = res.doc;
      const prev = ids.get(doc.meta.id);
      if (prev !== undefined) throw new RuleLoadError(doc.meta.file, doc.meta.id, `duplicate rule id (also in ${prev})`);
      ids.set(doc.meta.id, doc.meta.file);
      if (doc.kind === 'filter') filters.push(doc);
      else if (doc.kind === 'correlation') correlations.push(doc);
      else {
        try {
          rules.push(compileRule(doc, options, rules.length));
        } catch (e) {
          if (e instanceof RuleUnsupportedError) skip(e, doc.name);
          else throw e;
        }
      }
    }
  }
  const filtered = applyFilters(rules, filters, options);
  const compiled = compileCorrelations(correlations, filtered, skipped, (e) => skip(e));
  return new SigmaRuleSet(filtered, unsupported, compiled, options.fieldMappings ?? FIELD_MAPPINGS);
}
