import { isAbsolute, relative, resolve } from 'node:path';

// `planes check` loads the manifest support from a bundle of its own (see scripts/build.mjs),
// which has its own copy of this class: a registered symbol recognises both.
const USAGE_ERROR = Symbol.for('planes.UsageError');

/**
 * Errors the user can fix: bad input, a missing file, a wrong flag. The CLI prints the
 * message alone (no stack trace) and exits 2, as it does for every other failure (see
 * `failureReport`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly [USAGE_ERROR] = true;
  constructor(message: string) {
    super(message);
  }
}

export function isUsageError(value: unknown): value is UsageError {
  return typeof value === 'object' && value !== null && (value as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
}

/** Where something was written in a source file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(pos: SourcePosition): string {
  return `${pos.file}:${pos.line}:${pos.column}`;
}

/** A UsageError that names the place in a file that needs fixing. */
export class InputError extends UsageError {
  constructor(
    readonly position: SourcePosition,
    readonly problem: string,
  ) {
    super(`${formatPosition(position)}: ${problem}`);
  }
}

/** What a failed system call means to the user, and what to do about it; by errno code. */
const SYSTEM_ERRORS: Readonly<Record<string, { what: string; todo: string }>> = {
  EACCES: { what: 'permission denied', todo: 'this user may not do that here: check the owner and mode of the path and of its directory (ls -ld), or run planes as a user who may' },
  EPERM: { what: 'operation not permitted', todo: 'this user does not own the path: check its owner (ls -ld), or run planes as its owner' },
  ENOSPC: { what: 'no space left on the device', todo: 'free some space (df -h shows where) and run the command again' },
  EDQUOT: { what: 'the disk quota is used up', todo: 'free some space and run the command again' },
  EFBIG: { what: 'the file would be larger than this system allows', todo: 'raise the file size limit (ulimit -f) or write to another file system, and run the command again' },
  EISDIR: { what: 'it is a directory, where a file belongs', todo: 'name a file there (check the path in the manifest or the flag), or move the directory aside' },
  ENOTDIR: { what: 'a part of the path is a file, where a directory belongs', todo: 'move that file aside or choose another path' },
  EEXIST: { what: 'something already exists there (a file where a directory belongs?)', todo: 'move it aside and run the command again' },
  ENOENT: { what: 'no such file or directory (or a symbolic link on the way points nowhere)', todo: 'create it, or correct the path' },
  ELOOP: { what: 'too many symbolic links (a link that leads back to itself?)', todo: 'correct the link' },
  ENAMETOOLONG: { what: 'the path is too long', todo: 'choose a shorter path' },
  EMFILE: { what: 'too many open files', todo: 'raise the limit of open files (ulimit -n) and run the command again' },
  ENFILE: { what: 'too many open files on this system', todo: 'close some programs and run the command again' },
  EROFS: { what: 'the file system is read-only', todo: 'run planes where it may write, or make the file system writable' },
  EBUSY: { what: 'it is busy (a mount point, or the directory planes runs in?)', todo: 'choose another path' },
  EXDEV: { what: 'it cannot be moved across file systems', todo: 'keep the files on one file system' },
  ETXTBSY: { what: 'it is a program that is running', todo: 'stop the program, or choose another path' },
  ENXIO: { what: 'no such device (a FIFO without a writer, or a socket?)', todo: 'name a regular file' },
  EAGAIN: { what: 'it is not ready to be read (a FIFO or a device?)', todo: 'name a regular file' },
  EIO: { what: 'an input/output error', todo: 'the disk or the network file system failed: check it and run the command again' },
  ENOMEM: { what: 'out of memory', todo: 'free some memory and run the command again' },
};

/** What planes was doing, by the system call that failed. */
const DOING: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the directory',
  rename: 'write',
  link: 'write',
  copyfile: 'write',
  symlink: 'create the link',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  chmod: 'change the mode of',
  fchmod: 'change the mode of',
  chown: 'change the owner of',
  scandir: 'list the directory',
  opendir: 'list the directory',
  stat: 'look at',
  lstat: 'look at',
  fstat: 'look at',
  access: 'look at',
  realpath: 'look at',
  readlink: 'read the link',
  fsync: 'write',
  close: 'write',
  utime: 'change the times of',
};

/** The errno code of a failed system call, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** Why a system call failed, in a few words (`permission denied`), and what to do; undefined for anything but a system error. */
export function systemErrorReason(error: unknown): { what: string; todo?: string } | undefined {
  const code = errnoCode(error);
  if (code === undefined) return undefined;
  return SYSTEM_ERRORS[code] ?? { what: `the system refused (${code})` };
}

/**
 * One paragraph for a failed system call: what planes could not do, to which path, why, and
 * what to do. `shown` names a path as messages do (relative to the working directory).
 * Undefined when `error` is not a system error.
 */
export function systemErrorMessage(error: unknown, shown: (path: string) => string = (path) => path): string | undefined {
  const code = errnoCode(error);
  if (code === undefined) return undefined;
  const { syscall, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  const known = SYSTEM_ERRORS[code];
  const why = known?.what ?? `the system refused (${code})`;
  const todo = known ? `; ${known.todo}` : '';
  const call = syscall ?? '';
  // A write lands by renaming a temporary file over its target: the target is the file to name.
  const target = dest ?? path;
  if (call.startsWith('spawn')) return `cannot run ${path ?? call.slice('spawn '.length)}: ${why}${todo}`;
  const doing = DOING[call] ?? call;
  if (target !== undefined) return `cannot ${doing || 'use'} ${shown(target)}: ${why}${todo}`;
  // A write to an open file names no path: the code that opened it can add one (error.path).
  if (doing) return `cannot ${doing} a file: ${why}${todo}`;
  return `${why} (${code})${todo}`;
}

/**
 * What planes writes to standard error when something ends a command, whatever was thrown: a
 * UsageError's own message, a system error as one paragraph, and for anything else (a bug)
 * one line, with the stack trace only when PLANES_DEBUG=1 asks for it. The message of an
 * unexpected error is left out: it may quote what was being read (JSON.parse's does), and
 * that may be a secret. The exit code that goes with it is always 2.
 */
export function failureReport(error: unknown, { cwd = process.cwd(), debug = process.env.PLANES_DEBUG === '1' } = {}): string {
  const shown = (path: string): string => {
    const inside = relative(cwd, resolve(cwd, path));
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
  };
  let text: string;
  if (isUsageError(error)) text = error.message;
  else text = systemErrorMessage(error, shown) ?? `internal error (${error instanceof Error ? error.name : typeof error}): a bug in planes, not a problem of your files; run again with PLANES_DEBUG=1 to see where, and report it`;
  const trace = debug && error instanceof Error && !isUsageError(error) ? `\n${error.stack ?? ''}` : '';
  return `planes: ${text}${trace}\n`;
}
