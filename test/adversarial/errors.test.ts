/**
 * No command ends in a stack trace, whatever fails: each failure the file system can be made to
 * produce here is produced for real, through the executable as a user runs it (its shebang),
 * and must end with one message that names the path, exit code 2, and no trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectWith } from '../support/project.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'planes.cjs');
const STACK_TRACE = /\n\s+at /;
// The shebang finds `node` on the PATH: the one running the tests.
const ENV = { ...process.env, NO_COLOR: '1', PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

const MANIFEST = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: info
secrets:
  db_password: { generate: { length: 32 } }
services:
  api:
    image: shop/api:1
    config: [LOG_LEVEL]
    secrets: [db_password]
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs dist/planes.cjs through its shebang, optionally behind a command (setpriv, unshare, sh). */
function planes(args: string[], cwd: string, wrapper: string[] = []): Run {
  const [command, ...rest] = [...wrapper, CLI, ...args];
  const result = spawnSync(command!, rest, { cwd, env: ENV, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Whether a way to produce a failure exists here; when not, one loud line, and a failure under CI=true. */
function possible(what: string, probe: () => boolean): boolean {
  if (probe()) return true;
  const line = `${what}: SKIPPED — not possible on this machine`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run it`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const asNobody = possible('failures of permission (as nobody, through setpriv)', () => process.getuid?.() === 0 && spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'true']).status === 0);
const inMountNamespace = possible('a full and a read-only file system (unshare -rm, tmpfs)', () => spawnSync('unshare', ['-rm', 'true']).status === 0);

/** A project nobody may read but not write: the owner is root, the directories 0755. */
function readOnlyProject(files: Record<string, string>): string {
  const root = projectWith(files);
  chmodSync(root, 0o755);
  return root;
}

/** The contract of every failure: one paragraph on stderr, starting with `planes: `, exit 2, no trace. */
function expectCleanFailure(run: Run, message: RegExp): void {
  expect(run.stderr, run.stderr).not.toMatch(STACK_TRACE);
  expect(run.stderr).toMatch(/^planes: /);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.status).toBe(2);
}

describe('every errno ends in one message that names the path, exit 2, and no stack trace', () => {
  it('EACCES: a project this user may not write', { skip: !asNobody }, () => {
    const root = readOnlyProject({ 'compose/stack.yaml': MANIFEST });
    expectCleanFailure(planes(['generate'], root, NOBODY), /^planes: cannot write docker-compose\.yml in \.: permission denied; nothing was changed; .*ls -ld/);
  });

  it('EACCES: a manifest this user may not read', { skip: !asNobody }, () => {
    const root = readOnlyProject({ 'compose/stack.yaml': MANIFEST });
    chmodSync(join(root, 'compose/stack.yaml'), 0o000);
    expectCleanFailure(planes(['generate'], root, NOBODY), /^planes: cannot read compose\/stack\.yaml: permission denied/);
  });

  it('EACCES: a generated file this user may not read, in check and generate --check', { skip: !asNobody }, () => {
    const root = readOnlyProject({ 'compose/stack.yaml': MANIFEST });
    expect(planes(['generate'], root).status).toBe(0);
    chmodSync(join(root, 'docker-compose.yml'), 0o000);
    expectCleanFailure(planes(['check'], root, NOBODY), /^planes: cannot read docker-compose\.yml: permission denied/);
    expectCleanFailure(planes(['generate', '--check'], root, NOBODY), /^planes: cannot read docker-compose\.yml: permission denied/);
  });

  it('EPERM: a secrets directory owned by another user', { skip: !asNobody }, () => {
    const root = readOnlyProject({ 'compose/stack.yaml': MANIFEST });
    mkdirSync(join(root, 'secrets'));
    chmodSync(join(root, 'secrets'), 0o777);
    expectCleanFailure(planes(['setup'], root, NOBODY), /^planes: cannot make private secrets\/: operation not permitted; no secret file was written; .*owner/);
  });

  it('ENOSPC: a full disk', { skip: !inMountNamespace }, () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST });
    const script = `mount -t tmpfs -o size=16k none "$1" && cp "$2" "$1/stack.yaml" && mkdir "$1/compose" && mv "$1/stack.yaml" "$1/compose/" && (dd if=/dev/zero of="$1/fill" bs=1k 2>/dev/null; true) && cd "$1" && exec "$3" generate`;
    const mountPoint = join(root, 'disk');
    mkdirSync(mountPoint);
    const run = planes([], root, ['unshare', '-rm', 'sh', '-c', script, 'sh', mountPoint, join(root, 'compose/stack.yaml')]);
    expectCleanFailure(run, /^planes: cannot write \S+: no space left on the device; nothing was changed; free some space/);
  });

  it('EROFS: a read-only file system', { skip: !inMountNamespace }, () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST });
    const script = `mount -t tmpfs -o size=1m none "$1" && mkdir "$1/compose" && cp "$2" "$1/compose/" && mount -o remount,ro "$1" && cd "$1" && exec "$3" generate`;
    const mountPoint = join(root, 'disk');
    mkdirSync(mountPoint);
    const run = planes([], root, ['unshare', '-rm', 'sh', '-c', script, 'sh', mountPoint, join(root, 'compose/stack.yaml')]);
    expectCleanFailure(run, /^planes: cannot write .+: the file system is read-only; nothing was changed/);
  });

  it('EFBIG: a file larger than the size limit', () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST });
    // Ignored, SIGXFSZ no longer kills the process: the write fails with EFBIG instead.
    const run = planes([], root, ['sh', '-c', 'trap "" XFSZ; ulimit -f 0; exec "$0" generate']);
    expectCleanFailure(run, /^planes: cannot write \S+: the file would be larger than this system allows; nothing was changed; raise the file size limit/);
  });

  it('EISDIR: a directory where a generated file goes', () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST.replace('file: docker-compose.yml', 'file: out'), 'out/keep': '' });
    expectCleanFailure(planes(['generate'], root), /^planes: out is a directory, where planes writes a file: remove or rename it, or choose another path; nothing was changed/);
  });

  it('the project directory itself as a generated file (file: .), refused at its line before anything is written', () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST.replace('file: docker-compose.yml', 'file: .') });
    expectCleanFailure(planes(['generate'], root), /^planes: compose\/stack\.yaml:3:27: file: \. names a directory/);
  });

  it('ENOTDIR: migrate --out under a file', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n', 'taken': '' });
    expectCleanFailure(planes(['migrate', '--out', 'taken/project'], root), /^planes: cannot use --out taken\/project: a part of the path is a file, where a directory belongs; nothing was changed/);
  });

  it('EEXIST, ENOENT, ELOOP: secrets/ is a file, a dangling link, a link to itself', () => {
    const file = projectWith({ 'compose/stack.yaml': MANIFEST, secrets: 'not a directory' });
    expectCleanFailure(planes(['setup'], file), /^planes: secrets is a file; planes keeps secrets in a directory secrets\/: move it away/);
    const dangling = projectWith({ 'compose/stack.yaml': MANIFEST });
    symlinkSync(join(dangling, 'nowhere', 'secrets'), join(dangling, 'secrets'));
    expectCleanFailure(planes(['setup'], dangling), /^planes: secrets\/ is a symbolic link to \S*nowhere\/secrets; planes keeps secrets in a real directory of the project/);
    const loop = projectWith({ 'compose/stack.yaml': MANIFEST });
    symlinkSync('secrets', join(loop, 'secrets'));
    expectCleanFailure(planes(['setup'], loop), /^planes: secrets\/ is a symbolic link to secrets; planes keeps secrets in a real directory of the project/);
  });

  it('EPIPE: a reader that stops reading is not a failure of planes', async () => {
    const root = projectWith({
      'compose.yaml': `services:\n  api:\n    image: x\n    environment:\n${Array.from({ length: 5000 }, (_, i) => `      DB_PASSWORD_${i}: Vq3nX8pL2wR7tK9mZ4bY6cH1${i}\n`).join('')}`,
    });
    const child = spawn(CLI, ['check', '--format', 'json'], { cwd: root, env: ENV });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(stderr).toBe('');
    expect(status).toBe(1);
  });
});

describe('inputs are read from regular files only: no hang on a FIFO or a device', () => {
  function withFifo(files: Record<string, string>): string {
    const root = projectWith(files);
    expect(spawnSync('mkfifo', [join(root, 'pipe')]).status).toBe(0);
    return root;
  }

  it('-f naming a FIFO or /dev/null says what it is', () => {
    expectCleanFailure(planes(['check', '-f', 'pipe'], withFifo({})), /^planes: compose file pipe is a FIFO \(named pipe\), not a file; name a compose file with -f$/m);
    expectCleanFailure(planes(['check', '-f', '/dev/null'], projectWith({})), /^planes: compose file \/dev\/null is a character device, not a file/);
  });

  it('--env-file naming a FIFO or /dev/zero is refused at once', () => {
    const root = withFifo({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    expectCleanFailure(planes(['check', '--env-file', 'pipe'], root), /^planes: cannot read pipe: it is a FIFO \(named pipe\), not a regular file$/m);
    expectCleanFailure(planes(['check', '--env-file', '/dev/zero'], root), /^planes: cannot read \S*dev\/zero: it is a character device, not a regular file$/m);
  });

  it('an env_file that is /dev/zero or a FIFO is a load finding, not a hang', () => {
    const root = withFifo({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: [/dev/zero, pipe]\n' });
    const run = planes(['check', '--format', 'json'], root);
    expect(run.status).toBe(1);
    const messages = (JSON.parse(run.stdout) as { findings: { rule: string; message: string }[] }).findings.map((f) => `${f.rule}: ${f.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^load: cannot read \S*dev\/zero: it is a character device, not a regular file$/),
      'load: cannot read pipe: it is a FIFO (named pipe), not a regular file',
    ]);
  });

  it('a manifest, a Dockerfile or a secret file that is a FIFO is refused with its path', () => {
    const manifest = withFifo({ 'compose/stack.yaml': MANIFEST });
    expectCleanFailure(planes(['generate', '--manifest', 'pipe'], manifest), /^planes: cannot read pipe: it is a FIFO/);
    const dockerfile = withFifo({ 'compose.yaml': 'services:\n  web:\n    build: { context: ., dockerfile: pipe }\n' });
    expectCleanFailure(planes(['check'], dockerfile), /^planes: cannot read pipe: it is a FIFO/);
    const secret = withFifo({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    secrets: [token]\nsecrets:\n  token:\n    file: ./pipe\n' });
    expectCleanFailure(planes(['migrate', '--out', 'out', '--dry-run'], secret), /^planes: compose\.yaml:6: cannot read \S*\/pipe: it is a FIFO/);
  });
});

