/**
 * `mdr rules lint`: every document of every file gets a status instead of
 * the first error stopping the load. `unsupported` is valid Sigma this engine
 * deliberately does not run (with the reason); `error` is an invalid rule.
 */
import { compileRule, compileDetection, wrapError } from './compile';
import { parseCondition } from './condition';
import { parseCorrelation } from './correlation';
import { SigmaError } from './errors';
import { parseDocuments, type SigmaDoc } from './parse';
import type { CompileOptions } from './ruleset';
import { unresolvedFields } from '../field-mappings';
import { logsourceApplies } from './logsource';
import { RuleUnsupportedError, type RuleLoadError, type RuleSourceFile } from './types';
import { readRuleFile } from './rule-text';

export interface LintResult {
  file: string;
  id?: string;
  status: 'ok' | 'unsupported' | 'error';
  reason?: string;
  /**
   * Problems that do not stop the rule loading but that make it likely never
   * to match, e.g. a field no event of its logsource carries (per the
   * declared field mappings, shared/detect/field-mappings.ts).
   */
  warnings?: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every event field a detection reads (selection keys and `|fieldref` targets), in order of first use. */
export function detectionFields(detection: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const fromMap = (m: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(m)) {
      const [field, ...mods] = key.split('|');
      if (field) out.add(field);
      if (mods.includes('fieldref')) for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') out.add(v);
    }
  };
  for (const [name, sel] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    if (isMap(sel)) fromMap(sel);
    else if (Array.isArray(sel)) for (const x of sel) if (isMap(x)) fromMap(x);
  }
  return [...out];
}

/** Notes on a detection's conditions that load but likely not as meant (a pattern matching no identifier). */
function conditionNotes(detection: Record<string, unknown>): string[] {
  const { condition } = detection;
  const conditions = typeof condition === 'string' ? [condition] : Array.isArray(condition) ? condition.map(String) : [];
  const names = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
  const notes: string[] = [];
  for (const c of conditions) parseCondition(c, names, notes);
  return notes;
}

function fromError(e: RuleLoadError): LintResult {
  return { file: e.file, id: e.ruleId, status: e instanceof RuleUnsupportedError ? 'unsupported' : 'error', reason: e.reason };
}

function check(doc: SigmaDoc, options: CompileOptions): void {
  if (doc.kind === 'rule') compileRule(doc, options);
  else if (doc.kind === 'correlation') parseCorrelation(doc);
  else {
    const { rules, condition, ...selections } = doc.filter;
    const conditions = typeof condition === 'string' ? [condition] : Array.isArray(condition) ? condition.map(String) : [];
    try {
      if (rules === undefined || rules === null) throw new SigmaError(`filter needs 'rules'`);
      if (conditions.length === 0) throw new SigmaError(`filter needs 'condition'`);
      compileDetection(selections, conditions, options);
    } catch (e) {
      throw wrapError(e, doc.meta.file, doc.meta.id);
    }
  }
}

export function lintRules(files: RuleSourceFile[], options: CompileOptions = {}): LintResult[] {
  const out: LintResult[] = [];
  const seen = new Map<string, string>();
  const refs = new Set<string>();
  const correlations: Array<{ result: LintResult; rules: string[] }> = [];
  for (const file of files) {
    for (const res of parseDocuments(readRuleFile(file))) {
      if ('error' in res) {
        out.push(fromError(res.error));
        continue;
      }
      const doc = res.doc;
      const id = doc.meta.id;
      try {
        check(doc, options);
        const prev = seen.get(id);
        const result: LintResult =
          prev !== undefined ? { file: file.path, id, status: 'error', reason: `duplicate rule id (also in ${prev})` } : { file: file.path, id, status: 'ok' };
        if (doc.kind === 'rule' && result.status === 'ok') {
          const warnings = [
            ...conditionNotes(doc.detection),
            ...unresolvedFields(doc.meta.logsource, detectionFields(doc.detection), logsourceApplies, options.fieldMappings),
          ];
          if (warnings.length) result.warnings = warnings;
        }
        out.push(result);
        seen.set(id, file.path);
        refs.add(id);
        if (doc.name) refs.add(doc.name);
        if (doc.kind === 'correlation') correlations.push({ result, rules: parseCorrelation(doc).rules });
      } catch (e) {
        if (e instanceof Error && 'reason' in e && 'file' in e) out.push(fromError(e as RuleLoadError));
        else out.push({ file: file.path, id, status: 'error', reason: (e as Error).message });
      }
    }
  }
  // References are checked once every file is read: a correlation may precede its rules.
  for (const { result, rules } of correlations) {
    const missing = rules.find((r) => !refs.has(r));
    if (result.status === 'ok' && missing) Object.assign(result, { status: 'error', reason: `correlation references unknown rule '${missing}'` });
  }
  return out;
}
