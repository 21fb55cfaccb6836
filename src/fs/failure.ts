/**
 * What the system refused, said to the user: a file operation that failed for a reason they
 * can fix (permissions, a full disk, a file-size limit, a read-only file system) becomes a
 * UsageError that names the path, says why in words and what to do. Anything else is a bug
 * and keeps its stack.
 */
import { UsageError } from '../errors.js';

const REASONS: Readonly<Record<string, { why: string; todo: string }>> = {
  EACCES: { why: 'permission denied', todo: `give ${who()} access there (ls -ld; chown or chmod), or run planes as the user who owns the project` },
  EPERM: { why: 'operation not permitted', todo: `make ${who()} the owner (chown), or run planes as the user who owns the project` },
  EROFS: { why: 'the file system is read-only', todo: 'run planes where the project is writable' },
  ENOSPC: { why: 'no space left on the device', todo: 'free some space, then run the command again' },
  EDQUOT: { why: 'the disk quota is exhausted', todo: 'free some space, then run the command again' },
  EFBIG: { why: 'the file is larger than this process may write (ulimit -f)', todo: 'raise the limit (ulimit -f unlimited), then run the command again' },
  EISDIR: { why: 'it is a directory', todo: 'remove or rename the directory' },
  ENOTDIR: { why: 'a part of the path is a file, not a directory', todo: 'remove or rename that file' },
  ENOENT: { why: 'no such file or directory', todo: 'check the path' },
  EEXIST: { why: 'it already exists', todo: 'move it away' },
  ELOOP: { why: 'it is a symbolic link', todo: 'replace the link with the file itself' },
  EXDEV: { why: 'it is on another file system than the project', todo: 'keep the project on one file system' },
  EMFILE: { why: 'too many open files', todo: 'raise the limit (ulimit -n), then run the command again' },
  ENFILE: { why: 'too many open files on the system', todo: 'run the command again later' },
  EIO: { why: 'an input/output error of the device', todo: 'check the disk' },
};

/** The error code of a failed system call, if it is one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A UsageError for `doing` (`cannot write`, `cannot create`…) on `shown` that failed with
 * `error`, or `error` itself when it is not a refusal the user can act on. `outcome` says
 * what state the files are in (`nothing was changed`).
 */
export function fileFailure(error: unknown, doing: string, shown: string, outcome?: string): Error {
  if (error instanceof UsageError) return error;
  const code = errorCode(error);
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) return error instanceof Error ? error : new Error(String(error));
  return new UsageError(`${doing} ${shown}: ${reason.why}${outcome ? `; ${outcome}` : ''}; ${reason.todo}`);
}

/** The user planes runs as, for permission messages. */
function who(): string {
  return typeof process.getuid === 'function' ? `uid ${process.getuid()} (the user planes runs as)` : 'the user planes runs as';
}