describe('the executable keeps Node from reading planes’ arguments', () => {
  it('starts through `env -S node … --`', () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toMatch(/^#!\/usr\/bin\/env -S node (?:--[\w-]+=\w+ )*--$/);
  });

  // Node 20 reads `--env-file` after the script's name as its own (nodejs/node#54232).
  it('leaves --env-file /dev/zero to planes, which refuses it at once', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    const started = Date.now();
    const run = spawnSync(CLI, ['check', '--env-file', '/dev/zero'], { cwd: root, env: ENV, encoding: 'utf8', timeout: 10_000 });
    expect(run.signal, 'planes did not end: Node read /dev/zero itself').toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    expectCleanFailure({ status: run.status, stdout: run.stdout, stderr: run.stderr }, /cannot read \S*dev\/zero: it is a character device/);
  });

  it('does not load a NODE_OPTIONS from an --env-file into its own process', () => {
    const canary = `planes-canary-${process.pid}`;
    const root = projectWith({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n',
      'canary.cjs': `require('node:fs').writeFileSync(__dirname + '/ran', '${canary}'); process.stdout.write('${canary}');\n`,
    });
    writeFileSync(join(root, 'evil.env'), `NODE_OPTIONS=--require ${join(root, 'canary.cjs')}\n`);
    const run = planes(['check', '--env-file', 'evil.env'], root);
    expect(run.stdout + run.stderr).not.toContain(canary);
    expect(spawnSync('test', ['-e', join(root, 'ran')]).status, 'the canary script ran').not.toBe(0);
    expect(run.status).toBe(0);
  });
});
