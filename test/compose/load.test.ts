import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadComposeProject, originOf, type ComposeProject, type LoadOptions } from '../../src/compose/index.js';
import { InputError, UsageError } from '../../src/errors.js';
import { projectWith } from '../support/project.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function load(fixture: string, options: Partial<LoadOptions> = {}): ComposeProject {
  return loadComposeProject({ cwd: join(FIXTURES, fixture), environment: {}, ...options });
}

/** `file:line:column` of the key (or, for a list entry, the item) and of the value. */
function where(container: unknown, key: string | number): string {
  const origin = originOf(container as object, key);
  if (origin === undefined) return 'nowhere';
  const show = (at: { file: string; line: number; column: number }) => `${at.file}:${at.line}:${at.column}`;
  return origin.key === undefined ? show(origin.value) : `${show(origin.key)} → ${show(origin.value)}`;
}

function failure(options: LoadOptions): UsageError {
  try {
    loadComposeProject(options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected the load to fail');
}

describe('loadComposeProject: anchors (leak case 19)', () => {
  const project = load('anchors');
  const { api, worker, cron } = project.model.services;

  it('shares one environment between the services that alias it, located at the anchor', () => {
    expect(api?.environment).toBe(worker?.environment);
    expect(api?.environment).toEqual({ API_TOKEN: '9f8e7d6c5b4a39281706f5e4d3c2b1a0', LOG_LEVEL: 'info' });
    expect(where(api?.environment, 'API_TOKEN')).toBe('compose.yaml:2:3 → compose.yaml:2:14');
    expect(where(worker?.environment, 'API_TOKEN')).toBe('compose.yaml:2:3 → compose.yaml:2:14');
  });

  it('applies merge keys, !override and !reset within one file', () => {
    expect(api?.labels).toEqual({ 'com.example.team': 'core' });
    expect(where(api?.labels, 'com.example.team')).toBe('compose.yaml:8:5 → compose.yaml:8:23');
    expect(worker?.labels).toEqual({ 'com.example.role': 'worker' });
    expect(cron?.['image']).toBe('busybox');
    expect(cron?.['init']).toBe(true);
    expect(cron?.environment).toEqual({ API_TOKEN: '9f8e7d6c5b4a39281706f5e4d3c2b1a0', LOG_LEVEL: 'debug' });
    expect(where(cron?.environment, 'LOG_LEVEL')).toBe('compose.yaml:26:7 → compose.yaml:26:18');
    expect(cron?.command).toBeUndefined();
  });
});

describe('loadComposeProject: files merged (compose.yaml + compose.override.yaml)', () => {
  const project = load('multi-file');
  const { api, db } = project.model.services;

  it('finds the override file beside the main file', () => {
    expect(project.files.slice(0, 2)).toEqual(['compose.yaml', 'compose.override.yaml']);
  });

  it('merges environment entry by entry, each entry located where it was last written', () => {
    expect(api?.environment).toEqual({ DB_HOST: 'db', DB_PASSWORD: 'override-secret', KEEP: null, NEW: 'fallback' });
    expect(where(api?.environment, 'DB_HOST')).toBe('compose.yaml:10:9 → compose.yaml:10:9');
    expect(where(api?.environment, 'DB_PASSWORD')).toBe('compose.override.yaml:8:7 → compose.override.yaml:8:20');
    expect(where(api?.environment, 'KEEP')).toBe('compose.override.yaml:10:7 → compose.override.yaml:10:7');
  });

  it('merges labels and build args by key, replaces command and healthcheck.test', () => {
    expect(api?.labels).toEqual({ 'com.example.a': '1', 'com.example.b': '3' });
    expect(api?.build?.args).toEqual({ NODE_VERSION: '22', GIT_SHA: null, EXTRA: '1' });
    expect(api?.build?.context).toBe(join(FIXTURES, 'multi-file/api'));
    expect(api?.build?.dockerfile).toBe(join(FIXTURES, 'multi-file/api/Dockerfile'));
    expect(api?.command).toBe('serve --debug');
    expect(api?.entrypoint).toBe('/entry.sh');
    expect(api?.healthcheck).toEqual({ test: 'curl -f http://localhost/health', interval: '30s' });
  });

  it('appends env_file entries, resolved, each with the position of its path', () => {
    expect(api?.env_file).toEqual([
      { path: join(FIXTURES, 'multi-file/base.env'), required: true, origin: { file: 'compose.yaml', line: 21, column: 16 } },
      { path: join(FIXTURES, 'multi-file/override.env'), required: false, origin: { file: 'compose.override.yaml', line: 19, column: 15 } },
    ]);
  });

  it('merges lists by key: ports replaced by !override, volumes by target, dns appended', () => {
    expect(api?.['ports']).toEqual(['8080:80']);
    expect(api?.['volumes']).toEqual(['./other:/data', 'logs:/var/log']);
    expect(where(api?.['volumes'], 0)).toBe('compose.override.yaml:17:15');
    expect(api?.['dns']).toEqual(['8.8.8.8', '1.1.1.1']);
    expect(api?.secrets).toEqual([{ source: 'db_password' }]);
  });

  it('removes what !reset names and replaces what !override names', () => {
    expect(db?.['ports']).toBeUndefined();
    expect(db?.environment).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/pg' });
  });

  it('resolves a file secret against the project directory', () => {
    expect(project.model['secrets']).toEqual({ db_password: { file: join(FIXTURES, 'multi-file/secrets/db_password.txt') } });
  });

  it('reads the env files once each, and skips an optional one that is missing', () => {
    expect(project.envFileReads.map((read) => read.path)).toEqual([join(FIXTURES, 'multi-file/base.env'), join(FIXTURES, 'multi-file/override.env')]);
    expect(project.problems).toEqual([]);
  });
});

describe('loadComposeProject: interpolation', () => {
  const project = load('interpolation', { environment: { SHELL_WINS: 'from-shell' } });
  const app = project.model.services['app'];
  const environment = app?.environment ?? {};

  it('fills values from .env and the shell, the shell winning', () => {
    expect(environment['FROM_DOTENV']).toBe('dotenv-value');
    expect(environment['SHELL_WINS']).toBe('from-shell');
    expect(project.projectEnv.lookup('SHELL_WINS')).toBe('from-shell');
    expect(project.projectEnv.sourceOf('SHELL_WINS')).toBeUndefined();
    expect(project.projectEnv.sourceOf('FROM_DOTENV')).toEqual({ file: '.env', line: 2 });
  });

  it('keeps the template, its references and the .env lines they came from', () => {
    const origin = originOf(environment, 'FROM_DOTENV');
    expect(origin?.template).toBe('${FROM_DOTENV}');
    expect(origin?.envSources).toEqual({ FROM_DOTENV: { file: '.env', line: 2 } });
    expect(origin?.key).toEqual({ file: 'compose.yaml', line: 7, column: 7 });
  });

  it('tells a literal default (leak case 4)', () => {
    expect(environment['POSTGRES_PASSWORD']).toBe('devpass123');
    const [reference] = originOf(environment, 'POSTGRES_PASSWORD')?.references ?? [];
    expect(reference).toMatchObject({ name: 'POSTGRES_PASSWORD', operator: ':-', argument: 'devpass123', isSet: false, fromArgument: true });
  });

  it('reads $$ as a literal $ (leak case 10), and nested defaults', () => {
    expect(environment['DOLLARS']).toBe('${NOT_A_VAR}x9');
    expect(originOf(environment, 'DOLLARS')?.references).toEqual([]);
    expect(environment['NESTED']).toBe('dotenv-value');
    expect(environment['ALT']).toBe('alternative');
    expect(environment['URL']).toBe('postgres://app:quoted # not a comment@db/app');
    expect(originOf(environment, 'URL')?.envSources).toEqual({ DB_PASSWORD: { file: '.env', line: 4 } });
  });

  it('keeps a bare variable as null (passed through) and an empty one as empty', () => {
    expect(environment['BARE']).toBeNull();
    expect(environment['EMPTY']).toBe('');
    expect(environment['OCTAL']).toBe('420');
  });

  it('interpolates everywhere but in keys: the project name, commands, x- extensions', () => {
    expect(project.name).toBe('interp-x');
    expect(app?.['image']).toBe('busybox:latest');
    expect(app?.command).toEqual(['sh', '-c', 'echo ${HOME} dotenv-value']);
    expect(app?.healthcheck?.test).toBe('mysqladmin ping -p$MYSQL_ROOT_PASSWORD');
    expect(project.model['x-extension']).toEqual({ value: 'dotenv-value' });
  });

  it('lists the .env among the files read', () => {
    expect(project.files).toEqual(['.env', 'compose.yaml']);
    expect(project.projectEnv.entries.map((entry) => entry.key)).toEqual(['FROM_DOTENV', 'SHELL_WINS', 'DB_PASSWORD', 'BARE']);
  });
});

describe('loadComposeProject: problems the checker reports', () => {
  const root = projectWith({
    'compose.yaml': [
      'services:',
      '  app:',
      '    image: busybox',
      '    environment:',
      '      NEEDED: ${NEEDED:?set NEEDED first}',
      '      BROKEN: ${}',
      '    env_file:',
      '      - missing.env',
      '      - path: optional.env',
      '        required: false',
      '      - bad.env',
    ].join('\n'),
    'bad.env': 'GOOD=1\nNOT VALID\n',
  });
  const project = loadComposeProject({ cwd: root, environment: {} });

  it('reports a missing required variable, an invalid template, a missing env_file and a bad env_file line, in place', () => {
    expect(project.problems).toEqual([
      { file: 'compose.yaml', line: 5, column: 15, message: 'required variable NEEDED is missing a value (the value of NEEDED, at its character 1): set it' },
      { file: 'compose.yaml', line: 6, column: 15, message: expect.stringContaining('invalid interpolation format') },
      { file: 'compose.yaml', line: 8, column: 9, message: 'env file missing.env not found: create it, or mark the entry required: false' },
      { file: 'bad.env', line: 2, column: expect.any(Number), message: expect.stringContaining('space') },
    ]);
  });
});

describe('loadComposeProject: env_file contents', () => {
  const project = load('env-files');

  it('parses each env file with dotenv syntax (leak cases 20 and 21)', () => {
    const one = project.envFileReads.find((read) => read.path === join(FIXTURES, 'env-files/one.env'))?.entries ?? [];
    expect(one.map((entry) => [entry.key, entry.value, entry.line])).toEqual([
      ['SECRET_KEY_BASE', '3f9a1b2c3d4e5f60718293a4b5c6d7e8', 1],
      ['DB_PASSWORD', '', 2],
      ['DB_ENABLED', '1', 3],
      ['OVERRIDDEN', 'by-file', 4],
    ]);
    expect(project.files).toEqual(['compose.yaml', 'one.env', 'two.env']);
  });

  it("reads an env file after the same service's earlier ones, as Compose does (the oracle checks the values)", () => {
    const chained = load('env-file-chain', { environment: { X: 'os' } });
    const values = (service: string): Record<string, string | undefined>[] =>
      (chained.serviceEnvFiles.get(service) ?? []).map((read) => Object.fromEntries(read.entries.map((entry) => [entry.key, entry.value])));
    expect(values('a')).toEqual([{ X: 'one' }, { Y: 'one', Z: 'none', X: 'two', V: 'one' }]);
    expect(values('b')).toEqual([{ Y: 'os', Z: 'none', X: 'two', V: 'os' }]);
    expect(chained.envFileReads.map((read) => [read.path.slice(FIXTURES.length), read.readers, [...read.before.keys()]])).toEqual([
      ['env-file-chain/one.env', ['a'], []],
      ['env-file-chain/two.env', ['a'], ['X']],
      ['env-file-chain/two.env', ['b'], []],
    ]);
    expect(chained.files).toEqual(['compose.yaml', 'one.env', 'two.env']);
  });

  it('reads format: raw as docker run --env-file does, and names an unknown format at its entry', () => {
    const root = projectWith({
      'compose.yaml': 'services:\n  s:\n    image: busybox\n    env_file:\n      - path: raw.env\n        format: raw\n      - path: other.env\n        format: yaml\n',
      'raw.env': 'QUOTED="kept"\nTEMPLATE=${HOME}\n',
      'other.env': 'A=1\n',
    });
    const project = loadComposeProject({ cwd: root, environment: { HOME: '/root' } });
    const [raw] = project.serviceEnvFiles.get('s') ?? [];
    expect(raw?.entries.map((entry) => [entry.key, entry.value])).toEqual([
      ['QUOTED', '"kept"'],
      ['TEMPLATE', '${HOME}'],
    ]);
    expect(project.serviceEnvFiles.get('s')).toHaveLength(1);
    expect(project.problems).toEqual([{ file: 'compose.yaml', line: 7, column: 15, message: expect.stringContaining('env file format "yaml"') }]);
  });
});

describe('loadComposeProject: documents', () => {
  it('keeps every document of the project files as Compose validates it: interpolated, as written, not merged', () => {
    const project = load('multi-file');
    expect(project.documents.map((document) => document.file)).toEqual(['compose.yaml', 'compose.override.yaml']);
    const override = project.documents[1]?.data as { services: { api: { environment: Record<string, unknown> } } };
    expect(override.services.api.environment).toEqual({ DB_PASSWORD: 'override-secret', NEW: 'fallback', KEEP: null });
    expect(originOf(override.services.api.environment, 'NEW')?.template).toBe('${NEW_VALUE:-fallback}');
    const base = project.documents[0]?.data as { services: { api: { environment: unknown } } };
    expect(base.services.api.environment).toEqual(['DB_HOST=db', 'DB_PASSWORD=base-secret', 'KEEP=yes']);
  });

  it('includes the documents of included files, not those of files only extended', () => {
    expect(load('include').documents.map((document) => document.file)).toEqual(['compose.yaml', 'sub/compose.yaml', 'other/compose.yaml']);
    expect(load('extends').documents.map((document) => document.file)).toEqual(['compose.yaml']);
  });
});

describe('loadComposeProject: multi-document files', () => {
  it('merges the documents of one file in order', () => {
    const { a, b } = load('multi-document').model.services;
    expect(a?.environment).toEqual({ A: '1', B: '2' });
    expect(where(a?.environment, 'B')).toBe('compose.yaml:10:7 → compose.yaml:10:10');
    expect(b?.['image']).toBe('busybox');
  });
});

describe('loadComposeProject: include', () => {
  const project = load('include');
  const { main, sub, other } = project.model.services;

  it('imports the services of included projects, located in their files', () => {
    expect(Object.keys(project.model.services).sort()).toEqual(['main', 'other', 'sub']);
    expect(where(sub?.environment, 'SUB_VAR')).toBe('sub/compose.yaml:5:7 → sub/compose.yaml:5:16');
    expect(where(other?.labels, 'from')).toBe('other/compose.yaml:7:9 → other/compose.yaml:7:9');
  });

  it("interpolates an included project with the including environment over the included .env", () => {
    expect(main?.environment).toEqual({ MAIN_VAR: 'from-main-dotenv' });
    expect(sub?.environment).toEqual({ SUB_VAR: 'from-sub-dotenv', SHARED_VAR: 'main' });
    expect(originOf(sub?.environment ?? {}, 'SUB_VAR')?.envSources).toEqual({ SUB_VAR: { file: 'sub/.env', line: 1 } });
    expect(other?.environment).toEqual({ OTHER_VAR: 'from-other-env' });
  });

  it("resolves an included project's paths against its own directory", () => {
    expect(sub?.env_file?.map((reference) => reference.path)).toEqual([join(FIXTURES, 'include/sub/sub.env')]);
    expect(project.envFileReads.map((read) => read.path)).toContain(join(FIXTURES, 'include/sub/sub.env'));
  });

  it('lays the including definition of a resource over the included one, as Compose 5 does (2.26 refused it)', () => {
    const redefined = projectWith({
      'compose.yaml': 'include: [other.yaml]\nservices:\n  a: {image: x}\n',
      'other.yaml': 'services:\n  a: {image: y, user: nobody}\n',
    });
    expect(loadComposeProject({ cwd: redefined, environment: {} }).model.services['a']).toEqual({ image: 'x', user: 'nobody' });
  });

  it('refuses an include cycle', () => {
    const cycle = projectWith({ 'compose.yaml': 'include: [b.yaml]\n', 'b.yaml': 'include: [compose.yaml]\n' });
    expect(failure({ cwd: cycle, environment: {} }).message).toContain('include cycle');
  });

  it('accepts the same resource defined identically on both sides', () => {
    const root = projectWith({
      'compose.yaml': 'include: [other.yaml]\nservices:\n  a: {image: x}\n',
      'other.yaml': 'services:\n  a: {image: x}\n',
    });
    expect(Object.keys(loadComposeProject({ cwd: root, environment: {} }).model.services)).toEqual(['a']);
  });
});

describe('loadComposeProject: extends', () => {
  const project = load('extends');
  const { web, admin, remote } = project.model.services;

  it('lays a service over the one it extends, in the same file and along a chain', () => {
    expect(web?.environment).toEqual({ LEVEL: 'web', COMMON_ONLY: '1' });
    expect(where(web?.environment, 'COMMON_ONLY')).toBe('compose.yaml:6:7 → compose.yaml:6:20');
    expect(admin?.environment).toEqual({ LEVEL: 'web', COMMON_ONLY: '1', ADMIN_TOKEN: 'abc123' });
    expect(admin?.command).toEqual(['httpd', '-f']);
    expect(admin?.extends).toBeUndefined();
  });

  it("extends a service of another file, whose paths are relative to that file", () => {
    expect(remote?.environment).toEqual({ ROOT: '1', WORKER_SECRET: 'from-base', LOCAL: 'yes' });
    expect(where(remote?.environment, 'WORKER_SECRET')).toBe('base/base.yaml:11:7 → base/base.yaml:11:22');
    expect(remote?.build?.context).toBe(join(FIXTURES, 'extends/base/ctx'));
    expect(remote?.env_file?.[0]?.path).toBe(join(FIXTURES, 'extends/base/worker.env'));
    expect(project.files).toContain('base/base.yaml');
  });

  it('refuses a cycle and a missing service, at the extends entry', () => {
    const cycle = projectWith({ 'compose.yaml': 'services:\n  a: {extends: b}\n  b:\n    extends: a\n' });
    expect(failure({ cwd: cycle, environment: {} }).message).toMatch(/^compose.yaml:\d+:\d+: extends goes round in a circle/);
    const missing = projectWith({ 'compose.yaml': 'services:\n  a:\n    extends: nope\n' });
    expect(failure({ cwd: missing, environment: {} }).message).toBe('compose.yaml:3:5: service "a" extends a service "nope" that this file does not define');
  });
});

describe('loadComposeProject: inputs it refuses', () => {
  it('refuses a missing -f file', () => {
    expect(failure({ cwd: FIXTURES, files: ['nope.yml'], environment: {} }).message).toBe('compose file nope.yml not found');
  });

  it('refuses invalid YAML, naming the place', () => {
    const root = projectWith({ 'compose.yaml': 'services:\n  a:\n    image: [x\n' });
    const error = failure({ cwd: root, environment: {} });
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).position.file).toBe('compose.yaml');
  });

  it('refuses a top level that is not a mapping', () => {
    const root = projectWith({ 'compose.yaml': '- a\n- b\n' });
    expect(failure({ cwd: root, environment: {} }).message).toContain('compose.yaml:1:1: a compose file must be a mapping');
  });

  it('refuses an --env-file that does not exist', () => {
    expect(failure({ cwd: join(FIXTURES, 'anchors'), envFiles: ['nope.env'], environment: {} }).message).toBe('env file nope.env not found');
  });
});

