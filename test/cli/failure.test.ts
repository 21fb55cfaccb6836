import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli, type CommandGroup, outcome } from '../../src/cli.js';
import { UsageError } from '../../src/errors.js';

const STACK_TRACE = /\n\s+at /;
// Put in every thrown message: what an error says may quote what was being read, a secret maybe.
const CANARY = 'canary-Vq3nX8pL2wR7tK9m';

/** A command `boom` that throws what it is given, run through runCli as the executable runs it. */
async function failingCommand(thrown: () => unknown, env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const group: CommandGroup = {
    commands: ['boom'],
    load: async () => (program, responder) => {
      program.command('boom').action(
        responder.respond(async () => {
          throw thrown();
        }),
      );
    },
  };
  let stderr = '';
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    const code = await runCli(['node', 'planes', 'boom'], [group]);
    return { code, stderr };
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
}

/** An error as Node's fs throws it. */
function systemError(code: string, syscall: string, path?: string, dest?: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: ${CANARY}, ${syscall}`) as NodeJS.ErrnoException & { dest?: string };
  Object.assign(error, { errno: -1, code, syscall, ...(path ? { path } : {}), ...(dest ? { dest } : {}) });
  return error;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runCli: whatever a command throws ends in one message and exit 2, no stack trace', () => {
  const cwd = process.cwd();
  // Each errno, as the system call that meets it: what the message must say, and what to do.
  const CASES: [string, string, RegExp][] = [
    ['EACCES', 'open', /^planes: cannot open out\/file\.yml: permission denied; .*run planes as a user who may\n$/],
    ['EPERM', 'chmod', /^planes: cannot change the mode of out\/file\.yml: operation not permitted; .*owner/],
    ['ENOSPC', 'write', /^planes: cannot write out\/file\.yml: no space left on the device; free some space/],
    ['EDQUOT', 'write', /^planes: cannot write out\/file\.yml: the disk quota is used up; /],
    ['EFBIG', 'write', /^planes: cannot write out\/file\.yml: the file would be larger than this system allows; raise the file size limit/],
    ['EISDIR', 'open', /^planes: cannot open out\/file\.yml: it is a directory, where a file belongs; /],
    ['ENOTDIR', 'mkdir', /^planes: cannot create the directory out\/file\.yml: a part of the path is a file, where a directory belongs; /],
    ['EEXIST', 'mkdir', /^planes: cannot create the directory out\/file\.yml: something already exists there/],
    ['ENOENT', 'open', /^planes: cannot open out\/file\.yml: no such file or directory .*; create it, or correct the path/],
    ['ELOOP', 'stat', /^planes: cannot look at out\/file\.yml: too many symbolic links/],
    ['ENAMETOOLONG', 'open', /^planes: cannot open out\/file\.yml: the path is too long; /],
    ['EMFILE', 'open', /^planes: cannot open out\/file\.yml: too many open files; raise the limit of open files \(ulimit -n\)/],
    ['ENFILE', 'open', /^planes: cannot open out\/file\.yml: too many open files on this system; /],
    ['EROFS', 'open', /^planes: cannot open out\/file\.yml: the file system is read-only; /],
    ['EBUSY', 'rmdir', /^planes: cannot remove out\/file\.yml: it is busy/],
    ['EXDEV', 'link', /^planes: cannot write out\/file\.yml: it cannot be moved across file systems; /],
    ['ETXTBSY', 'open', /^planes: cannot open out\/file\.yml: it is a program that is running; /],
    ['ENXIO', 'open', /^planes: cannot open out\/file\.yml: no such device/],
    ['EAGAIN', 'read', /^planes: cannot read out\/file\.yml: it is not ready to be read/],
    ['EIO', 'read', /^planes: cannot read out\/file\.yml: an input\/output error; /],
    ['ENOMEM', 'read', /^planes: cannot read out\/file\.yml: out of memory; /],
    ['ESOMETHINGNEW', 'open', /^planes: cannot open out\/file\.yml: the system refused \(ESOMETHINGNEW\)\n$/],
  ];
  for (const [code, syscall, message] of CASES) {
    it(`${code} (${syscall}) names the path, relative to the working directory, and what to do`, async () => {
      const { code: exitCode, stderr } = await failingCommand(() => systemError(code, syscall, join(cwd, 'out/file.yml')));
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(STACK_TRACE);
      expect(stderr).not.toContain(CANARY);
      expect(stderr.split('\n')).toHaveLength(2);
      expect(exitCode).toBe(2);
    });
  }

  it('names the target of a rename (how a write lands), a path outside the working directory as it is, and a write without a path', async () => {
    expect((await failingCommand(() => systemError('EISDIR', 'rename', join(cwd, '.x.tmp'), join(cwd, 'out')))).stderr).toMatch(/^planes: cannot write out: it is a directory/);
    expect((await failingCommand(() => systemError('EACCES', 'open', '/etc/planes.yml'))).stderr).toMatch(/^planes: cannot open \/etc\/planes\.yml: permission denied/);
    expect((await failingCommand(() => systemError('ENOSPC', 'write'))).stderr).toMatch(/^planes: cannot write a file: no space left on the device; /);
    expect((await failingCommand(() => systemError('ENOENT', 'spawn docker', 'docker'))).stderr).toMatch(/^planes: cannot run docker: no such file or directory/);
  });

  it('says "internal error" of a bug, without its message (it may quote a secret) and without a stack trace', async () => {
    for (const thrown of [() => new TypeError(`Cannot read properties of undefined (reading '${CANARY}')`), () => JSON.parse(`{"password": "${CANARY}"`) as unknown, () => `${CANARY}`, () => undefined]) {
      const { code, stderr } = await failingCommand(() => {
        try {
          return thrown();
        } catch (error) {
          return error;
        }
      });
      expect(stderr).toMatch(/^planes: internal error \((TypeError|SyntaxError|string|undefined)\): a bug in planes, not a problem of your files; run again with PLANES_DEBUG=1 to see where, and report it\n$/);
      expect(stderr).not.toContain(CANARY);
      expect(code).toBe(2);
    }
  });

  it('shows the stack trace when PLANES_DEBUG=1 asks for it', async () => {
    const { code, stderr } = await failingCommand(() => new RangeError('Maximum call stack size exceeded'), { PLANES_DEBUG: '1' });
    expect(stderr).toMatch(/^planes: internal error \(RangeError\)/);
    expect(stderr).toMatch(STACK_TRACE);
    expect(code).toBe(2);
  });

  it('prints a UsageError as it is, without a trace even under PLANES_DEBUG=1', async () => {
    const { code, stderr } = await failingCommand(() => new UsageError('compose.yml:3:1: fix this'), { PLANES_DEBUG: '1' });
    expect(stderr).toBe('planes: compose.yml:3:1: fix this\n');
    expect(code).toBe(2);
  });

  it('keeps exit 0 and 1 for what commands return', async () => {
    const group: CommandGroup = { commands: ['ok'], load: async () => (program, responder) => void program.command('ok').action(responder.respond(() => outcome({}, 1))) };
    expect(await runCli(['node', 'planes', 'ok'], [group])).toBe(1);
  });
});

describe('the executable: a failure outside any command ends the same way', () => {
  const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
  const ENV = { ...process.env, NO_COLOR: '1', PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

  /** dist/planes.cjs beside a commands.cjs of our making, run through its shebang. */
  function withBundle(commands: string | undefined, env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
    const dir = mkdtempSync(join(tmpdir(), 'planes-bin-'));
    copyFileSync(join(DIST, 'planes.cjs'), join(dir, 'planes.cjs'));
    if (commands !== undefined) writeFileSync(join(dir, 'commands.cjs'), commands);
    const run = spawnSync(join(dir, 'planes.cjs'), ['plan'], { cwd: dir, env: { ...ENV, ...env }, encoding: 'utf8', timeout: 20_000 });
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  }

  const BUNDLES: [string, string | undefined, RegExp][] = [
    ['a bundle that is missing', undefined, /^planes: cannot open \S*commands\.cjs: no such file or directory/],
    ['a bundle that throws while it loads', `throw new TypeError('${CANARY}');`, /^planes: internal error \(TypeError\)/],
    ['a command that rejects', `exports.main = async () => { throw new Error('${CANARY}'); };`, /^planes: internal error \(Error\)/],
    ['a promise nobody awaits', `exports.main = async () => { Promise.reject(new RangeError('${CANARY}')); await new Promise((r) => setTimeout(r, 200)); return 0; };`, /^planes: internal error \(RangeError\)/],
    ['an exception in a timer', `exports.main = () => new Promise(() => setTimeout(() => { throw new SyntaxError('${CANARY}'); }, 10));`, /^planes: internal error \(SyntaxError\)/],
  ];
  for (const [what, bundle, message] of BUNDLES) {
    it(`${what}: one line, exit 2, no stack trace`, () => {
      const run = withBundle(bundle);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.split('\n')).toHaveLength(2);
      expect(run.stderr).not.toMatch(STACK_TRACE);
      expect(run.stderr).not.toContain(CANARY);
      expect(run.status).toBe(2);
    });
  }

  it('shows the stack trace of a failure outside any command when PLANES_DEBUG=1 asks for it', () => {
    const run = withBundle(`throw new TypeError('${CANARY}');`, { PLANES_DEBUG: '1' });
    expect(run.stderr).toMatch(STACK_TRACE);
    expect(run.status).toBe(2);
  });
});
