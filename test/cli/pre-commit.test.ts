import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The hook of .pre-commit-hooks.yaml, run by the real pre-commit (Debian's package; .ci/run
 * installs it) as a user wires it: `pre-commit try-repo` builds the same configuration a
 * `repos:` entry with this repository and its revision gives, on a throw-away git repository.
 * The hook is a script that installs nothing: no run reaches the network.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PLANES = join(REPO, 'dist', 'planes.cjs');
const CANARY = 'Qz8preCommitCanary';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
}

const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

function preCommitAnswers(): boolean {
  if (spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status === 0) return true;
  const line = 'pre-commit hook tests: SKIPPED — pre-commit is not installed (apt-get install pre-commit)';
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run these tests`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

const LEAKY = 'services:\n  api:\n    image: shop/api:1\n    environment:\n      DB_PASSWORD: ' + CANARY + '\n';
const CLEAN = [
  'services:',
  '  api:',
  '    image: shop/api:1',
  '    environment:',
  '      DB_PASSWORD_FILE: /run/secrets/db_password',
  '    secrets: [db_password]',
  'secrets:',
  '  db_password:',
  '    environment: DB_PASSWORD',
  '',
].join('\n');

type Planes = 'node_modules' | 'PATH' | 'nowhere';

/** A git repository holding `files` (all committed), with planes where a user would have it. */
function repository(files: Record<string, string>, planes: Planes): { cwd: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'planes-pre-commit-'));
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), text);
  }
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=planes test', '-c', 'user.email=planes@example.test', ...args], { cwd, stdio: 'ignore' });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'fixture');
  // After the commit: an installed package is not part of the repository.
  if (planes === 'node_modules') {
    mkdirSync(join(cwd, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(PLANES, join(cwd, 'node_modules', '.bin', 'planes'));
  }
  const bin = join(root, 'bin');
  mkdirSync(bin);
  if (planes === 'PATH') symlinkSync(PLANES, join(bin, 'planes'));
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, PRE_COMMIT_HOME: join(root, 'pre-commit-home'), NO_COLOR: '1' };
  return { cwd, env };
}

function tryRepo(files: Record<string, string>, planes: Planes): { status: number | null; output: string } {
  const { cwd, env } = repository(files, planes);
  const result = spawnSync('pre-commit', ['try-repo', REPO, 'planes-check', '--all-files', '--color', 'never'], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('.pre-commit-hooks.yaml', () => {
  const [hook] = hooks;

  it('declares one hook that reads the project, not the changed files', () => {
    expect(hooks.map(({ id }) => id)).toEqual(['planes-check']);
    expect(hook).toMatchObject({ language: 'script', pass_filenames: false, entry: 'scripts/pre-commit-hook.sh' });
  });

  // The pattern uses only what Python's re and JavaScript's RegExp read alike.
  it.each([
    ['compose.yaml', true],
    ['docker-compose.yml', true],
    ['docker-compose.prod.yml', true],
    ['deploy/compose.override.yaml', true],
    ['.env', true],
    ['.env.local', true],
    ['config/dev.env', true],
    ['compose/api/Dockerfile', true],
    ['compose/stack.yaml', true],
    ['README.md', false],
    ['src/compose.ts', false],
    ['composer.json', false],
    ['environment.txt', false],
  ])('runs on a change to %s: %s', (path, runs) => {
    expect(new RegExp(hook?.files ?? '(?!)').test(path)).toBe(runs);
  });
});

describe.runIf(preCommitAnswers())('the planes-check hook under pre-commit', () => {
  it.each<{ name: string; files: Record<string, string>; planes: Planes; status: number; shows: string[] }>([
    { name: 'a secret in a compose file, planes in node_modules', files: { 'compose.yaml': LEAKY }, planes: 'node_modules', status: 1, shows: ['compose.yaml', '5:7', 'secret-in-environment', 'Failed'] },
    { name: 'a secret in a compose file, planes on PATH', files: { 'compose.yaml': LEAKY }, planes: 'PATH', status: 1, shows: ['compose.yaml', '5:7', 'secret-in-environment'] },
    {
      name: 'a secret in an env file the compose file names',
      files: { 'compose.yaml': 'services:\n  api:\n    image: shop/api:1\n    env_file: [config/app.env]\n', 'config/app.env': `LOG_LEVEL=info\nAPI_TOKEN=${CANARY}\n` },
      planes: 'node_modules',
      status: 1,
      shows: ['config/app.env', '2:1', 'secret-in-env-file'],
    },
    { name: 'a clean project', files: { 'compose.yaml': CLEAN }, planes: 'node_modules', status: 0, shows: ['Passed'] },
    { name: 'nothing the hook reads', files: { 'notes.txt': CANARY }, planes: 'node_modules', status: 0, shows: ['(no files to check)Skipped'] },
    { name: 'planes not installed', files: { 'compose.yaml': LEAKY }, planes: 'nowhere', status: 1, shows: ['planes is not installed', 'exit code: 2'] },
  ])('$name', ({ files, planes, status, shows }) => {
    const { status: exit, output } = tryRepo(files, planes);
    for (const text of shows) expect(output).toContain(text);
    expect(exit).toBe(status);
    expect(output).not.toContain(CANARY);
    expect(output).not.toContain(CANARY.slice(3, 12));
  });

  it('runs from a .pre-commit-config.yaml entry at this revision, with its args', () => {
    const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
    const config = ['repos:', `  - repo: ${JSON.stringify(REPO)}`, `    rev: ${rev}`, '    hooks:', '      - id: planes-check', '        args: [--format, github]', ''].join('\n');
    const { cwd, env } = repository({ 'compose.yaml': LEAKY, '.pre-commit-config.yaml': config }, 'node_modules');
    const result = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd, env, encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('::error file=compose.yaml,line=5,col=7,title=secret-in-environment (api)::');
    expect(result.status).toBe(1);
    expect(output).not.toContain(CANARY);
  });
});
