/**
 * The write guarantees under faults the system injects: permission denied (run as an
 * unprivileged user: root ignores mode bits), a directory or a FIFO where an output goes, a
 * full disk (a small tmpfs), a file-size limit (ulimit -f, EFBIG). Each time: exit 2, a
 * message naming the path and what to do, no stack trace, the files exactly as they were,
 * and nothing left behind.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultsCanRun, NOBODY, planesAsNobody, planesLimited, run, runPlanes as planes, snapshot, STACK_TRACE, type Run } from '../support/faults.js';
import { CHANGED_MANIFEST, generatedProject } from '../support/stacks.js';

const CANARY = 'canary-Value-7f3e9b21-must-appear-nowhere';

/** A refusal as the standards want it: exit 2, `message` in one planes line, no trace, no value. */
function expectRefused(result: Run, message: RegExp): void {
  if (process.env.SHOW) console.log(result.stderr);
  expect(result.status, result.stdout + result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^planes: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_TRACE);
  expect(result.stdout + result.stderr).not.toContain(CANARY);
}

/** The project was not touched: the same entries, and no staging directory or temporary file. */
function expectUntouched(root: string, before: Record<string, string>): void {
  expect(snapshot(root)).toEqual(before);
  expect(Object.keys(snapshot(root)).filter((path) => path.includes('.planes-staging') || path.endsWith('.tmp'))).toEqual([]);
}

/** A project generated from the reference manifest whose manifest then changed: the next generate replaces files. */
function changedProject(parent?: string): { root: string; before: Record<string, string> } {
  const root = generatedProject(undefined, parent === undefined ? {} : { parent });
  writeFileSync(join(root, 'compose', 'stack.yaml'), CHANGED_MANIFEST);
  return { root, before: snapshot(root) };
}

describe('something other than a file where an output goes', () => {
  it('a directory in place of the prod file: refused before any file is replaced', () => {
    const { root } = changedProject();
    rmSync(join(root, 'docker-compose.prod.yml'));
    mkdirSync(join(root, 'docker-compose.prod.yml'));
    const before = snapshot(root);
    expectRefused(planes(['generate'], root), /docker-compose\.prod\.yml is a directory, where planes writes a file: remove or rename it/);
    expectUntouched(root, before);
  });

  it('a FIFO in place of an env file: refused, never opened (planes would hang on it)', () => {
    const { root } = changedProject();
    rmSync(join(root, 'config', 'prod.env'));
    run('mkfifo', [join(root, 'config', 'prod.env')], root);
    const before = snapshot(root);
    expectRefused(planes(['generate'], root), /config\/prod\.env is a FIFO \(named pipe\), where planes writes a file/);
    expectUntouched(root, before);
  });

  it('a file where an output needs a directory', () => {
    const { root } = changedProject();
    writeFileSync(join(root, 'deploy'), 'mine\n');
    const before = snapshot(root);
    expectRefused(planes(['generate'], root), /deploy is a file, where deploy\/docker-compose\.staging\.yml needs a directory/);
    expectUntouched(root, before);
  });

  it('migrate --out naming a file', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-faults-'));
    writeFileSync(join(root, 'compose.yaml'), `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY} }\n`);
    writeFileSync(join(root, 'out'), 'mine\n');
    const before = snapshot(root);
    expectRefused(planes(['migrate', '--out', 'out'], root), /--out out is not a directory; name a new or empty directory/);
    expectUntouched(root, before);
  });
});

describe('a file-size limit (ulimit -f: EFBIG)', () => {
  it('generate stops before replacing anything and says which file and which limit', () => {
    const { root, before } = changedProject();
    const result = planesLimited('ulimit -f 1', ['generate'], root);
    expectRefused(result, /cannot write docker-compose\.yml: the file would be larger than this system allows; nothing was changed; raise the file size limit \(ulimit -f\)/);
    expectUntouched(root, before);
  });
});

