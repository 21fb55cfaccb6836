import { mkdtempSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { readTextFile } from '../../src/fs/read.js';

const directory = mkdtempSync(join(tmpdir(), 'planes-text-'));

function write(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function failure(path: string): UsageError {
  try {
    readTextFile(path, 'shown.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected the read to fail');
}

describe('readTextFile', () => {
  it('reads UTF-8 text', () => {
    expect(readTextFile(write('ok.yml', 'a: é\n'), 'ok.yml')).toBe('a: é\n');
  });

  it('refuses binary data, where it starts', () => {
    const error = failure(write('binary.yml', Buffer.from([0x61, 0x3a, 0x0a, 0x62, 0x00, 0xff])));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).position).toEqual({ file: 'shown.yml', line: 2, column: 2 });
    expect(error.message).toContain('binary');
  });

  it('refuses text that is not UTF-8, where it stops being UTF-8', () => {
    const error = failure(write('latin1.yml', Buffer.from('a: 1\nb: caf\xe9\n', 'latin1')));
    expect((error as InputError).position).toEqual({ file: 'shown.yml', line: 2, column: 7 });
    expect(error.message).toContain('not UTF-8');
  });

  // bench/guards.ts times it: the size is known before a byte is read.
  it('refuses a 50 MB file, naming its size and the limit', () => {
    const path = write('huge.yml', '');
    truncateSync(path, 50 * 1024 * 1024);
    const error = failure(path);
    expect(error.message).toBe('shown.yml:1:1: the file is 50.0 MB; planes reads configuration files of at most 16 MB');
  });

  it('names a missing file and a directory', () => {
    expect(failure(join(directory, 'missing.yml')).message).toBe('cannot read shown.yml: no such file');
    const sub = join(directory, 'sub');
    mkdirSync(sub);
    expect(failure(sub).message).toBe('cannot read shown.yml: it is a directory');
  });
});
