import { posix, win32 } from 'node:path';
import { isSecretFilePath, STAGING_DIR } from '../fs/index.js';
import { classifyName, detectCredentials, describeValue, judgeCommandLine, judgeSetting, verdictProblem } from '../judge/index.js';
import { COMMON_ENV_FILE, environmentEnvFile, GITIGNORE, MANIFEST_FILE, SECRET_ENV_WRAPPER, secretExampleFile } from '../layout.js';
import { configValueIn, environmentNames, isPerEnvironment, secretMounts } from './model.js';
import { PASS_THROUGH_KEYS, type Manifest } from './schema.js';
import type { YamlPath } from './locate.js';
import { templateProblems } from './template-rules.js';
import { lacksShell } from './image-shell.js';

export interface SemanticProblem {
  path: YamlPath;
  message: string;
}

/** `file`: the manifest's own path, relative to the project root (a generated file must not be it). */
type Check = (manifest: Manifest, file: string) => SemanticProblem[];

/**
 * What the schema alone cannot say: references between sections, one plane per setting,
 * and no secret hiding in a non-secret plane.
 */
const checks: Check[] = [
  atLeastOneEnvironment,
  noReservedEnvironmentName,
  environmentFilesAreTheirOwn,
  onePlanePerSetting,
  noSecretInConfig,
  perEnvironmentKeysAreEnvironments,
  serviceReferencesExist,
  noSecretInBuildArgs,
  noSecretPassedThrough,
  secretMountsDoNotCollide,
  templateProblems,
  secretVariablesCanStart,
];

export function semanticProblems(manifest: Manifest, file: string): SemanticProblem[] {
  return checks.flatMap((check) => check(manifest, file));
}

function atLeastOneEnvironment(manifest: Manifest): SemanticProblem[] {
  if (environmentNames(manifest).length > 0) return [];
  return [{ path: ['environments'], message: 'environments: declare at least one, e.g. dev: {target: compose, file: docker-compose.yml}' }];
}

/** config/common.env holds the settings every environment shares: no environment's own file may be it. */
function noReservedEnvironmentName(manifest: Manifest): SemanticProblem[] {
  return environmentNames(manifest)
    .filter((name) => environmentEnvFile(name) === COMMON_ENV_FILE)
    .map((name) => ({
      path: ['environments', name],
      message: `${name}: a reserved name (${COMMON_ENV_FILE} holds the settings shared by every environment, not those of one); name the environment otherwise`,
    }));
}

/**
 * Each environment's compose file is a file of its own inside the project: not outside it, not
 * a directory, not a secret file, the manifest, another generated file or another environment's
 * file. Paths are compared normalised and without regard to case (a project moves between file
 * systems that do and do not tell case apart).
 */
function environmentFilesAreTheirOwn(manifest: Manifest, manifestFile: string): SemanticProblem[] {
  const taken = new Map<string, string>([
    [pathKey(MANIFEST_FILE), 'the manifest'],
    [pathKey(manifestFile), 'the manifest'],
    [pathKey(COMMON_ENV_FILE), 'the config file every environment reads'],
    [pathKey(GITIGNORE), 'the .gitignore that keeps the secret files out of git'],
    ...environmentNames(manifest).map((name): [string, string] => [pathKey(environmentEnvFile(name)), `the config file of the ${name} environment`]),
    ...Object.keys(manifest.secrets).map((name): [string, string] => [pathKey(secretExampleFile(name)), `the example of the secret ${name}`]),
  ]);
  const problems: SemanticProblem[] = [];
  for (const [name, { file }] of Object.entries(manifest.environments)) {
    const problem = environmentFileProblem(file, taken);
    if (problem) problems.push({ path: ['environments', name, 'file'], message: `file: ${file} ${problem}` });
    else taken.set(pathKey(file), `the file of the ${name} environment`);
  }
  return problems;
}

