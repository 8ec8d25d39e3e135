/** Public API of the Sigma detection engine (see docs/detection.md). */
export { compileDocuments, logsourceApplies } from './ruleset';
export { compileRules, readRuleFile } from './rule-text';
export type { CompileOptions, RoutedEvent, RuleSet, UnsupportedRule } from './ruleset';
export { CATEGORY_ALIASES, eventCategories } from './logsource';
export type { CategoryAlias } from './logsource';
export { lintRules } from './lint';
export type { LintResult } from './lint';
export { RuleLoadError, RuleUnsupportedError } from './types';
export type { CompiledRule, ParsedRuleFile, RuleDocumentSource, RuleSourceFile, SigmaLevel, SigmaRuleMeta } from './types';
export { EventContext } from './fields';
export { CorrelationEngine, MemoryCorrelationStore } from './correlation';
export type {
  CompiledCorrelation,
  CorrelationCondition,
  CorrelationEngineOptions,
  CorrelationMatch,
  CorrelationSource,
  CorrelationStore,
  CorrelationType,
  StateEntry,
} from './correlation';
