/**
 * The effective configuration of `loadComposeProject`, compared with what the real tool
 * computes (`docker compose config --format json`), field by field for the fields the checker
 * reads: environment, labels, build args, context and Dockerfile, command, entrypoint and
 * healthcheck test. Runs on the fixtures beside this file and on every compose file of the
 * shared corpus that Compose accepts.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadComposeProject, type ComposeProject, type ComposeService } from '../../src/compose/index.js';
import { CORPUS, corpusPresent } from '../support/corpus.js';
import { dockerTools } from '../support/engine.js';
import { inPool } from '../support/pool.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const run = promisify(execFile);

const hasCompose = dockerTools('compose loader oracle', ['compose']);
const hasCorpus = corpusPresent('compose loader oracle');

interface Case {
  name: string;
  cwd: string;
  /** `-f` files; none for Compose's own discovery. */
  files: string[];
  environment: Record<string, string>;
}

/** A shell for both tools: nothing from the machine leaks into the interpolation. */
const BASE_ENVIRONMENT = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/oracle' };

function fixtureCases(): Case[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
    .map((name) => {
      const cwd = join(FIXTURES, name);
      const options = existsSync(join(cwd, 'oracle.json')) ? (JSON.parse(readFileSync(join(cwd, 'oracle.json'), 'utf8')) as Partial<Case>) : {};
      return { name, cwd, files: options.files ?? [], environment: { ...BASE_ENVIRONMENT, ...options.environment } };
    });
}

function corpusCases(): Case[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  walk(CORPUS);
  return files.map((file) => ({ name: file.slice(CORPUS.length + 1), cwd: dirname(file), files: [file], environment: { ...BASE_ENVIRONMENT } }));
}

type Model = { services?: Record<string, Record<string, unknown>> };

/** Compose's effective model, or undefined when Compose refuses the project. */
async function composeConfig(testCase: Case): Promise<Model | undefined> {
  const args = ['compose', ...testCase.files.flatMap((file) => ['-f', file]), 'config', '--format', 'json'];
  try {
    const { stdout } = await run('docker', args, { cwd: testCase.cwd, env: testCase.environment, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as Model;
  } catch {
    return undefined;
  }
}

/** The differences between our model and Compose's, as readable lines (empty when they agree). */
function differences(project: ComposeProject, theirs: Model): string[] {
  const found: string[] = [];
  const ours = project.model.services;
  const their = theirs.services ?? {};
  // Compose leaves out services of profiles that are not enabled; the checker reads them all.
  const compared = Object.keys(ours).filter((name) => ours[name]?.['profiles'] === undefined);
  for (const name of new Set([...compared, ...Object.keys(their)])) {
    const service = ours[name];
    const expected = their[name];
    if (service === undefined || expected === undefined) {
      found.push(`${name}: only in ${service === undefined ? 'compose' : 'ours'}`);
      continue;
    }
    const compare = (field: string, mine: unknown, compose: unknown): void => {
      const a = JSON.stringify(sorted(mine));
      const b = JSON.stringify(sorted(compose));
      if (a !== b) found.push(`${name}.${field}: ours ${a} compose ${b}`);
    };
    compare('environment', effectiveEnvironment(project, name, service), unescapeValues(expected['environment'] ?? {}));
    compare('labels', service.labels ?? {}, unescapeValues(expected['labels'] ?? {}));
    const build = expected['build'] as Record<string, unknown> | undefined;
    compare('build.args', resolvedArgs(project, service), unescapeValues(build?.['args'] ?? {}));
    compare('build.context', service.build?.context, build?.['context']);
    compare('build.dockerfile', service.build?.dockerfile, composeDockerfile(build));
    for (const field of ['command', 'entrypoint'] as const) {
      const mine = service[field];
      compare(field, typeof mine === 'string' ? shellSplit(mine) : (mine ?? null), unescapeValues(expected[field] ?? null));
    }
    const test = service.healthcheck?.test;
    const theirHealthcheck = expected['healthcheck'] as Record<string, unknown> | undefined;
    compare('healthcheck.test', typeof test === 'string' ? ['CMD-SHELL', test] : test, unescapeValues(theirHealthcheck?.['test']));
  }
  return found;
}

/** What Compose puts in the container: env_file variables under `environment`, bare names from the project environment. */
function effectiveEnvironment(project: ComposeProject, name: string, service: ComposeService): Record<string, string | null> {
  const environment: Record<string, string | null> = {};
  for (const read of project.serviceEnvFiles.get(name) ?? []) {
    for (const entry of read.entries) {
      if (entry.value !== undefined) environment[entry.key] = entry.value;
    }
  }
  for (const [name, value] of Object.entries(service.environment ?? {})) environment[name] = value ?? project.projectEnv.lookup(name) ?? null;
  return environment;
}

/** Compose drops a bare build argument the environment does not set, and fills in one it does. */
function resolvedArgs(project: ComposeProject, service: ComposeService): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.build?.args ?? {})) {
    const resolved = value ?? project.projectEnv.lookup(name);
    if (resolved !== undefined) args[name] = resolved;
  }
  return args;
}

function composeDockerfile(build: Record<string, unknown> | undefined): string | undefined {
  if (build === undefined || 'dockerfile_inline' in build) return undefined;
  const context = String(build['context']);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) return undefined;
  const dockerfile = typeof build['dockerfile'] === 'string' && build['dockerfile'] !== '' ? build['dockerfile'] : 'Dockerfile';
  return dockerfile.startsWith('/') ? dockerfile : join(context, dockerfile);
}

/** `docker compose config` escapes every `$` of its output as `$$`. */
function unescapeValues(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$$', '$');
  if (Array.isArray(value)) return value.map(unescapeValues);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unescapeValues(item)]));
  return value;
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
}

/** Splits a command line the way Compose turns a string `command` into a list (shell words, no expansion). */
function shellSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && '"\\$`'.includes(line.charAt(i + 1))) word += line.charAt(++i);
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line.charAt(++i);
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

interface Outcome {
  name: string;
  accepted: boolean;
  differences: string[];
}

async function compare(cases: Case[]): Promise<Outcome[]> {
  return inPool(cases, 2, async (testCase) => {
    const theirs = await composeConfig(testCase);
    if (theirs === undefined) return { name: testCase.name, accepted: false, differences: [] };
    let project: ComposeProject;
    try {
      project = loadComposeProject({ files: testCase.files, cwd: testCase.cwd, environment: testCase.environment });
    } catch (error) {
      return { name: testCase.name, accepted: true, differences: [`we refused it: ${(error as Error).message}`] };
    }
    return { name: testCase.name, accepted: true, differences: differences(project, theirs) };
  });
}

describe.skipIf(!hasCompose)('loadComposeProject agrees with docker compose config', () => {
  it('on every fixture project', async () => {
    const outcomes = await compare(fixtureCases());
    expect(outcomes.filter((outcome) => !outcome.accepted).map((outcome) => outcome.name)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.differences.length > 0)).toEqual([]);
  }, 300_000);

  it.skipIf(!hasCorpus)('on every corpus file that docker compose accepts', async () => {
    const outcomes = await compare(corpusCases());
    const accepted = outcomes.filter((outcome) => outcome.accepted);
    const disagreeing = accepted.filter((outcome) => outcome.differences.length > 0);
    console.log(`compose loader oracle: ${accepted.length - disagreeing.length} of ${accepted.length} corpus files that docker compose accepts agree (${outcomes.length} files)`);
    expect(accepted.length).toBeGreaterThan(100);
    expect(disagreeing).toEqual([]);
  }, 600_000);
});
