/**
 * A file operation planes itself does (stage, commit, create a secret) that the system refused,
 * said with what planes was doing and the state the files are left in; the reasons and what to
 * do are the top-level error path's (errors.ts), so that every errno reads the same wherever it
 * surfaces.
 */
import { errnoCode, systemErrorReason, UsageError } from '../errors.js';

/** The error code of a failed system call, if it is one. */
export const errorCode = errnoCode;

/**
 * A UsageError for `doing` (`cannot write`, `cannot create`…) on `shown` that failed with
 * `error`, or `error` itself when it is not a system error. `outcome` says what state the files
 * are in (`nothing was changed`).
 */
export function fileFailure(error: unknown, doing: string, shown: string, outcome?: string): Error {
  if (error instanceof UsageError) return error;
  const reason = systemErrorReason(error);
  if (reason === undefined) return error instanceof Error ? error : new Error(String(error));
  return new UsageError(`${doing} ${shown}: ${reason.what}${outcome ? `; ${outcome}` : ''}${reason.todo ? `; ${reason.todo}` : ''}`);
}
