import type { LogSource } from '../../telemetry';

/** A rule source file as read from disk (or from the rules artifact). */
export interface RuleSourceFile {
  /** Path relative to the rule root, used in every error message. */
  path: string;
  text: string;
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
