import type { LogSource } from '../../telemetry';

/** A rule source file as read from disk. */
export interface RuleSourceFile {
  /** Path relative to the rule root, used in every error message. */
  path: string;
  text: string;
}

/** One YAML document of a rule file, read into plain data, or why it could not be. */
export type RuleDocumentSource = { data: unknown } | { error: RuleLoadError };

/**
 * A rule file with its YAML already read (sigma/yaml.ts), in document order:
 * what the rules artifact carries, so detect never parses YAML at cold start.
 */
export interface ParsedRuleFile {
  path: string;
  documents: readonly RuleDocumentSource[];
}

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** The descriptive part of a Sigma rule, independent of how it matches. */
export interface SigmaRuleMeta {
  id: string;
  title: string;
  level: SigmaLevel;
  status?: string;
  description?: string;
  tags: string[];
  logsource: LogSource;
  falsepositives: string[];
  references: string[];
  /** Content hash of the rule document: every finding names the version that fired. */
  version: string;
  /** File the rule came from. */
  file: string;
}

/** A detection rule compiled into a matcher over one event's fields. */
export interface CompiledRule extends SigmaRuleMeta {
  matches(event: Record<string, unknown>): boolean;
  /** `name` attribute, by which correlations and filters may refer to the rule. */
  name?: string;
  /**
   * Set when the rule is only referenced by correlations with `generate: false`
   * (the spec's default): it still feeds them, but must not raise findings alone.
   */
  correlationOnly?: boolean;
  /**
   * Which object of an event the rule reads: the vendor's raw record, or the
   * normalized OCSF event (rules with `logsource: {product: ocsf}`).
   */
  target: 'raw' | 'ocsf';
}

/** A rule file that cannot be loaded: names its file, rule and reason. */
export class RuleLoadError extends Error {
  constructor(
    readonly file: string,
    readonly ruleId: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${ruleId ? ` (rule ${ruleId})` : ''}: ${reason}`);
    this.name = 'RuleLoadError';
  }
}

/**
 * A rule that is valid Sigma but that this engine deliberately does not
 * evaluate (e.g. a regular expression that could backtrack catastrophically,
 * a placeholder with no configured values). `compileRules` skips such rules
 * and lists them in `RuleSet.unsupported` unless `strict` is set.
 */
export class RuleUnsupportedError extends RuleLoadError {
  constructor(file: string, ruleId: string | undefined, reason: string) {
    super(file, ruleId, reason);
    this.name = 'RuleUnsupportedError';
  }
}
