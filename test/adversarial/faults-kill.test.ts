/**
 * SIGKILL at every write step of generate, setup and migrate: strace delivers the signal as
 * planes enters its n-th write, rename, link, unlink, mkdir, rmdir or fchmod, for every n
 * until planes runs to its end. After each kill, the next planes command recovers, and then
 * the project's files are entirely the old set or entirely the new one; no temporary file is
 * left; `git status` never offers a file holding a secret; nothing prints a stack trace.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultsCanRun, filesOf, planesKilledAt, run, runPlanes as planes, snapshot, STACK_TRACE, type Run } from '../support/faults.js';
import { generatedProject } from '../support/stacks.js';

/** Every system call by which planes changes the file system. */
const STEPS = ['write', 'rename', 'link', 'unlink', 'mkdir', 'rmdir', 'fchmod'] as const;

/** Two runs of planes per step: slow machines need minutes for the writes of one command. */
const TIMEOUT = 300_000;

const CANARY = 'canary-Kill-5d1c0e77-must-appear-nowhere';

/** Small, so that a kill at every step stays quick: each file more is one step more of each kind. */
const MANIFEST = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: info
  DEBUG: { dev: "true", prod: "false" }
secrets:
  db_password: { generate: { length: 32 } }
  redis_password: { generate: { length: 32 } }
  api_key: { example: sk-example-here, dev: example }
services:
  api:
    image: shop/api:1
    config: [LOG_LEVEL, DEBUG]
    secrets: [db_password, redis_password, api_key]
`;

/** The manifest changed so that generate replaces files (both compose files, two env files) and adds some (an environment in a new directory). */
const CHANGED = MANIFEST.replace('image: shop/api:1', 'image: shop/api:2')
  .replace('LOG_LEVEL: info', 'LOG_LEVEL: warning')
  .replace('DEBUG: { dev: "true", prod: "false" }', 'DEBUG: { dev: "true", prod: "true", staging: "false" }')
  .replace('  prod: { target: swarm, file: docker-compose.prod.yml }\n', '  prod: { target: swarm, file: docker-compose.prod.yml }\n  staging: { target: swarm, file: deploy/docker-compose.staging.yml }\n');

function git(args: string[], cwd: string): Run {
  return run('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'init.defaultBranch=main', ...args], cwd);
}

/** A git repository of `root` as it is: what the user has committed before running planes. */
function committed(root: string): string {
  git(['init', '-q'], root);
  git(['add', '-A'], root);
  git(['commit', '-q', '-m', 'before planes'], root);
  return root;
}

interface Scenario {
  /** A new copy of the project before the command, and the directory to run it in. */
  fresh: () => { root: string; cwd: string };
  command: string[];
  /** The command after the kill: it must recover (and print no trace). */
  next: string[];
  /** The files as the scenario compares them (secret values made at random are compared by shape). */
  files: (root: string) => Record<string, string>;
  /** What `git status` may never offer: a file whose content is secret. */
  secretContent: (content: string) => boolean;
}

/**
 * Runs the scenario's command killed at the n-th `step` for n = 1, 2, … until it runs to its
 * end, checking each time that the next command leaves the old or the new set of files.
 * Returns how many kills left each.
 */
function killAtEveryStep(scenario: Scenario, step: string): { old: number; new: number } {
  const template = scenario.fresh();
  const old = scenario.files(template.root);
  const cleanRun = planes(scenario.command, template.cwd);
  expect(cleanRun.status, cleanRun.stderr).toBeLessThan(2);
  const complete = scenario.files(template.root);
  expect(complete).not.toEqual(old);

  const seen = { old: 0, new: 0 };
  for (let nth = 1; nth < 500; nth++) {
    const { root, cwd } = scenario.fresh();
    const killed = planesKilledAt(step, nth, scenario.command, cwd);
    if (killed.signal !== 'SIGKILL') {
      expect(killed.status, `not killed at ${step} #${nth}: ${killed.stderr}`).toBeLessThan(2);
      expect(scenario.files(root)).toEqual(complete);
      return seen;
    }
    const offered = git(['status', '--porcelain', '--untracked-files=all'], root).stdout.split('\n').filter(Boolean).map((line) => line.slice(3));
    for (const path of offered) {
      expect(scenario.secretContent(readFileSync(join(root, path), 'utf8')), `git status offers ${path}, which holds a secret, after a kill at ${step} #${nth}`).toBe(false);
    }

    const next = planes(scenario.next, cwd);
    expect(next.stderr, `after a kill at ${step} #${nth}`).not.toMatch(STACK_TRACE);
    expect(next.status, `after a kill at ${step} #${nth}: ${next.stderr}`).toBeLessThan(2);
    const after = scenario.files(root);
    expect(Object.keys(snapshot(root)).filter((path) => path.includes('.planes-staging') || path.endsWith('.tmp')), `left behind after a kill at ${step} #${nth}`).toEqual([]);
    const whole = JSON.stringify(after) === JSON.stringify(old) ? 'old' : JSON.stringify(after) === JSON.stringify(complete) ? 'new' : undefined;
    if (whole === undefined) expect(after, `a mix of old and new files after a kill at ${step} #${nth}`).toEqual(complete);
    else seen[whole]++;
  }
  throw new Error(`planes was still killed at ${step} #500`);
}

