import { dirname, posix, relative, resolve } from 'node:path';
import { rewriteConfigFiles, rewriteVolumeSources } from './host-paths.js';
import { COMMON_ENV_FILE, environmentEnvFile, RUN_SECRETS, secretFile } from '../layout.js';
import { externalSecretName, type Manifest, type ManifestService, PASS_THROUGH_KEYS, type SecretMount, secretMounts } from '../manifest/index.js';
import { generatedHeader } from './header.js';
import { isPlainObject, mergeOverride } from './merge.js';
import { composeYaml } from './yaml-output.js';
import { CONFIG_DIGESTS_LABEL, configDigestsLabel, rollingName } from './config-digests.js';
import { SECRET_ENV_WRAPPER, secretTemplateFile } from '../layout.js';
import { usesSecretEnv, wrappedStart } from './secret-env.js';
import { templatedSecretName, withTemplateParts } from './secret-templates.js';
import { acceptedSince, IGNORED, INSTEAD, SERVICE, SERVICE_EXTENSIONS } from '../swarm-format.js';

export type Target = 'compose' | 'swarm';

export interface GeneratedCompose {
  content: string;
  /** What was left out or converted for the target, for the user to read. */
  notes: string[];
}

/** The stack file format written: the oldest that has everything planes writes (external secret names: 3.5, init: 3.7). */
const STACK_FORMAT_MINOR = 8;

const RESTART_CONDITIONS: Record<string, string> = { no: 'none', always: 'any', 'unless-stopped': 'any', 'on-failure': 'on-failure' };

/** `configDigests`: the content digest of each file config that rolls (config-digests.ts). */
export function composeFile(manifest: Manifest, environment: string, manifestFile: string, root: string, configDigests: ReadonlyMap<string, string>): GeneratedCompose {
  const { target, file } = manifest.environments[environment]!;
  const fromHere = relativeTo(resolve(root, dirname(file)), root);
  const notes: string[] = [];
  const services: Record<string, unknown> = {};
  const usedSecrets = new Set<string>();
  const usedBuildSecrets = new Set<string>();

  for (const [name, service] of Object.entries(manifest.services)) {
    const mounts = target === 'swarm' ? withTemplateParts(manifest, secretMounts(service)) : secretMounts(service);
    mounts.forEach((mount) => usedSecrets.add(mount.secret));
    if (target === 'compose') service.build?.secrets?.forEach((secret) => usedBuildSecrets.add(secret));
    const given = passThroughOf(service, environment);
    if (usesSecretEnv(mounts)) startThroughSecretEnv(service, mounts, given, target);
    // A bind mount's host path is relative to the project root in the manifest, to its directory here.
    if (Array.isArray(given['volumes'])) given['volumes'] = rewriteVolumeSources(given['volumes'], fromHere);
    const passThrough = target === 'swarm' ? toSwarm(name, given, notes) : withConfigDigests(given, configDigests);
    const owned = mounts.filter((m) => m.uid || m.gid || (m.mode && (parseInt(m.mode, 8) & 0o077) !== 0)).map((m) => m.secret);
    if (target === 'compose' && owned.length > 0) {
      notes.push(`${name}: uid/gid and a group- or world-readable mode of ${owned.join(', ')} apply in Swarm only (Compose bind-mounts secret files as they are on the host)`);
    }
    if (target === 'swarm' && service.build) notes.push(`${name}: build left out of ${file} (Swarm runs images; build them in CI with docker buildx build --secret)`);
    services[name] = {
      image: service.image,
      ...(target === 'compose' && service.build ? { build: buildSection(service.build, fromHere) } : {}),
      ...envFileSection(service, environment, fromHere),
      ...secretPathVariables(mounts),
      ...(mounts.length > 0 ? { secrets: mounts.map((mount) => serviceSecret(target === 'compose' ? withoutFileOwnership(mount) : mount)) } : {}),
      ...passThrough,
    };
  }

  const configs = declaredConfigs(manifest);
  const secrets: Record<string, unknown> = {};
  for (const name of Object.keys(manifest.secrets)) {
    if (!usedSecrets.has(name)) continue;
    secrets[name] = target === 'compose' ? { file: fromHere(secretFile(name)) } : swarmSecret(manifest, name, environment, fromHere);
  }
  for (const [name, source] of Object.entries(manifest.build_secrets)) {
    if (!usedBuildSecrets.has(name)) continue;
    secrets[name] = 'env' in source ? { environment: source.env } : { file: fromHere(source.file) };
  }

  const document = {
    ...(target === 'swarm' ? { version: `3.${STACK_FORMAT_MINOR}` } : { name: manifest.name }),
    services,
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(manifest.volumes ? { volumes: manifest.volumes } : {}),
    ...(manifest.networks ? { networks: manifest.networks } : {}),
    ...(configs === undefined ? {} : { configs: topLevelConfigs(manifest.name, configs, target, configDigests, fromHere) }),
  };
  const usage =
    target === 'swarm'
      ? [`Swarm stack file of the ${environment} environment: docker stack deploy -c ${file} ${manifest.name}`, 'Create its external secrets first: planes secrets push --env ' + environment]
      : [`Compose file of the ${environment} environment: docker compose -f ${file} up --build`];
  return { content: composeYaml(document, generatedHeader(manifestFile, usage)), notes };
}

