/**
 * Reading a configuration file as text, refusing what is not one before any parser sees it:
 * a file too large for a configuration file, binary data, text that is not UTF-8.
 */
import { readFileSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { InputError, UsageError } from '../errors.js';

/** Far above any real compose or env file; a larger file is a mistake, not configuration. */
const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The text of `path`; `display` is how messages name it. Throws `UsageError` when the file
 * cannot be read and `InputError` when it is not a text file planes can read.
 */
export function readTextFile(path: string, display: string): string {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_TEXT_FILE_BYTES) {
      throw new InputError(
        { file: display, line: 1, column: 1 },
        `the file is ${(size / 1024 / 1024).toFixed(1)} MB; planes reads configuration files of at most ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MB`,
      );
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${display}: ${describe(error)}`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw notText(bytes, nul, display, 'holds binary data (a NUL byte)');
  if (!isUtf8(bytes)) throw notText(bytes, firstInvalidUtf8(bytes), display, 'is not UTF-8 text');
  return bytes.toString('utf8');
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
