import type { ResponseRequest } from '../contracts/investigation';

/** One AWS API call an action makes (or would make, in a dry run). */
export interface PlannedCall {
  service: 'iam' | 'ec2' | 'wafv2';
  operation: string;
  input: Record<string, unknown>;
  /** When the call is made only in some cases, or once per item. */
  note?: string;
}

export interface ExecutionContext {
  /** When the first execution of the request started (stable across resumes). */
  startedAt: string;
  /** What an earlier, interrupted execution checkpointed; empty on the first run. */
  progress: Record<string, unknown>;
  /** Saves progress before a step that would lose what it observed (e.g. the groups an instance had). */
  checkpoint(progress: Record<string, unknown>): Promise<void>;
}

export interface ExecutionOutcome {
  /** What changed: resource ids and the state before, enough to undo it. */
  result: Record<string, unknown>;
  /** How to reverse it, for people; absent when it cannot be undone. */
  undo?: string;
}

/**
 * A failure of an action. `permanent`: retrying cannot help (the target does
 * not exist, access is denied); otherwise the request is resumed later.
 */
export class ExecutionError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ExecutionError';
  }
}

/** Thrown by `checkpoint` when another worker has taken the request over. */
export class LeaseLostError extends Error {
  constructor(requestId: string) {
    super(`execution lease of ${requestId} was taken over`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Carries out response actions. Every step is safe to repeat (look up
 * before create, set rather than toggle), so a resumed execution converges.
 */
export interface ResponseExecutor {
  /** The calls `execute` (or `undo`, given the original) would make; pure, for dry runs. */
  plan(request: ResponseRequest, original?: ResponseRequest): PlannedCall[];
  execute(request: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome>;
  /** Reverses `original` (a SUCCEEDED request) for the undo request `request`. */
  undo(original: ResponseRequest, request: ResponseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome>;
}
