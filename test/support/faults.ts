import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { planesCommand } from './cli.js';

/** The unprivileged user the permission tests run planes as (nobody on Debian). */
export const NOBODY = 65534;

export interface Run {
  /** null when a signal ended the process. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function finished(result: SpawnSyncReturns<string>): Run {
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** `command args…` in `cwd`, as a user would run it (no colour). */
export function run(command: string, args: string[], cwd: string): Run {
  return finished(spawnSync(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 }));
}

/** The built planes, as test/support/cli.ts runs it, with the result as `run` gives it. */
export function runPlanes(args: string[], cwd: string): Run {
  const [node, ...rest] = planesCommand();
  return run(node!, [...rest, ...args], cwd);
}

/** planes as the unprivileged user `nobody`, for whom mode bits bite (they do not for root). */
export function planesAsNobody(args: string[], cwd: string): Run {
  return run('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...planesCommand(), ...args], cwd);
}

/** planes under a shell limit (`ulimit -f 1`: writes past 1 KiB fail with EFBIG; Node ignores SIGXFSZ). */
export function planesLimited(limit: string, args: string[], cwd: string): Run {
  return run('bash', ['-c', `${limit} && exec "$@"`, 'bash', ...planesCommand(), ...args], cwd);
}

/**
 * planes with SIGKILL delivered when it enters its `nth` call of `syscall` (strace's fault
 * injection): a crash at that exact step, with no hook in the product.
 */
export function planesKilledAt(syscall: string, nth: number, args: string[], cwd: string): Run {
  return run('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=KILL:when=${nth}`, ...planesCommand(), ...args], cwd);
}

/**
 * Whether `what` can run here: it needs `needs` (root, a tool). When not, the suite skips with
 * one loud line, except under CI=true, where a skipped fault test is a failure.
 */
export function faultsCanRun(suite: string, needs: { root?: boolean; tools?: string[] }): boolean {
  const missing = [
    ...(needs.root && process.getuid?.() !== 0 ? ['root (to drop to an unprivileged user or mount a file system)'] : []),
    ...(needs.tools ?? []).filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0),
  ];
  if (missing.length === 0) return true;
  const line = `${suite}: SKIPPED — needs ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run these tests (.ci/run runs as root and installs the tools)`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

/** Every entry under `root` but .git: files by content and mode, links by target, directories by mode. */
export function snapshot(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const visit = (directory: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const shown = path.slice(root.length + 1);
      if (shown === '.git') continue;
      const stat = lstatSync(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) entries[shown] = `link → ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        entries[`${shown}/`] = `directory ${mode}`;
        visit(path);
      } else if (stat.isFile()) entries[shown] = `${mode} ${readFileSync(path, 'utf8')}`;
      else entries[shown] = `special ${mode}`;
    }
  };
  visit(root);
  return entries;
}

/** The files of a snapshot alone (what "the set of files" means: directories may stay behind empty). */
export function filesOf(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([path]) => !path.endsWith('/')));
}

/** A trace printed by Node: "    at …" lines. Never in what planes says. */
export const STACK_TRACE = /\n\s+at /;
