import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { occurrences, position, redacted, redactedExcerpt } from './canary.js';
import { FakeEngine, type EngineRequest, type World } from './fake-engine.js';
import { changes, sameContent, snapshot, type Tree, type TreeEntry } from './tree.js';

/**
 * One run of the matrix: a fresh directory holding the project, the --out directory, a HOME, a
 * TMPDIR and an `outside` directory (what a symbolic link or an absolute path of the input may
 * point at, instead of /etc); the command spawned there with an environment of its own and a
 * timeout; then every rule of the canary checked on what it printed and on every file it left.
 */

export interface Paths {
  /** The run's directory; nothing may change in it outside project, out, home and tmp. */
  run: string;
  /** The working directory of the command. */
  project: string;
  /** What `migrate --out` names; absent until a run creates it. */
  out: string;
  home: string;
  tmp: string;
  /** Where the input's links and absolute paths point: a run must never write there. */
  outside: string;
}

/** What an input builder gets to lay out the project. */
export interface Builder {
  readonly canary: string;
  readonly paths: Paths;
  /** A file relative to the project (or absolute), with its directories. */
  file(path: string, content: string | Buffer, mode?: number): void;
  /** secrets/<name>.txt holding `value` (the canary by default), 0600 in a 0700 directory: what `planes setup` would leave. */
  secret(name: string, value?: string): void;
  /** A file of the project as the builder has left it so far. */
  fileText(path: string): string;
  directory(path: string): void;
  fifo(path: string): void;
  /** Makes `path` a symbolic link to `target`, in place of whatever was there. */
  symlink(path: string, target: string): void;
  /** The files `planes generate` wrote for the base manifest, recorded once by the matrix. */
  generated(): void;
  /** Make the project read-only; the command runs as an unprivileged user when the tests run as root. */
  readOnly(): void;
}

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** A file of the project (or an absolute path under the run) after the run, as text. */
  fileAfter(path: string): string | undefined;
}

export interface Expectation {
  /** The exit code the run must end with (exit 2: refused as bad input). */
  exitCode?: number;
  /** Further rules; each message returned is a violation (the canary is redacted from it). */
  check?: (result: RunResult, commandId: string) => string[];
  /**
   * Secret files (relative to the project) the command renders anew from a template whose inputs
   * changed: these alone may be replaced — never deleted, and still readable by their owner only.
   */
  rendered?: string[];
}

export type ViolationKind =
  | 'leak'
  | 'stack-trace'
  | 'exit-code'
  | 'timeout'
  | 'secret-file-changed'
  | 'secret-file-mode'
  | 'wrote-outside'
  | 'engine-request'
  | 'expectation'
  | 'harness';

export interface Violation {
  kind: ViolationKind;
  /** Says where and what, with the canary redacted: safe to print. */
  detail: string;
}

export interface RunSpec {
  /** Lays out the project in a fresh run directory. */
  build: (builder: Builder) => void;
  /** The arguments, given the run's paths. */
  args: (paths: Paths) => string[];
  env?: Record<string, string>;
  /** Serve this world on a fake engine; without one, DOCKER_HOST names a socket that does not exist. */
  world?: World;
  expect?: Expectation;
  /** A label for this run in the engine's error messages. */
  commandId: string;
}

export interface RunOptions {
  canary: string;
  /** The program and its first arguments: [node, dist/planes.cjs], or a fake command for the harness's own test. */
  executable: string[];
  timeoutMs: number;
  /** Parent of the run directories. */
  baseDir: string;
  /** The files `planes generate` writes for the base manifest (relative path → content). */
  generatedFiles?: ReadonlyMap<string, Buffer>;
  /** Keep the run directory (to look at a failure). */
  keep?: boolean;
}

export interface RunOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  violations: Violation[];
  /** The end of what the run printed on stderr, redacted: what it said when it failed. */
  stderrTail: string;
  /** The run directory, when kept. */
  directory?: string;
}

/** The exit codes of planes: 0 done, 1 findings or a failed check, 2 bad input. */
const EXIT_CODES = new Set([0, 1, 2]);

/** Output beyond this is not kept (a run that prints without end is caught by its timeout). */
const MAX_STREAM_BYTES = 16 * 1024 * 1024;

/**
 * The data segment a run may use, ten times what planes needs for these inputs: a run that reads
 * /dev/zero dies at it instead of taking the machine's memory, and several such runs at a time
 * stay within a CI runner's.
 */
const DATA_LIMIT_KIB = 256 * 1024;

/** An unprivileged user for a read-only project: root writes through any mode. */
const NOBODY = 65534;

