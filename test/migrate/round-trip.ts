/**
 * The round-trip guarantees of `planes migrate`, checked from outside the migration: the
 * secrets of the input are found by the checker's own judgement (not by the migrator), and
 * the two projects are compared as `docker compose config --format json` prints them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { judgeSetting, writtenIn, type Setting } from '../../src/judge/index.js';
import { loadComposeProject, originOf } from '../../src/compose/index.js';
import { classifyName } from '../../src/redact/names.js';
import type { SourcePosition } from '../../src/errors.js';

/** What the test runs Compose and planes with: the tools' own variables, nothing that could interpolate. */
export function toolEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (name === 'PATH' || name === 'HOME' || name.startsWith('DOCKER_'))) environment[name] = value;
  }
  return environment;
}

export interface ComposeConfig {
  name: string;
  services: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function composeConfig(cwd: string, file: string, environment: Record<string, string>): { config?: ComposeConfig; error?: string } {
  const result = spawnSync('docker', ['compose', '-f', file, 'config', '--format', 'json'], { cwd, env: environment, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) return { error: result.stderr.trim() };
  return { config: JSON.parse(result.stdout) as ComposeConfig };
}

export interface InputSecret {
  service: string;
  key: string;
  value: string;
  /** Where the value is written: the entry, or the .env line it was filled from. */
  positions: SourcePosition[];
  /** Secret by its name (the checker's name rule): a stand-in value keeps it one. */
  byName: boolean;
}

/** The secrets of the input, as `planes check` judges its environment and env_file entries, and its compose secrets' files. */
export function inputSecrets(cwd: string, file: string, environment: Record<string, string>): { settings: InputSecret[]; files: string[] } {
  const project = loadComposeProject({ cwd, files: [file], environment });
  const settings: InputSecret[] = [];
  for (const [service, definition] of Object.entries(project.model.services)) {
    const env = definition.environment ?? {};
    for (const [key, written] of Object.entries(env)) {
      const origin = originOf(env, key);
      const host = written === null ? project.projectEnv.lookup(key) : undefined;
      const judged: Setting = { place: 'environment', name: key, value: written, ...(writtenIn(origin) ? { written: writtenIn(origin) } : {}), ...(written === null ? { host: { value: host } } : {}) };
      const value = written ?? host;
      if (value === undefined || value === '' || judgeSetting(judged) === undefined) continue;
      const filled = Object.values(origin?.envSources ?? {});
      const positions = filled.length > 0 ? filled.map((source) => ({ file: source.file, line: source.line, column: 1 })) : origin ? [origin.value] : [];
      settings.push({ service, key, value, positions, byName: classifyName(key).secret });
    }
    for (const read of project.serviceEnvFiles.get(service) ?? []) {
      for (const entry of read.entries) {
        const judged: Setting = { place: 'env-file', name: entry.key, value: entry.value ?? '' };
        if (entry.value === undefined || entry.value === '' || judgeSetting(judged) === undefined) continue;
        settings.push({ service, key: entry.key, value: entry.value, positions: [{ file: relative(cwd, read.path), line: entry.line, column: 1 }], byName: classifyName(entry.key).secret });
      }
    }
  }
  const secrets = (project.model['secrets'] ?? {}) as Record<string, { file?: string } | null>;
  const files = Object.values(secrets).flatMap((secret) => (typeof secret?.file === 'string' ? [readFileSync(secret.file, 'utf8')] : []));
  return { settings, files: files.filter((value) => value !== '') };
}

/** Files of `root` (recursively) holding `value`, secrets/*.txt excepted. */
export function filesHolding(root: string, value: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((path) => !/^secrets\/[^/]+\.txt$/.test(path) && readFileSync(join(root, path), 'utf8').includes(value));
}

/**
 * The text of the input's non-secret settings and names: where a secret value also shows up
 * here (a password equal to the user name, the image name), finding it in the output proves
 * nothing, and a canary run decides instead.
 */
export function nonSecretText(input: ComposeConfig, secrets: readonly InputSecret[], exampleDir: string): string {
  const stripped = structuredClone(input) as ComposeConfig;
  delete stripped['secrets'];
  for (const [service, definition] of Object.entries(stripped.services)) {
    for (const field of ['command', 'entrypoint', 'healthcheck']) delete definition[field];
    const environment = (definition['environment'] ?? {}) as Record<string, unknown>;
    for (const secret of secrets) if (secret.service === service) delete environment[secret.key];
  }
  return `${JSON.stringify(stripped)}\n${exampleDir}`;
}

/**
 * A copy of the example where each weak secret value, at the places it was written as a
 * secret, is a unique canary: migrated, the canaries may show up in secrets/*.txt only.
 */
export function canaryCopy(into: string, exampleDir: string, secrets: readonly InputSecret[]): { dir: string; canaries: string[] } {
  const dir = join(into, 'example');
  cpSync(exampleDir, dir, { recursive: true });
  const canaries: string[] = [];
  secrets.forEach((secret, index) => {
    const canary = `Canary${index}x${Math.random().toString(36).slice(2, 10)}`;
    for (const position of secret.positions) {
      const path = join(dir, position.file);
      const lines = readFileSync(path, 'utf8').split('\n');
      const line = lines[position.line - 1] ?? '';
      const at = line.lastIndexOf(secret.value);
      if (at === -1) continue;
      lines[position.line - 1] = line.slice(0, at) + canary + line.slice(at + secret.value.length);
      writeFileSync(path, lines.join('\n'));
      canaries.push(canary);
    }
  });
  return { dir, canaries };
}

const READ_SECRET = /"\$\$\(cat \/run\/secrets\/[^)]+\)"|\$\$\(cat \/run\/secrets\/[^)]+\)/g;

/**
 * How the migrated project differs from the input, apart from the moved settings: each
 * difference one line. Moved: secret variables (gone, or `*_FILE` paths instead), config of
 * other services (one env file for all), secret mounts, the image named for a build-only
 * service, planes' wrapper for secrets given as variables (its config mount and the label of
 * config digests with it), secrets read from their files on command lines.
 */
export function differences(input: ComposeConfig, output: ComposeConfig, secrets: readonly InputSecret[], secretValues: readonly string[]): { differences: string[]; sharedConfig: number } {
  const found: string[] = [];
  let sharedConfig = 0;
  if (!isDeepStrictEqual(Object.keys(input.services).sort(), Object.keys(output.services).sort())) found.push(`services: ${Object.keys(input.services)} became ${Object.keys(output.services)}`);
  const configValues = new Map<string, unknown>();
  for (const definition of Object.values(input.services)) {
    for (const [key, value] of Object.entries((definition['environment'] ?? {}) as Record<string, unknown>)) configValues.set(key, value);
  }
  for (const [service, before] of Object.entries(input.services)) {
    const after = output.services[service];
    if (after === undefined) continue;
    const say = (what: string): number => found.push(`${service}.${what}`);
    const secretKeys = new Set(secrets.filter((secret) => secret.service === service).map((secret) => secret.key));

    const image = before['image'] ?? `${input.name}-${service}`;
    if (after['image'] !== image) say(`image: ${String(image)} became ${String(after['image'])}`);

    const envBefore = (before['environment'] ?? {}) as Record<string, unknown>;
    const envAfter = (after['environment'] ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(envBefore)) {
      if (secretKeys.has(key)) {
        if (key in envAfter) say(`environment.${key}: the secret is still in the environment`);
      } else if (envAfter[key] !== value) {
        say(`environment.${key}: ${JSON.stringify(value)} became ${JSON.stringify(envAfter[key])}`);
      }
    }
    for (const [key, value] of Object.entries(envAfter)) {
      if (key in envBefore) continue;
      if (typeof value === 'string' && value.startsWith('/run/secrets/')) continue;
      if (configValues.get(key) === value) sharedConfig++;
      else say(`environment.${key}: new`);
    }

    // Compose prints a default target as /run/secrets/<name>, a written one as written.
    const targets = (list: unknown): string[] => ((list ?? []) as { target: string }[]).map((mount) => (mount.target.startsWith('/') ? mount.target : `/run/secrets/${mount.target}`));
    for (const target of targets(before['secrets'])) if (!targets(after['secrets']).includes(target)) say(`secrets: ${target} no longer mounted`);

    const wrapped = wrapperStart(after['entrypoint']);
    if (wrapped !== undefined) {
      // Through planes' wrapper the service runs its own entrypoint, or the image's (image_start), after `--`.
      if (before['entrypoint'] !== null && before['entrypoint'] !== undefined && !isDeepStrictEqual(wrapped, before['entrypoint'])) say('entrypoint: the wrapper does not start the original entrypoint');
      if (before['command'] !== null && before['command'] !== undefined && !isDeepStrictEqual(after['command'], before['command'])) say('command: changed under the wrapper');
    } else {
      for (const field of ['entrypoint', 'command']) {
        if (!isDeepStrictEqual(normalized(before[field], secretValues), normalized(after[field], secretValues))) say(`${field}: changed`);
      }
    }
    if (!isDeepStrictEqual(normalized(before['healthcheck'], secretValues), normalized(after['healthcheck'], secretValues))) say('healthcheck: changed');

    const build = (definition: Record<string, unknown>): unknown => {
      const value = definition['build'] as Record<string, unknown> | undefined;
      if (value === undefined) return undefined;
      const args = Object.fromEntries(Object.entries((value['args'] ?? {}) as Record<string, unknown>).filter(([key]) => !secrets.some((s) => s.service === service && s.key === key)));
      return { ...value, args, secrets: undefined };
    };
    if (!isDeepStrictEqual(build(before), build(after))) say('build: changed');

    // planes' own additions: the wrapper's config mount, and the label that recreates a container whose config file changed.
    const withoutPlanes = (definition: Record<string, unknown>): Record<string, unknown> => {
      const configs = ((definition['configs'] ?? []) as { source: string }[]).filter((mount) => mount.source !== WRAPPER_CONFIG);
      const labels = Object.fromEntries(Object.entries((definition['labels'] ?? {}) as Record<string, unknown>).filter(([key]) => key !== CONFIG_DIGESTS_LABEL));
      const rest = { ...definition };
      delete rest['configs'];
      delete rest['labels'];
      return { ...rest, ...(configs.length > 0 ? { configs } : {}), ...(Object.keys(labels).length > 0 ? { labels } : {}) };
    };
    const [beforeRest, afterRest] = [withoutPlanes(before), withoutPlanes(after)];
    const handled = new Set(['image', 'environment', 'secrets', 'entrypoint', 'command', 'healthcheck', 'build']);
    for (const key of new Set([...Object.keys(beforeRest), ...Object.keys(afterRest)])) {
      if (handled.has(key)) continue;
      if (!(key in afterRest)) say(`${key}: left out`);
      else if (!(key in beforeRest)) say(`${key}: new`);
      else if (!isDeepStrictEqual(beforeRest[key], afterRest[key])) say(`${key}: changed`);
    }
  }
  for (const key of ['networks', 'volumes']) {
    if (!isDeepStrictEqual(input[key], output[key])) found.push(`${key}: changed`);
  }
  return { differences: found, sharedConfig };
}

const WRAPPER_CONFIG = 'planes_secret_env';
const CONFIG_DIGESTS_LABEL = 'planes.config-digests';

/** What an entrypoint through planes' wrapper (`/bin/sh /planes/secret-env.sh NAME=FILE… -- …`) starts; undefined: no wrapper. */
function wrapperStart(entrypoint: unknown): unknown[] | undefined {
  if (!Array.isArray(entrypoint) || entrypoint[0] !== '/bin/sh' || entrypoint[1] !== '/planes/secret-env.sh') return undefined;
  const separator = entrypoint.indexOf('--');
  return separator === -1 ? undefined : entrypoint.slice(separator + 1);
}

/** A command line with every secret, as a value or as a read of its file, made the same mark. */
function normalized(value: unknown, secretValues: readonly string[]): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((item) => normalized(item, secretValues));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalized(inner, secretValues)]));
  if (typeof value !== 'string') return value;
  let text = value.replace(READ_SECRET, '<secret>');
  for (const secret of [...secretValues].sort((a, b) => b.length - a.length)) text = text.split(secret).join('<secret>');
  return text;
}