function environmentFileProblem(file: string, taken: ReadonlyMap<string, string>): string | undefined {
  const normal = posix.normalize(file.split('\\').join('/'));
  if (posix.isAbsolute(normal) || win32.isAbsolute(file) || normal === '..' || normal.startsWith('../')) {
    return 'is outside the project; give a path relative to the project root (e.g. docker-compose.yml)';
  }
  if (normal === '.' || normal === './' || normal.endsWith('/') || normal.endsWith('/..')) return 'names a directory; give the name of the file to generate (e.g. docker-compose.yml)';
  const key = pathKey(normal);
  if (isSecretFilePath(key)) return 'is where a secret file goes (secrets/*.txt); planes never writes a generated file there: choose another path';
  if (key === STAGING_DIR || key.startsWith(`${STAGING_DIR}/`)) return `is inside ${STAGING_DIR}/, where planes stages its writes: choose another path`;
  const other = taken.get(key);
  return other === undefined ? undefined : `is ${other}; give each environment a file of its own`;
}

/** How two paths of the project are compared: normalised, `/`-separated, lower case. */
function pathKey(path: string): string {
  return posix.normalize(path.split('\\').join('/')).replace(/^\.\//, '').toLowerCase();
}

function onePlanePerSetting(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const secretNames = new Set(Object.keys(manifest.secrets));
  for (const key of Object.keys(manifest.config)) {
    const lower = key.toLowerCase();
    if (secretNames.has(lower)) {
      problems.push({ path: ['config', key], message: `${key} is both a config setting and the secret ${lower}; a setting lives in one plane: remove it from config` });
    } else if (lower in manifest.build_secrets) {
      problems.push({ path: ['config', key], message: `${key} is both a config setting and the build secret ${lower}; a setting lives in one plane: remove it from config` });
    }
  }
  for (const name of Object.keys(manifest.build_secrets)) {
    if (secretNames.has(name)) {
      problems.push({ path: ['build_secrets', name], message: `${name} is both a runtime secret and a build secret; Compose has one secret namespace: rename one of them` });
    }
  }
  return problems;
}

function noSecretInConfig(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const [key, value] of Object.entries(manifest.config)) {
    if (classifyName(key).secret) {
      problems.push({ path: ['config', key], message: `${key} is named like a secret; config is not secret: move it to secrets: (and mount it as a file)` });
      continue;
    }
    for (const environment of valueEnvironments(manifest, value)) {
      const text = configValueIn(value, environment) ?? '';
      const match = detectCredentials(text).find((m) => m.severity === 'error');
      if (match) {
        const path = isPerEnvironment(value) ? ['config', key, environment] : ['config', key];
        problems.push({ path, message: `${key} holds what looks like a credential (${match.description}); move it to secrets:` });
        break;
      }
    }
  }
  return problems;
}

function valueEnvironments(manifest: Manifest, value: Manifest['config'][string]): string[] {
  return isPerEnvironment(value) ? Object.keys(value) : environmentNames(manifest).slice(0, 1);
}

function perEnvironmentKeysAreEnvironments(manifest: Manifest): SemanticProblem[] {
  const known = new Set(environmentNames(manifest));
  const hint = `environments are: ${[...known].join(', ')}`;
  const problems: SemanticProblem[] = [];
  for (const [key, value] of Object.entries(manifest.config)) {
    if (!isPerEnvironment(value)) continue;
    for (const environment of Object.keys(value)) {
      if (!known.has(environment)) problems.push({ path: ['config', key, environment], message: `${environment} is not an environment; ${hint}` });
    }
  }
  for (const [name, service] of Object.entries(manifest.services)) {
    for (const environment of Object.keys(service.overrides ?? {})) {
      if (!known.has(environment)) problems.push({ path: ['services', name, 'overrides', environment], message: `${environment} is not an environment; ${hint}` });
    }
  }
  return problems;
}