const canRun = faultsCanRun('SIGKILL at every write step', { tools: ['strace', 'git'] }) && straceWorks();

function straceWorks(): boolean {
  const probe = run('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=none', 'true'], tmpdir());
  if (probe.status === 0) return true;
  const line = `SIGKILL at every write step: SKIPPED — strace cannot trace here (${probe.stderr.trim()})`;
  if (process.env.CI === 'true') throw new Error(line);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

/** A new directory named `project` (migrate names the stack after it). */
function projectDirectory(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'planes-kill-')), 'project');
  mkdirSync(root);
  return root;
}

/** A fresh copy of `template` (a git repository), for one run. */
function copyOf(template: string): string {
  const root = projectDirectory();
  cpSync(template, root, { recursive: true });
  return root;
}

describe.runIf(canRun)('SIGKILL during planes generate', () => {
  const template = committed(generatedProject(MANIFEST));
  writeFileSync(join(template, 'compose', 'stack.yaml'), CHANGED);
  const scenario: Scenario = {
    fresh: () => {
      const root = copyOf(template);
      return { root, cwd: root };
    },
    command: ['generate'],
    next: ['generate', '--check'],
    files: (root) => filesOf(snapshot(root)),
    secretContent: () => false,
  };

  it.each(STEPS)('at every %s: the old files or the new ones, never a mix', (step) => {
    const seen = killAtEveryStep(scenario, step);
    // Killed while staging: the old files. The first rename puts the journal in place; killed
    // at any later one, between two files, the next command finishes the commit: the new files.
    if (step === 'write') expect(seen.old).toBeGreaterThan(5);
    if (step === 'rename') expect(seen.old).toBeGreaterThan(0);
    if (step === 'rename') expect(seen.new).toBeGreaterThan(5);
  }, TIMEOUT);
});

describe.runIf(canRun)('SIGKILL during planes setup', () => {
  const KEPT = 'kept-value-of-redis-0123456789ab';
  const template = committed(generatedProject(MANIFEST));
  writeFileSync(join(template, 'secrets', 'redis_password.txt'), KEPT, { mode: 0o600 });

  /** Secret files by mode and length (their values are random), the one kept by its value. */
  const files = (root: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries(filesOf(snapshot(root))).map(([path, entry]) => {
        if (!/^secrets\/[^/]+\.txt$/.test(path) || path === 'secrets/redis_password.txt') return [path, entry];
        const [mode, value] = [entry.slice(0, entry.indexOf(' ')), entry.slice(entry.indexOf(' ') + 1)];
        return [path, `${mode} ${value.length} characters`];
      }),
    );

  it.each(STEPS)('at every %s: all the missing secrets or none, the existing one untouched', (step) => {
    const scenario: Scenario = {
      fresh: () => {
        const root = copyOf(template);
        return { root, cwd: root };
      },
      command: ['setup'],
      next: ['generate', '--check'],
      files: (root) => {
        expect(readFileSync(join(root, 'secrets', 'redis_password.txt'), 'utf8')).toBe(KEPT);
        return files(root);
      },
      // A value setup makes (32 random characters, the example) or the one it keeps.
      secretContent: (content) => /^[A-Za-z0-9]{32}$/.test(content) || content.includes('sk-example-here') || content.includes(KEPT),
    };
    const seen = killAtEveryStep(scenario, step);
    // Linked into place one by one after the journal: a kill between the two is finished.
    if (step === 'link') expect(seen.new).toBe(2);
  }, TIMEOUT);
});

describe.runIf(canRun)('SIGKILL during planes migrate', () => {
  const template = projectDirectory();
  writeFileSync(
    join(template, 'compose.yaml'),
    `services:\n  db:\n    image: postgres:16\n    environment: { POSTGRES_PASSWORD: ${CANARY}, POSTGRES_DB: shop }\n  web:\n    image: nginx:1.27\n    environment: [LOG_LEVEL=info]\n`,
  );
  committed(template);
  const scenario: Scenario = {
    fresh: () => {
      const root = copyOf(template);
      return { root, cwd: root };
    },
    command: ['migrate', '--out', 'out'],
    // A dry run of the same migration: it finishes (or undoes) the interrupted one first.
    next: ['migrate', '--out', 'out', '--dry-run', '--force'],
    files: (root) => filesOf(snapshot(root)),
    secretContent: (content) => content.includes(CANARY),
  };

  it.each(STEPS)('at every %s: the whole project or no file of it', (step) => {
    killAtEveryStep(scenario, step);
  }, TIMEOUT);
});
