/**
 * How the response executors run one AWS call: an error becomes an
 * ExecutionError that says whether a retry can help, and an "already done"
 * error of an undo is success.
 */
import { ExecutionError } from '../response/executor';

/** Errors that say the request itself cannot succeed: retrying will not help. */
const PERMANENT = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'ValidationError',
  'InvalidInput',
  'InvalidInputException',
  'MalformedPolicyDocument',
  'LimitExceeded',
  'LimitExceededException',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidParameterValue',
  'WAFNonexistentItemException',
  'WAFInvalidParameterException',
  'WAFLimitsExceededException',
]);

export const nameOf = (e: unknown) => (e as { name?: string; Code?: string }).name ?? (e as { Code?: string }).Code ?? '';

/** The ExecutionError for a failed AWS call: what was called, the error's name and message, and whether a retry can help. */
export function callFailed(what: string, e: unknown): ExecutionError {
  return new ExecutionError(`${what}: ${nameOf(e)} ${(e as Error).message}`.trim(), PERMANENT.has(nameOf(e)));
}

/** Runs one AWS call; an error becomes an ExecutionError saying whether a retry can help. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw callFailed(what, e);
  }
}

/** Runs a call whose "already done" error means success (detach what is detached, delete what is gone). */
export async function settled(what: string, fn: () => Promise<unknown>, doneWhen: readonly string[]): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (doneWhen.includes(nameOf(e))) return false;
    throw callFailed(what, e);
  }
}