function serviceReferencesExist(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const [name, service] of Object.entries(manifest.services)) {
    (service.config ?? []).forEach((key, index) => {
      if (!(key in manifest.config)) {
        problems.push({ path: ['services', name, 'config', index], message: `${key} is not declared under config:; add it there or remove it here` });
      }
    });
    const mounts = Array.isArray(service.secrets) ? service.secrets.map((secret, index) => ({ secret, at: index as PropertyKey })) : Object.keys(service.secrets ?? {}).map((secret) => ({ secret, at: secret as PropertyKey }));
    for (const { secret, at } of mounts) {
      if (secret in manifest.secrets) continue;
      const hint = secret in manifest.build_secrets ? ' (it is a build secret: list it under build.secrets instead)' : '; add it there or remove it here';
      problems.push({ path: ['services', name, 'secrets', at], message: `secret ${secret} is not declared under secrets:${hint}` });
    }
    (service.build?.secrets ?? []).forEach((secret, index) => {
      if (secret in manifest.build_secrets) return;
      const hint = secret in manifest.secrets ? ' (it is a runtime secret: list it under the service\'s secrets: instead)' : '; add it there or remove it here';
      problems.push({ path: ['services', name, 'build', 'secrets', index], message: `build secret ${secret} is not declared under build_secrets:${hint}` });
    });
  }
  return problems;
}

function noSecretInBuildArgs(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const [name, service] of Object.entries(manifest.services)) {
    for (const [arg, value] of Object.entries(service.build?.args ?? {})) {
      const secretName = classifyName(arg).secret;
      const credential = detectCredentials(String(value)).some((m) => m.severity === 'error');
      if (secretName || credential) {
        problems.push({ path: ['services', name, 'build', 'args', arg], message: `${arg}: build arguments persist in the image; declare it under build_secrets: and list it in build.secrets` });
      }
    }
  }
  return problems;
}

const PASSED_THROUGH_ADVICE = 'planes writes this key into the compose files as it is: declare the secret under secrets:, mount it, and have the service read it from /run/secrets';

/**
 * Keys planes passes through to the compose files unchanged (labels, command lines, anything
 * else a service may carry, in every environment's overrides): judged as the checker judges
 * them, so that a generated file never holds a secret the manifest wrote there.
 */
function noSecretPassedThrough(manifest: Manifest): SemanticProblem[] {
  return Object.entries(manifest.services).flatMap(([name, service]) => {
    const base: YamlPath = ['services', name];
    const overrides = Object.entries(service.overrides ?? {}).map(([environment, values]) => ({ values: values as Record<string, unknown>, path: [...base, 'overrides', environment] }));
    return [{ values: service as Record<string, unknown>, path: base }, ...overrides].flatMap(({ values, path }) =>
      PASS_THROUGH_KEYS.flatMap((key) => (values[key] === undefined || values[key] === null ? [] : passedThroughProblems(key, values[key], [...path, key]))),
    );
  });
}

function passedThroughProblems(key: string, value: unknown, path: YamlPath): SemanticProblem[] {
  if (key === 'labels') return labelProblems(value, path);
  if (key === 'deploy' && isRecord(value) && value['labels'] !== undefined) {
    const { labels, ...rest } = value;
    return [...labelProblems(labels, [...path, 'labels']), ...passedThroughProblems('deploy-rest', rest, path)];
  }
  if ((key === 'command' || key === 'entrypoint') && isCommandLine(value)) return commandProblems(key, value, path);
  if (key === 'healthcheck' && isRecord(value) && isCommandLine(value['test'])) {
    const { test, ...rest } = value;
    return [...commandProblems('healthcheck.test', test, [...path, 'test']), ...passedThroughProblems('healthcheck-rest', rest, path)];
  }
  return credentialProblems(value, path);
}

function labelProblems(labels: unknown, path: YamlPath): SemanticProblem[] {
  const entries: [string, unknown, YamlPath][] = Array.isArray(labels)
    ? labels.map((item, index) => {
        const text = String(item);
        const equals = text.indexOf('=');
        return [equals === -1 ? text : text.slice(0, equals), equals === -1 ? '' : text.slice(equals + 1), [...path, index]];
      })
    : isRecord(labels)
      ? Object.entries(labels).map(([name, value]) => [name, value, [...path, name]])
      : [];
  return entries.flatMap(([name, value, at]) => {
    const verdict = typeof value === 'object' ? undefined : judgeSetting({ place: 'label', name, value: String(value ?? '') });
    return verdict?.severity === 'error' ? [{ path: at, message: `${verdictProblem(verdict)}; ${PASSED_THROUGH_ADVICE}` }] : [];
  });
}

