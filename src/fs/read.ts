/**
 * Reading a file a user points planes at (a compose file, an env file, a Dockerfile, the
 * manifest, a secret file), refusing what is not one before any parser sees it: a FIFO, a
 * device, a socket or a directory (`/dev/zero` would be read forever, a FIFO would block), a
 * file too large for its purpose, and, for text, binary data or text that is not UTF-8.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { InputError, systemErrorReason, UsageError } from '../errors.js';

/** Far above any real compose file, env file or secret; a larger file is a mistake, not input. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A file planes could not read. `code` is the errno code when the system refused (ENOENT,
 * EACCES, …), so that a caller can tell a missing file from an unreadable one.
 */
export class FileReadError extends UsageError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The text of `path`; `display` is how messages name it. Throws `FileReadError` when the file
 * cannot be read and `InputError` when it is not a text file planes can read.
 */
export function readTextFile(path: string, display: string): string {
  const bytes = readBounded(path, display, 'configuration files');
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw notText(bytes, nul, display, 'holds binary data (a NUL byte)');
  if (!isUtf8(bytes)) throw notText(bytes, firstInvalidUtf8(bytes), display, 'is not UTF-8 text');
  return bytes.toString('utf8');
}

/** The bytes of a file that may hold anything (a secret file), with the same refusals as `readTextFile` but for its content. */
export function readFileBytes(path: string, display: string): Buffer {
  return readBounded(path, display, 'files');
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What is at `path` when it is there but is not a regular file (`a directory`, `a FIFO (named pipe)`, …); undefined otherwise. */
export function notARegularFile(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? undefined : kindOf(stats);
  } catch {
    return undefined;
  }
}

/** What a file is, as messages say it: `a directory`, `a FIFO (named pipe)`, `a character device`… */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads at most the cap from a regular file. The path is looked at before it is opened, so
 * that a device is never opened (opening some has effects: a tape rewinds); the descriptor
 * is looked at again, so that what is read is what was checked, even if the path was
 * replaced in between. O_NONBLOCK keeps a FIFO put there meanwhile from blocking the open.
 */
function readBounded(path: string, display: string, what: string): Buffer {
  let descriptor: number | undefined;
  try {
    refuseSpecial(statSync(path), display);
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const stats = fstatSync(descriptor);
    refuseSpecial(stats, display);
    if (stats.size > MAX_FILE_BYTES) throw tooLarge(display, what, `is ${(stats.size / 1024 / 1024).toFixed(1)} MB`);
    return readUpTo(descriptor, stats.size, display, what);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : systemErrorReason(error)?.what;
    if (reason === undefined) throw error;
    throw new FileReadError(`cannot read ${display}: ${reason}`, code);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function refuseSpecial(stats: Stats, display: string): void {
  if (!stats.isFile()) throw new FileReadError(`cannot read ${display}: it is ${kindOf(stats)}, not a regular file`);
}

/** Reads until the end of the file; a file that grows past the cap while it is read is refused too. */
function readUpTo(descriptor: number, expectedSize: number, display: string, what: string): Buffer {
  // Files under /proc say they are empty and are not: the size is a first guess, not a bound.
  let buffer = Buffer.allocUnsafe(Math.min(expectedSize, MAX_FILE_BYTES) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > MAX_FILE_BYTES) throw tooLarge(display, what, 'grew larger than that while it was read');
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2 + 64 * 1024, MAX_FILE_BYTES + 1));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const read = readSync(descriptor, buffer, length, buffer.length - length, null);
    length += read;
    // All the bytes its size said, and not the one more asked for: the end, without one more read to see nothing come.
    if (read === 0 || (length === expectedSize && length < buffer.length)) return buffer.subarray(0, length);
  }
}

function tooLarge(display: string, what: string, size: string): InputError {
  return new InputError({ file: display, line: 1, column: 1 }, `the file ${size}; planes reads ${what} of at most ${MAX_FILE_BYTES / 1024 / 1024} MB`);
}

function notText(bytes: Buffer, at: number, display: string, what: string): InputError {
  const before = bytes.subarray(0, at);
  let line = 1;
  let lineStart = 0;
  for (let i = before.indexOf(10); i !== -1; i = before.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return new InputError({ file: display, line, column: at - lineStart + 1 }, `the file ${what}; is it the right file?`);
}

/** The offset of the first byte that does not continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}