/** An external secret planes pushes, or a template the engine renders on the node from the external secrets it names. */
function swarmSecret(manifest: Manifest, name: string, environment: string, fromHere: PathFrom): Record<string, unknown> {
  if (manifest.secrets[name]?.template === undefined) return { external: true, name: externalSecretName(manifest, name) };
  return { file: fromHere(secretTemplateFile(environment, name)), template_driver: 'golang', name: templatedSecretName(manifest, name, environment) };
}

/** The manifest's configs and, when a service starts through it, the wrapper's; undefined when there are none. */
function declaredConfigs(manifest: Manifest): Record<string, unknown> | undefined {
  if (!wrapperUsed(manifest)) return manifest.configs;
  return { ...manifest.configs, [SECRET_ENV_WRAPPER.config]: { file: `./${SECRET_ENV_WRAPPER.file}` } };
}

/** In Swarm, a file config is named after its content, so that a changed file is a new config. */
function topLevelConfigs(stack: string, declared: Record<string, unknown>, target: Target, digests: ReadonlyMap<string, string>, fromHere: PathFrom): Record<string, unknown> {
  const configs = rewriteConfigFiles(declared, fromHere);
  if (target !== 'swarm') return configs;
  return Object.fromEntries(
    Object.entries(configs).map(([name, config]) => {
      const digest = digests.get(name);
      return [name, digest === undefined ? config : { ...(config as object), name: rollingName(stack, name, digest) }];
    }),
  );
}

/** The wrapper as the service's start, mounted as a config (its mode matters in Swarm; Compose bind-mounts it and sh reads it). */
function startThroughSecretEnv(service: ManifestService, mounts: SecretMount[], given: Record<string, unknown>, target: Target): void {
  const { entrypoint, command } = wrappedStart(service, mounts, given);
  given['entrypoint'] = entrypoint;
  if (command === undefined) delete given['command'];
  else given['command'] = command;
  const mount = { source: SECRET_ENV_WRAPPER.config, target: SECRET_ENV_WRAPPER.target, ...(target === 'swarm' ? { mode: 0o555 } : {}) };
  given['configs'] = [...(Array.isArray(given['configs']) ? given['configs'] : []), mount];
}

export function wrapperUsed(manifest: Manifest): boolean {
  return Object.values(manifest.services).some((service) => usesSecretEnv(secretMounts(service)));
}

/** In dev, the digests of the file configs a service mounts, in a label: a changed file recreates its containers. */
function withConfigDigests(keys: Record<string, unknown>, digests: ReadonlyMap<string, string>): Record<string, unknown> {
  const mounted = Array.isArray(keys['configs']) ? keys['configs'].map(configSource).filter((source): source is string => source !== undefined) : [];
  const value = configDigestsLabel(mounted, digests);
  if (value === undefined) return keys;
  const labels = keys['labels'];
  if (Array.isArray(labels)) return { ...keys, labels: [...labels, `${CONFIG_DIGESTS_LABEL}=${value}`] };
  return { ...keys, labels: { ...(isPlainObject(labels) ? labels : {}), [CONFIG_DIGESTS_LABEL]: value } };
}

function configSource(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  const source = isPlainObject(entry) ? entry['source'] : undefined;
  return typeof source === 'string' ? source : undefined;
}

function passThroughOf(service: ManifestService, environment: string): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const key of PASS_THROUGH_KEYS) if (service[key] !== undefined) base[key] = service[key];
  const override = service.overrides?.[environment];
  return override ? mergeOverride(base, override) : base;
}