export async function runInSandbox(spec: RunSpec, options: RunOptions): Promise<RunOutcome> {
  const paths = newPaths(options.baseDir);
  let readOnly = false;
  const builder = makeBuilder(paths, options, () => {
    readOnly = true;
  });
  let engine: FakeEngine | undefined;
  try {
    spec.build(builder);
  } catch (error) {
    cleanUp(paths.run, options.keep);
    return harnessFailure(`building the input failed: ${redacted(String(error), options.canary)}`);
  }
  if (readOnly) makeReadOnly(paths);
  const socket = join(paths.run, spec.world ? 'engine.sock' : 'no-engine/docker.sock');
  if (spec.world) {
    engine = new FakeEngine(spec.world);
    await engine.listen(socket);
    chmodSync(socket, 0o777);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: paths.home,
    TMPDIR: paths.tmp,
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    DOCKER_HOST: `unix://${socket}`,
    ...spec.env,
  };
  const before = snapshot(paths.run);
  const started = Date.now();
  const spawned = await spawnWithTimeout(options.executable, spec.args(paths), { cwd: paths.project, env, timeoutMs: options.timeoutMs, unprivileged: readOnly });
  const durationMs = Date.now() - started;
  // Before the engine closes: closing removes its socket, which is no change a run made.
  const after = snapshot(paths.run);
  await engine?.close();

  const found = [
    ...endViolations(spawned, options.timeoutMs),
    ...streamViolations(spawned.stdout, spawned.stderr, options.canary),
    ...treeViolations(before, after, options.canary, new Set((spec.expect?.rendered ?? []).map((path) => `project/${path}`))),
    ...(engine ? engineViolations(engine.requests, options.canary) : []),
    ...expectationViolations(spec, spawned, after, paths, options.canary),
  ];
  // Each detail is built redacted; this is the net under them, since a report is printed.
  const violations = found.map((v) => ({ ...v, detail: redacted(v.detail, options.canary) }));
  const kept = options.keep || process.env.CANARY_KEEP === '1';
  cleanUp(paths.run, kept, readOnly);
  return {
    exitCode: spawned.exitCode,
    signal: spawned.signal,
    timedOut: spawned.timedOut,
    durationMs,
    violations,
    stderrTail: tail(redacted(spawned.stderr, options.canary)),
    ...(kept ? { directory: paths.run } : {}),
  };
}

function newPaths(baseDir: string): Paths {
  const run = mkdtempSync(join(baseDir, 'r'));
  const paths = { run, project: join(run, 'project'), out: join(run, 'out'), home: join(run, 'home'), tmp: join(run, 'tmp'), outside: join(run, 'outside') };
  for (const directory of [paths.project, paths.home, paths.tmp, paths.outside]) mkdirSync(directory);
  return paths;
}