function commandProblems(field: string, value: string | readonly string[], path: YamlPath): SemanticProblem[] {
  const verdicts = judgeCommandLine({ field, value, written: [] }).filter((verdict) => verdict.severity === 'error');
  return verdicts.map((verdict) => ({ path: verdict.argument === null ? path : [...path, verdict.argument], message: `${verdictProblem(verdict)}; ${PASSED_THROUGH_ADVICE}` }));
}

/** Any other value: a credential in any string of it. */
function credentialProblems(value: unknown, path: YamlPath): SemanticProblem[] {
  if (typeof value === 'string') {
    const match = detectCredentials(value).find((found) => found.severity === 'error');
    return match === undefined ? [] : [{ path, message: `holds a secret: ${match.description} (${describeValue(value.slice(match.start, match.end))}); ${PASSED_THROUGH_ADVICE}` }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => credentialProblems(item, [...path, index]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => credentialProblems(item, [...path, key]));
  return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCommandLine(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function secretMountsDoNotCollide(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const [name, service] of Object.entries(manifest.services)) {
    const targets = new Set<string>();
    const variables = new Set<string>(service.config ?? []);
    for (const mount of secretMounts(service)) {
      if (targets.has(mount.target)) problems.push({ path: ['services', name, 'secrets', mount.secret], message: `two secrets land on /run/secrets/${mount.target}; give one another target:` });
      targets.add(mount.target);
      if (mount.env && variables.has(mount.env)) problems.push({ path: ['services', name, 'secrets', mount.secret, 'env'], message: `${mount.env} is set twice in this service; use another variable name` });
      if (mount.env) variables.add(mount.env);
      if (mount.variable && variables.has(mount.variable)) {
        problems.push({ path: ['services', name, 'secrets', mount.secret, 'variable'], message: `${mount.variable} is set twice in this service; use another variable name` });
      }
      if (mount.variable) variables.add(mount.variable);
    }
  }
  return problems;
}

const IMAGE_START_HINT = "give the image's own as image_start: {entrypoint: [...], command: [...]} (docker image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' IMAGE shows them; [] for none)";

/**
 * A secret given as a variable starts the service through the wrapper, which then runs the
 * service's own entrypoint and command: planes must know both, and the wrapper's config name
 * is planes' own.
 */
function secretVariablesCanStart(manifest: Manifest): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  if (manifest.configs && SECRET_ENV_WRAPPER.config in manifest.configs) {
    problems.push({ path: ['configs', SECRET_ENV_WRAPPER.config], message: `${SECRET_ENV_WRAPPER.config} is the name planes gives the wrapper of secrets given as variables; name this config otherwise` });
  }
  for (const [name, service] of Object.entries(manifest.services)) {
    const wrapped = secretMounts(service).find((mount) => mount.variable !== undefined);
    if (wrapped === undefined) continue;
    const at: YamlPath = ['services', name, 'secrets', wrapped.secret, 'variable'];
    const noShell = lacksShell(service.image, service['platform'], service['runtime']);
    if (noShell !== undefined) {
      problems.push({ path: at, message: `${wrapped.variable} would be set by planes' wrapper, a shell script, and ${noShell}: drop variable: and make the program read /run/secrets/${wrapped.target}` });
    } else if (typeof service.entrypoint === 'string') {
      problems.push({ path: ['services', name, 'entrypoint'], message: 'write the entrypoint as a list: the wrapper that sets the secret variables runs it after its own arguments' });
    } else if (service.entrypoint === undefined && service.image_start === undefined) {
      problems.push({ path: at, message: `starting through the wrapper replaces the image's entrypoint, which planes cannot know without pulling the image: ${IMAGE_START_HINT}` });
    } else if (service.command === undefined && service.image_start === undefined) {
      problems.push({ path: at, message: `with the wrapper as entrypoint the engine drops the image's command, which planes cannot know without pulling the image: ${IMAGE_START_HINT}` });
    }
  }
  return problems;
}
