import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Helpers of the end-to-end suites. Secret values are random per run and only ever
 * compared by hash or by `includes` so that no assertion message can print one.
 */

export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

export function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}

export function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A project directory with the given files; secrets/ is 0700 and its files 0600, as planes setup makes them. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'planes-e2e-'));
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content, { mode: path.startsWith('secrets/') ? 0o600 : 0o644 });
  }
  mkdirSync(join(root, 'secrets'), { recursive: true });
  chmodSync(join(root, 'secrets'), 0o700);
  return root;
}

export interface Output {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function docker(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Output {
  const result = spawnSync('docker', args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The bytes of `docker save`, to search an image's layers and config for a value. */
export function savedImage(image: string): Buffer {
  const result = spawnSync('docker', ['save', image], { timeout: 120_000, maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`docker save ${image} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Polls until `check` gives a value, or fails after the timeout saying what it waited for. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * docker compose on the dev file of a project that is also deployed as `stack`: under a project
 * name of its own, since the stack's default overlay network already has the stack's name.
 */
export function devCompose(stack: string, root: string, args: string[]): Output {
  return docker(['compose', '-p', `${stack}-dev`, '-f', 'docker-compose.yml', ...args], { cwd: root });
}

/** Removes a stack, then the secrets and configs named after it once no service holds them; best effort, for afterAll. */
export async function removeStack(stack: string): Promise<void> {
  docker(['stack', 'rm', stack]);
  const gone = (kind: 'service' | 'secret' | 'config', filter: string): string[] => docker([kind, 'ls', '-q', '--filter', filter]).stdout.split('\n').filter(Boolean);
  await waitFor('the stack services to go', 30_000, () => (gone('service', `label=com.docker.stack.namespace=${stack}`).length === 0 ? true : undefined)).catch(() => {});
  await waitFor('the stack secrets and configs to go', 30_000, () => {
    const secrets = gone('secret', `name=${stack}_`);
    const configs = gone('config', `name=${stack}_`);
    if (secrets.length > 0) docker(['secret', 'rm', ...secrets]);
    if (configs.length > 0) docker(['config', 'rm', ...configs]);
    return secrets.length + configs.length === 0 ? true : undefined;
  }).catch(() => {});
}

/** For afterAll of a project run both ways: its dev containers, its stack with its secrets and configs, then its directory. */
export async function removeProject(stack: string, root: string): Promise<void> {
  if (!root) return;
  devCompose(stack, root, ['down', '--timeout', '1']);
  await removeStack(stack);
  rmSync(root, { recursive: true, force: true });
}