function buildSection(build: NonNullable<ManifestService['build']>, fromHere: PathFrom): Record<string, unknown> {
  return {
    context: fromHere(build.context),
    ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
    ...(build.target ? { target: build.target } : {}),
    ...(build.args ? { args: Object.fromEntries(Object.entries(build.args).map(([k, v]) => [k, String(v)])) } : {}),
    ...(build.secrets?.length ? { secrets: build.secrets } : {}),
  };
}

function envFileSection(service: ManifestService, environment: string, fromHere: PathFrom): Record<string, unknown> {
  if (!service.config?.length) return {};
  return { env_file: [COMMON_ENV_FILE, environmentEnvFile(environment)].map(fromHere) };
}

/** Only the path of a secret travels in the environment, never the secret. */
function secretPathVariables(mounts: SecretMount[]): Record<string, unknown> {
  const variables = mounts.filter((m) => m.env).map((m) => [m.env!, `${RUN_SECRETS}/${m.target}`]);
  return variables.length > 0 ? { environment: Object.fromEntries(variables) } : {};
}

/**
 * Compose bind-mounts file secrets: `mode`, `uid` and `gid` would be ignored with a warning
 * and the container sees the host file as it is (`planes setup` gives it an owner-only mode
 * the services ask for). They are written only where they take effect, in Swarm.
 */
function withoutFileOwnership(mount: SecretMount): SecretMount {
  const { secret, target, env } = mount;
  return { secret, target, ...(env ? { env } : {}) };
}

function serviceSecret(mount: SecretMount): unknown {
  const { secret, target, mode, uid, gid } = mount;
  if (target === secret && !mode && !uid && !gid) return secret;
  return {
    source: secret,
    target,
    ...(uid ? { uid } : {}),
    ...(gid ? { gid } : {}),
    ...(mode ? { mode: parseInt(mode, 8) } : {}),
  };
}

function toSwarm(service: string, keys: Record<string, unknown>, notes: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const deploy: Record<string, unknown> = isPlainObject(keys.deploy) ? { ...keys.deploy } : {};
  for (const [key, value] of Object.entries(keys)) {
    if (key === 'restart') {
      const [policy = '', attempts] = String(value).split(':');
      if (!deploy.restart_policy) {
        deploy.restart_policy = { condition: RESTART_CONDITIONS[policy] ?? 'any', ...(attempts ? { max_attempts: Number(attempts) } : {}) };
      }
      notes.push(`${service}: restart: ${String(value)} written as deploy.restart_policy`);
    } else if (key === 'cpus' || key === 'mem_limit') {
      const resources = isPlainObject(deploy.resources) ? { ...deploy.resources } : {};
      const limits = isPlainObject(resources.limits) ? { ...resources.limits } : {};
      if (key === 'cpus') limits.cpus = String(value);
      else limits.memory = String(value);
      deploy.resources = { ...resources, limits };
      notes.push(`${service}: ${key} written as deploy.resources.limits`);
    } else if (key === 'depends_on') {
      result.depends_on = Array.isArray(value) ? value : Object.keys(value as object);
    } else if (key !== 'deploy') {
      const leftOut = swarmLeavesOut(key);
      if (leftOut) notes.push(`${service}: ${key} left out of the stack file (${leftOut})`);
      else result[key] = value;
    }
  }
  if (Object.keys(deploy).length > 0) result.deploy = deploy;
  return result;
}

/** Why a stack file has no place for a service key, or undefined when it keeps it. */
function swarmLeavesOut(key: string): string | undefined {
  const since = acceptedSince(SERVICE, SERVICE_EXTENSIONS, key);
  if (since === undefined || since > STACK_FORMAT_MINOR) return INSTEAD[key] ?? 'not part of the Swarm stack format';
  const ignored = IGNORED[key];
  return ignored === undefined ? undefined : `docker stack deploy ignores it: ${ignored}`;
}

/** A path written relative to the project root, as the compose file in `directory` must write it. */
type PathFrom = (projectPath: string) => string;

function relativeTo(directory: string, root: string): PathFrom {
  return (projectPath) => {
    const path = relative(directory, resolve(root, projectPath)).split('\\').join('/');
    return path.startsWith('.') ? path : `./${posix.normalize(path)}`;
  };
}