function makeBuilder(paths: Paths, options: RunOptions, readOnly: () => void): Builder {
  const at = (path: string) => (isAbsolute(path) ? path : join(paths.project, path));
  const parent = (path: string) => mkdirSync(dirname(at(path)), { recursive: true });
  return {
    canary: options.canary,
    paths,
    file(path, content, mode) {
      parent(path);
      writeFileSync(at(path), content);
      if (mode !== undefined) chmodSync(at(path), mode);
    },
    secret(name, value = options.canary) {
      mkdirSync(join(paths.project, 'secrets'), { recursive: true, mode: 0o700 });
      chmodSync(join(paths.project, 'secrets'), 0o700);
      writeFileSync(join(paths.project, 'secrets', `${name}.txt`), value, { mode: 0o600 });
    },
    fileText(path) {
      return readFileSync(at(path), 'utf8');
    },
    directory(path) {
      mkdirSync(at(path), { recursive: true });
    },
    fifo(path) {
      parent(path);
      const made = spawnSync('mkfifo', [at(path)]);
      if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr}`);
    },
    symlink(path, target) {
      parent(path);
      rmSync(at(path), { recursive: true, force: true });
      symlinkSync(target, at(path));
    },
    generated() {
      if (!options.generatedFiles) throw new Error('the generated files of the base manifest were not recorded');
      for (const [path, content] of options.generatedFiles) {
        parent(path);
        writeFileSync(at(path), content);
      }
    },
    readOnly,
  };
}

/** Every directory of the project 0555 and every file 0444; as root, the run's tree is handed to an unprivileged user. */
function makeReadOnly(paths: Paths): void {
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    chmodSync(path, stat.isDirectory() ? 0o555 : 0o444);
  };
  if (process.getuid?.() === 0) chownTree(paths.run);
  visit(paths.project);
}

function chownTree(path: string): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name));
  if (!stat.isSymbolicLink()) chownSync(path, NOBODY, NOBODY);
}

function cleanUp(run: string, keep: boolean | undefined, readOnly = false): void {
  if (keep) return;
  // A read-only project must be writable again to be removed by a user who is not root.
  if (readOnly) spawnSync('chmod', ['-R', 'u+w', run]);
  rmSync(run, { recursive: true, force: true });
}

function harnessFailure(detail: string): RunOutcome {
  return { exitCode: null, signal: null, timedOut: false, durationMs: 0, violations: [{ kind: 'harness', detail }], stderrTail: '' };
}

function tail(text: string, length = 300): string {
  return text.length > length ? `…${text.slice(-length)}` : text;
}

interface Spawned {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  spawnError?: string;
}

/**
 * Runs the command in a process group of its own, under a data-size limit; past the timeout the
 * whole group is killed (a run blocked on a FIFO ignores everything but SIGKILL).
 */
function spawnWithTimeout(executable: string[], args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number; unprivileged: boolean }): Promise<Spawned> {
  return new Promise((resolve) => {
    const ids = options.unprivileged && process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    const child = spawn('sh', ['-c', `ulimit -d ${DATA_LIMIT_KIB} && exec "$@"`, 'sh', ...executable, ...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...ids,
    });
    const streams = { stdout: collector(), stderr: collector() };
    child.stdout.on('data', streams.stdout.add);
    child.stderr.on('data', streams.stderr.add);
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group has already ended
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    let spawnError: string | undefined;
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      // A source command or docker left running in the background goes with the run.
      killGroup();
      resolve({ exitCode, signal, timedOut, stdout: streams.stdout.text(), stderr: streams.stderr.text(), ...(spawnError ? { spawnError } : {}) });
    });
  });
}

function collector(): { add: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add: (chunk) => {
      if (size >= MAX_STREAM_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function endViolations(spawned: Spawned, timeoutMs: number): Violation[] {
  if (spawned.spawnError) return [{ kind: 'harness', detail: `could not spawn the command: ${spawned.spawnError}` }];
  if (spawned.timedOut) return [{ kind: 'timeout', detail: `did not end within ${timeoutMs / 1000} s; killed` }];
  if (spawned.signal) return [{ kind: 'exit-code', detail: `ended by signal ${spawned.signal}` }];
  if (spawned.exitCode !== null && !EXIT_CODES.has(spawned.exitCode)) {
    const crash = spawned.exitCode >= 128 ? ` (signal ${spawned.exitCode - 128}: a crash; an out-of-memory death under the ${DATA_LIMIT_KIB / 1024} MiB data limit shows as 133 or 139)` : '';
    return [{ kind: 'exit-code', detail: `exit code ${spawned.exitCode}, not 0, 1 or 2${crash}` }];
  }
  return [];
}

/** A JavaScript stack frame: `\n    at f (file:1:2)`. */
const STACK_FRAME = /\n\s+at /;

function streamViolations(stdout: string, stderr: string, canary: string): Violation[] {
  const violations: Violation[] = [];
  for (const [name, text] of [
    ['stdout', stdout],
    ['stderr', stderr],
  ] as const) {
    violations.push(...leaksIn(name, text, canary));
    const frame = STACK_FRAME.exec(text);
    if (frame) {
      const lines = text.slice(0, frame.index + 200).split('\n').slice(-6).join('\n');
      violations.push({ kind: 'stack-trace', detail: `${name} holds a stack trace: ${JSON.stringify(redacted(lines, canary))}` });
    }
  }
  return violations;
}

function leaksIn(where: string, text: string, canary: string): Violation[] {
  return occurrences(text, canary).map((o) => ({
    kind: 'leak' as const,
    detail: `${where} holds ${o.form} at ${position(text, o.offset)}, ${o.length} chars: ${redactedExcerpt(text, o, canary)}`,
  }));
}

/** Where a run may write: the project, --out, HOME and TMPDIR. */
const WRITABLE_AREAS = new Set(['project', 'out', 'home', 'tmp']);

/** A secret file: secrets/<name>.txt of the project or of --out, a regular file in a real directory. */
const SECRET_FILE = /^(project|out)\/secrets\/[^/]+\.txt$/;

function isSecretFile(path: string, tree: Tree): boolean {
  return SECRET_FILE.test(path) && tree.get(path)?.type === 'file' && tree.get(dirname(path))?.type === 'directory' && tree.get(path.split('/')[0]!)?.type === 'directory';
}

function treeViolations(before: Tree, after: Tree, canary: string, rendered: ReadonlySet<string>): Violation[] {
  const violations: Violation[] = [];
  for (const change of changes(before, after)) {
    const area = change.path.split('/')[0]!;
    const shown = redacted(relativeToRun(change.path), canary);
    if (!WRITABLE_AREAS.has(area)) {
      violations.push({ kind: 'wrote-outside', detail: `${change.kind} ${shown}, outside the project, --out, HOME and TMPDIR${describeEntry(change.entry, canary)}` });
    }
    const renderedAnew = rendered.has(change.path) && change.kind !== 'deleted';
    if (isSecretFile(change.path, before) && !renderedAnew && !sameContent(before.get(change.path), change.entry)) {
      violations.push({ kind: 'secret-file-changed', detail: `the existing secret file ${shown} was ${change.kind === 'deleted' ? 'deleted' : `overwritten${describeEntry(change.entry, canary)}`}` });
    }
    if (change.kind === 'deleted' || !change.entry) continue;
    violations.push(...leaksIn(`the path ${shown}`, change.path, canary));
    if (change.entry.target !== undefined) violations.push(...leaksIn(`the target of the link ${shown}`, change.entry.target, canary));
    if (change.entry.content === undefined) continue;
    if (isSecretFile(change.path, after)) {
      if ((change.entry.mode & 0o077) !== 0) violations.push({ kind: 'secret-file-mode', detail: `the secret file ${shown} is ${modeText(change.entry.mode)}; it must be readable by its owner only (0600 or 0400)` });
      continue;
    }
    violations.push(...leaksIn(`the file ${shown} (${change.kind})`, change.entry.content.toString('latin1'), canary));
  }
  return violations;
}

function relativeToRun(path: string): string {
  const [area, ...rest] = path.split('/');
  const names: Record<string, string> = { project: '', out: '$OUT/', home: '$HOME/', tmp: '$TMPDIR/', outside: '$OUTSIDE/' };
  return area! in names ? `${names[area!]}${rest.join('/')}` || `${area}/` : `$RUN/${path}`;
}

function describeEntry(entry: TreeEntry | undefined, canary: string): string {
  if (!entry) return '';
  if (entry.type === 'symlink') return ` (a link to ${redacted(entry.target ?? '', canary)})`;
  if (entry.type !== 'file') return ` (a ${entry.type})`;
  return ` (${entry.content?.length ?? 0} bytes${entry.content && occurrences(entry.content.toString('latin1'), canary).length > 0 ? ', holding the canary' : ''})`;
}

function modeText(mode: number): string {
  return `0${mode.toString(8)}`;
}

/**
 * A secret value travels to the engine only as the Data of a secret being created (and inside a
 * service spec the engine itself returned): never in a URL, a name, a label or another body.
 */
function engineViolations(requests: EngineRequest[], canary: string): Violation[] {
  const violations: Violation[] = [];
  for (const request of requests) {
    const what = `the engine request ${request.method} ${redacted(request.url.split('?')[0]!, canary)}`;
    violations.push(...leaksIn(`the URL of ${what}`, decodeURIComponentSafe(request.url), canary).map(asEngine));
    if (/\/services\/[^/]+\/update$/.test(request.url.split('?')[0]!)) continue;
    let body = request.body;
    if (/\/secrets\/create$/.test(request.url.split('?')[0]!)) {
      try {
        const { Data: _data, ...rest } = JSON.parse(body) as Record<string, unknown>;
        body = JSON.stringify(rest);
      } catch {
        // not JSON: scanned whole
      }
    }
    violations.push(...leaksIn(`the body of ${what}`, body, canary).map(asEngine));
  }
  return violations;
}

function asEngine(violation: Violation): Violation {
  return { ...violation, kind: 'engine-request' };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function expectationViolations(spec: RunSpec, spawned: Spawned, after: Tree, paths: Paths, canary: string): Violation[] {
  const expectation = spec.expect;
  if (!expectation || spawned.timedOut) return [];
  const violations: Violation[] = [];
  if (expectation.exitCode !== undefined && spawned.exitCode !== expectation.exitCode) {
    violations.push({ kind: 'expectation', detail: `exit code ${spawned.exitCode ?? spawned.signal}, expected ${expectation.exitCode}` });
  }
  if (expectation.check) {
    const result: RunResult = {
      exitCode: spawned.exitCode,
      stdout: spawned.stdout,
      stderr: spawned.stderr,
      fileAfter: (path) => {
        const absolute = isAbsolute(path) ? path : join(paths.project, path);
        return after.get(absolute.slice(paths.run.length + 1))?.content?.toString('utf8');
      },
    };
    for (const message of expectation.check(result, spec.commandId)) violations.push({ kind: 'expectation', detail: redacted(message, canary) });
  }
  return violations;
}