describe.runIf(faultsCanRun('permission faults', { root: true, tools: ['setpriv'] }))('permissions, as an unprivileged user', () => {
  it('generate in a project owned by another user: refused before anything changes', () => {
    const { root, before } = changedProject();
    expectRefused(planesAsNobody(['generate'], root), /cannot write .* permission denied; nothing was changed; this user may not do that here: check the owner and mode/);
    expectUntouched(root, before);
  });

  it('generate where only config/ belongs to another user: nothing replaced elsewhere either', () => {
    const { root } = changedProject();
    run('chown', ['-R', `${NOBODY}:${NOBODY}`, root], root);
    chownSync(join(root, 'config'), 0, 0);
    const before = snapshot(root);
    expectRefused(planesAsNobody(['generate'], root), /cannot write config\/common\.env in config: permission denied; nothing was changed/);
    expectUntouched(root, before);
  });

  it('setup with a secrets/ it cannot read says so, not that an example is missing', () => {
    const root = generatedProject(CHANGED_MANIFEST);
    run('chown', ['-R', `${NOBODY}:${NOBODY}`, root], root);
    chownSync(join(root, 'secrets'), 0, 0);
    chmodSync(join(root, 'secrets'), 0o700);
    const before = snapshot(root);
    const result = planesAsNobody(['setup'], root);
    expectRefused(result, /cannot read secrets\/ \(owner uid 0, mode 0700\): permission denied/);
    expect(result.stderr).not.toContain('cp secrets/');
    expectUntouched(root, before);
  });

  it('setup with a secrets/ others can read but that it cannot tighten (another owner)', () => {
    const root = generatedProject();
    run('chown', ['-R', `${NOBODY}:${NOBODY}`, root], root);
    chownSync(join(root, 'secrets'), 0, 0);
    chmodSync(join(root, 'secrets'), 0o777);
    const before = snapshot(root);
    expectRefused(planesAsNobody(['setup'], root), /cannot make private secrets\/: operation not permitted; no secret file was written/);
    expectUntouched(root, before);
  });

  it('migrate into a directory it cannot write', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-faults-'));
    chmodSync(root, 0o755);
    writeFileSync(join(root, 'compose.yaml'), `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY} }\n`);
    chmodSync(join(root, 'compose.yaml'), 0o644);
    const before = snapshot(root);
    expectRefused(planesAsNobody(['migrate', '--out', 'out'], root), /cannot create out: permission denied; nothing was changed/);
    expectUntouched(root, before);
  });
});

describe.runIf(faultsCanRun('full-disk faults', { root: true, tools: ['mount', 'umount'] }))('a full disk (a 1 MiB tmpfs)', () => {
  const mounts: string[] = [];
  afterAll(() => {
    for (const mount of mounts) run('umount', [mount], tmpdir());
  });

  /** A fresh small file system; `free` bytes left once the project is on it. */
  function smallDisk(): string {
    const mount = mkdtempSync(join(tmpdir(), 'planes-tmpfs-'));
    const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', mount], tmpdir());
    if (mounted.status !== 0) throw new Error(`cannot mount a tmpfs (needed by this test; under CI it must work): ${mounted.stderr}`);
    mounts.push(mount);
    return mount;
  }

  /** Fills the file system, then frees `pages` pages: writes that need more fail with ENOSPC. */
  function fill(mount: string, pages: number): void {
    const filler = join(mount, 'filler');
    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(4096, 1);
    let size = 0;
    try {
      for (;;) size += writeSync(fd, block);
    } catch {
      // ENOSPC: full.
    } finally {
      closeSync(fd);
    }
    truncateSync(filler, Math.max(0, size - pages * 4096));
  }

  it.each([0, 2, 4])('generate with %i pages free: the old files stay whole, nothing is left behind', (pages) => {
    const mount = smallDisk();
    const { root } = changedProject(mount);
    fill(mount, pages);
    const before = snapshot(root);
    expectRefused(planes(['generate'], root), /cannot write .*: no space left on the device; nothing was changed; free some space/);
    expectUntouched(root, before);
    rmSync(join(mount, 'filler'));
    expect(planes(['generate'], root).status).toBe(0);
    expect(planes(['generate', '--check'], root).status).toBe(0);
  });

  it('setup with the disk full creates no secret file, and no part of one', () => {
    const mount = smallDisk();
    const root = generatedProject(undefined, { parent: mount });
    fill(mount, 1);
    const before = snapshot(root);
    expectRefused(planes(['setup'], root), /no space left on the device; nothing was changed/);
    expectUntouched(root, before);
  });

  it('migrate with the disk full writes no project', () => {
    const mount = smallDisk();
    const root = mkdtempSync(join(mount, 'planes-faults-'));
    writeFileSync(join(root, 'compose.yaml'), `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY} }\n`);
    fill(mount, 2);
    const result = planes(['migrate', '--out', 'out'], root);
    expectRefused(result, /no space left on the device; nothing was changed/);
    expect(existsSync(join(root, 'out'))).toBe(false);
  });
});
