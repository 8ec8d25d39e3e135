/**
 * Sigma meta-filters: a filter document names rules (by id or name) and a
 * detection; each named rule then only fires when its own condition holds
 * and the filter's condition does not (`rule and not filter`). A filter
 * applies to a rule only when the filter's logsource applies to the rule's.
 * Filters naming rules that are not loaded are ignored (they may target
 * rules deployed elsewhere).
 */
import { compileDetection, wrapError, type InternalRule } from './compile';
import { EventContext } from './fields';
import type { ModifierOptions } from './modifiers';
import type { FilterDoc } from './parse';
import { RuleLoadError } from './types';
import type { LogSource } from '../../telemetry';
import { logsourceApplies } from './logsource';

/** The filter applies when every event the rule sees also satisfies the filter's logsource. */
function applies(filter: LogSource, rule: LogSource): boolean {
  return logsourceApplies(filter, rule);
}

export function applyFilters(rules: InternalRule[], filters: FilterDoc[], options: ModifierOptions): InternalRule[] {
  if (filters.length === 0) return rules;
  const byRef = new Map<string, InternalRule>();
  for (const r of rules) {
    byRef.set(r.id, r);
    if (r.name) byRef.set(r.name, r);
  }
  for (const f of filters) {
    const { file, id } = f.meta;
    const spec = f.filter;
    const refs = spec.rules;
    const refList = typeof refs === 'string' ? [refs] : Array.isArray(refs) ? refs.map(String) : undefined;
    if (!refList || refList.length === 0) throw new RuleLoadError(file, id, `filter needs 'rules'`);
    const cond = spec.condition;
    const conditions = typeof cond === 'string' ? [cond] : Array.isArray(cond) ? cond.map(String) : undefined;
    if (!conditions) throw new RuleLoadError(file, id, `filter needs 'condition'`);
    const detection: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec)) if (k !== 'rules' && k !== 'condition') detection[k] = v;
    let test;
    let expr;
    try {
      ({ match: test, expr } = compileDetection(detection, conditions, options));
    } catch (e) {
      throw wrapError(e, file, id);
    }
    for (const ref of refList) {
      const rule = byRef.get(ref);
      if (!rule || !applies(f.meta.logsource, rule.logsource)) continue;
      const inner = rule.test;
      rule.test = (ctx) => inner(ctx) && !test(ctx);
      rule.expr = { t: 'and', args: [rule.expr, { t: 'not', arg: expr }] };
      rule.matches = (event) => rule.test(new EventContext(event));
    }
  }
  return rules;
}
