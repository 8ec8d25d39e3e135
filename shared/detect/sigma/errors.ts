/**
 * Error raised while compiling one rule, before the file and rule id are
 * known; `compile` wraps it into a RuleLoadError / RuleUnsupportedError.
 */
export class SigmaError extends Error {
  constructor(
    readonly reason: string,
    /** True when the rule is valid Sigma that this engine chooses not to run. */
    readonly unsupported = false,
  ) {
    super(reason);
    this.name = 'SigmaError';
  }
}

export function fail(reason: string): never {
  throw new SigmaError(reason);
}

export function unsupported(reason: string): never {
  throw new SigmaError(reason, true);
}