describe('loadComposeProject: options', () => {
  it('reads --env-file files instead of .env, later ones winning', () => {
    const root = projectWith({
      'compose.yaml': 'services:\n  a:\n    image: busybox\n    environment: {V: "${V}", W: "${W}"}\n',
      '.env': 'V=dotenv\n',
      'one.env': 'V=one\nW=one\n',
      'two.env': 'W=two\n',
    });
    const project = loadComposeProject({ cwd: root, envFiles: ['one.env', 'two.env'], environment: {} });
    expect(project.model.services['a']?.environment).toEqual({ V: 'one', W: 'two' });
    expect(project.projectEnv.sourceOf('W')).toEqual({ file: 'two.env', line: 1 });
  });

  it('takes the project directory for .env and relative paths, and names files relative to cwd', () => {
    const root = projectWith({
      'proj/compose.yaml': 'services:\n  a:\n    image: busybox\n    env_file: a.env\n    environment: {V: "${V}"}\n',
      'proj/.env': 'V=from-project-dotenv\n',
      'proj/a.env': 'A=1\n',
    });
    const project = loadComposeProject({ cwd: root, projectDirectory: 'proj', environment: {} });
    expect(project.workingDir).toBe(join(root, 'proj'));
    expect(project.name).toBe('proj');
    expect(project.model.services['a']?.environment).toEqual({ V: 'from-project-dotenv' });
    expect(project.files).toEqual(['proj/.env', 'proj/compose.yaml', 'proj/a.env']);
  });

  it('uses COMPOSE_FILE from the environment when no -f is given', () => {
    const root = projectWith({ 'a.yml': 'services:\n  a: {image: x}\n', 'b.yml': 'services:\n  b: {image: y}\n' });
    const project = loadComposeProject({ cwd: root, environment: { COMPOSE_FILE: 'a.yml:b.yml' } });
    expect(Object.keys(project.model.services)).toEqual(['a', 'b']);
  });
});
