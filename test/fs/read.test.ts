import { once } from 'node:events';
import { mkdtempSync, mkdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { FileReadError, readFileBytes, readTextFile } from '../../src/fs/read.js';

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
    expect(failure(sub).message).toBe('cannot read shown.yml: it is a directory, not a regular file');
  });
});

describe('readTextFile and readFileBytes read regular files only', () => {
  function refusal(read: () => unknown): string {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(FileReadError);
      return (error as Error).message;
    }
    throw new Error('expected the read to fail');
  }

  // A FIFO and /dev/zero are read through the CLI, under a timeout (test/adversarial/errors.test.ts):
  // here, a regression would block the test runner itself.
  it('refuses /dev/null as a character device', () => {
    expect(refusal(() => readTextFile('/dev/null', '/dev/null'))).toBe('cannot read /dev/null: it is a character device, not a regular file');
    expect(refusal(() => readFileBytes('/dev/null', '/dev/null'))).toBe('cannot read /dev/null: it is a character device, not a regular file');
  });

  it('refuses a socket', async () => {
    const path = join(directory, 'daemon.sock');
    const server = createServer().listen(path);
    await once(server, 'listening');
    try {
      expect(refusal(() => readTextFile(path, 'daemon.sock'))).toBe('cannot read daemon.sock: it is a socket, not a regular file');
    } finally {
      server.close();
    }
  });

  it('keeps the errno code of a file the system would not give, and says why in words', () => {
    const error = (() => {
      try {
        readFileBytes(join(directory, 'absent.txt'), 'absent.txt');
      } catch (caught) {
        return caught as FileReadError;
      }
      throw new Error('expected the read to fail');
    })();
    expect(error.code).toBe('ENOENT');
    expect(error.message).toBe('cannot read absent.txt: no such file');
    const loop = join(directory, 'loop.env');
    symlinkSync(loop, loop);
    expect(refusal(() => readTextFile(loop, 'loop.env'))).toMatch(/^cannot read loop\.env: too many symbolic links/);
  });

  it('reads a file that says it is empty and is not, as files under /proc do', () => {
    expect(statSync('/proc/self/status').size).toBe(0);
    expect(readTextFile('/proc/self/status', 'status')).toMatch(/^Name:/);
  });

  it('reads the bytes of a secret file as they are, binary included', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x0a, 0x41]);
    expect(readFileBytes(write('secret.bin', bytes), 'secret.bin')).toEqual(bytes);
  });

  it('refuses a secret file over the cap without reading it', () => {
    const path = write('huge.txt', '');
    truncateSync(path, 17 * 1024 * 1024);
    expect(() => readFileBytes(path, 'huge.txt')).toThrow('huge.txt:1:1: the file is 17.0 MB; planes reads files of at most 16 MB');
  });
});
