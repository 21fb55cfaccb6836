/**
 * One service of the migrated manifest: its image and build, the config it reads, how each
 * of its secrets reaches it (the image's *_FILE convention, a path variable, or an entrypoint
 * wrapper), and everything else passed through, host paths rebased and `$` escaped for
 * Compose. What the manifest cannot express is left out and reported.
 */
import { resolve } from 'node:path';
import type { ComposeService, MountedResource } from '../compose/index.js';
import { classifyName, describeValue } from '../judge/index.js';
import { MANIFEST_FILE, RUN_SECRETS, secretFile } from '../layout.js';
import { PASS_THROUGH_KEYS } from '../manifest/index.js';
import { secureCommandLines, type CommandSecret } from './commands.js';
import { fileVariableOf, imageRepository, lacksShell } from './images.js';
import { rewriteVolumeSources } from '../generate/index.js';
import { fromOut } from './paths.js';
import { imageProcess, type LocalImageLookup } from './process.js';
import type { ReviewItem, SettingRow } from './report.js';
import { splitCommandLine, wrapperScript } from './shell.js';
import { interpolations, type SourceSetting } from './source.js';

/** A setting of this service whose value moved to a secret. */
export interface MovedSetting {
  setting: SourceSetting;
  secret: string;
  reasons: string[];
  notes: string[];
}

/** A secret of the original `secrets:` that this service mounts (at run time or in its build). */
export interface MountedSecret {
  mount: MountedResource;
  secret: string;
  /** Where the compose secret was defined. */
  where: SourceSetting['where'];
  value: Buffer | undefined;
}

/** A variable holding /run/secrets/<target> of a secret this service mounts. */
export interface PathSetting {
  setting: SourceSetting;
  target: string;
  reasons: string[];
}

export interface ServiceInput {
  name: string;
  definition: ComposeService;
  project: { name: string; workingDir: string };
  outDir: string;
  config: string[];
  moved: MovedSetting[];
  mounted: MountedSecret[];
  paths: PathSetting[];
  /** Build args that stay build args. */
  buildArgs: SourceSetting[];
  /** Build args whose value moved to a build secret. */
  buildSecretArgs: MovedSetting[];
  buildMounted: MountedSecret[];
  /** Every runtime secret with a known value: a command line of this service may hold one. */
  knownSecrets: { name: string; value: string }[];
  lookup: LocalImageLookup | undefined;
}

export interface ServicePlan {
  service: Record<string, unknown>;
  rows: SettingRow[];
  reviews: ReviewItem[];
}

interface Mount {
  target?: string;
  env?: string;
  mode?: string;
  uid?: string;
  gid?: string;
}

const MANAGED = new Set(['image', 'build', 'environment', 'env_file', 'secrets', 'extends']);
const PASS_THROUGH: ReadonlySet<string> = new Set(PASS_THROUGH_KEYS);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'target', 'args', 'secrets']);

export function planService(input: ServiceInput): ServicePlan {
  const { name, definition } = input;
  const rows: SettingRow[] = [];
  const reviews: ReviewItem[] = [];
  const review = (level: ReviewItem['level'], message: string, where?: SourceSetting['where']): void => {
    reviews.push({ level, service: name, message, ...(where ? { where } : {}) });
  };

  const image = typeof definition.image === 'string' ? definition.image : `${input.project.name}-${name}`;
  if (definition.image === undefined) {
    review('review', `no image named: the manifest names it ${image}, as Compose names the image it builds; push it to a registry for the prod stack`);
  }

  const mounts = new Map<string, Mount>();
  const targetOf = (secret: string): string => mounts.get(secret)?.target ?? secret;
  for (const { mount, secret, where, value } of input.mounted) {
    if (mounts.has(secret)) {
      review('blocker', `mounts the secret ${mount.source} twice; the manifest mounts a secret once per service: left out the second mount (target ${String(mount.target)})`);
      continue;
    }
    mounts.set(secret, mountOf(mount, secret, review));
    rows.push({
      service: name,
      key: `secret ${mount.source}`,
      where,
      plane: 'secret',
      lands: `${secretFile(secret)} at ${targetPath(targetOf(secret))}`,
      reasons: ['already a compose secret'],
      value: value === undefined ? 'unknown here' : describeValue(value.toString('utf8')),
    });
  }

  const wrapped: { variable: string; path: string }[] = [];
  const movedVariables = new Map<string, string[]>();
  for (const moved of input.moved) {
    const { setting, secret } = moved;
    const mount: Mount = mounts.get(secret) ?? {};
    mounts.set(secret, mount);
    const path = targetPath(targetOf(secret));
    movedVariables.set(secret, [...(movedVariables.get(secret) ?? []), setting.key]);
    const fileVariable = fileVariableOf(image, setting.key);
    const taken = input.config.includes(fileVariable ?? '') || input.paths.some((other) => other.setting.key === fileVariable);
    let lands: string;
    if (fileVariable !== undefined && !taken) {
      mount.env = fileVariable;
      lands = `${secretFile(secret)}, read by ${imageRepository(image)} through ${fileVariable}=${path} (its *_FILE convention)`;
    } else if (classifyName(setting.key).expectsPath) {
      mount.env = setting.key;
      lands = `${secretFile(secret)}; ${setting.key}=${path} now holds its path`;
    } else {
      wrapped.push({ variable: setting.key, path });
      lands = `${secretFile(secret)} at ${path}, exported as ${setting.key} by an entrypoint wrapper (${imageRepository(image)} has no *_FILE convention planes knows)`;
    }
    rows.push(row(setting, 'secret', lands, moved.reasons));
    for (const note of moved.notes) review('review', note, setting.where);
    if (setting.interpolated) {
      const from = setting.interpolated.sources.map((source) => `${source.file}:${source.line}`);
      const variables = setting.interpolated.variables.map((variable) => `\${${variable}}`).join(', ');
      const where = from.length > 0 ? from.join(', ') : 'the shell';
      review('review', `${setting.key} was filled in from ${variables} (${where}); its value now lives in ${secretFile(secret)}, and the new project does not read ${from.length > 0 ? 'that file' : 'the shell'}: remove the value there`, setting.where);
    }
  }

  for (const { setting, target, reasons } of input.paths) {
    const secret = [...mounts.keys()].find((candidate) => targetOf(candidate) === target);
    const mount = secret === undefined ? undefined : mounts.get(secret);
    if (mount === undefined || mount.env !== undefined) {
      const why = mount === undefined ? `no mount of this service lands at ${targetPath(target)}` : `the mount of ${String(secret)} already sets ${mount.env}`;
      review('blocker', `${setting.key} holds a secret's path, but ${why}; the manifest sets one variable per mount: left out`, setting.where);
      rows.push(row(setting, 'left out', why, reasons));
      continue;
    }
    mount.env = setting.key;
    rows.push(row(setting, 'secret path', `${setting.key}=${targetPath(target)}, the mount of the secret ${String(secret)}`, reasons));
  }

  const commandSecrets: CommandSecret[] = input.knownSecrets.map(({ name: secret, value }) => ({
    name: secret,
    path: targetPath(mounts.has(secret) ? targetOf(secret) : secret),
    value,
    variables: movedVariables.get(secret) ?? [],
  }));
  const noShell = lacksShell(image, definition['platform']);
  const commands = secureCommandLines(definition, commandSecrets, noShell);
  for (const secret of commands.used) if (!mounts.has(secret)) mounts.set(secret, {});
  for (const finding of commands.findings) review(finding.level, finding.message);

  const passThrough: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) {
    if (MANAGED.has(key) || key.startsWith('x-')) continue;
    if (!PASS_THROUGH.has(key)) {
      review('blocker', `${key}: the manifest cannot express this key (it is not among PASS_THROUGH_KEYS); left out`);
      continue;
    }
    passThrough[key] = key in commands.fields ? commands.fields[key] : rebased(key, value, input.project.workingDir, input.outDir);
    for (const filled of interpolations(definition, key)) {
      const from = filled.sources.map((source) => `${source.file}:${source.line}`);
      const variables = filled.variables.map((variable) => `\${${variable}}`).join(', ');
      review('review', `${filled.path} was filled in from ${variables}${from.length > 0 ? ` (${from.join(', ')})` : ''}; the manifest holds the value it had now: give it per environment under overrides: if it differs`, filled.where);
    }
  }
  if (wrapped.length > 0) {
    Object.assign(passThrough, wrapper(input, image, wrapped, passThrough, noShell, review));
  }

  const build = definition.build === undefined ? undefined : planBuild(input, review, rows);
  const service: Record<string, unknown> = {
    image,
    ...(build ? { build } : {}),
    ...(input.config.length > 0 ? { config: input.config } : {}),
    ...(mounts.size > 0 ? { secrets: Object.fromEntries([...mounts].map(([secret, mount]) => [secret, mount])) } : {}),
    ...escapeDollars(passThrough),
  };
  return { service, rows, reviews };
}

function targetPath(target: string): string {
  return target.startsWith('/') ? target : `${RUN_SECRETS}/${target}`;
}

/** Where a compose secret mount puts the file: its name under /run/secrets, or an absolute path elsewhere. */
export function mountTarget(mount: MountedResource): string {
  return typeof mount.target === 'string' ? mount.target.replace(/^\/run\/secrets\//, '') : mount.source;
}

function mountOf(mount: MountedResource, secret: string, review: (level: ReviewItem['level'], message: string) => void): Mount {
  const target = mountTarget(mount);
  const result: Mount = target === secret ? {} : { target };
  if (target.startsWith('/')) review('review', `the secret ${mount.source} is mounted at ${target}, outside /run/secrets: kept there`);
  if (typeof mount['uid'] === 'string' || typeof mount['uid'] === 'number') result.uid = String(mount['uid']);
  if (typeof mount['gid'] === 'string' || typeof mount['gid'] === 'number') result.gid = String(mount['gid']);
  const mode = mount['mode'];
  if (typeof mode === 'number') result.mode = `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
  else if (typeof mode === 'string' && /^0?[0-7]{3}$/.test(mode)) result.mode = mode.padStart(4, '0');
  return result;
}

/**
 * Starts the original process through `sh -c` after exporting the secrets from their files:
 * the entrypoint becomes the wrapper, followed by the original entrypoint; the image's CMD is
 * written out as `command` when the service had none, as a new entrypoint clears it.
 */
function wrapper(
  input: ServiceInput,
  image: string,
  wrapped: { variable: string; path: string }[],
  passThrough: Record<string, unknown>,
  noShell: string | undefined,
  review: (level: ReviewItem['level'], message: string) => void,
): Record<string, unknown> {
  const variables = wrapped.map((w) => w.variable).join(', ');
  const script = wrapperScript(wrapped);
  if (noShell !== undefined) {
    review('blocker', `${variables}: ${imageRepository(image)} has no *_FILE convention, and ${noShell} for an entrypoint wrapper; the secret is mounted but the program does not read it: make the program read ${wrapped.map((w) => w.path).join(', ')}`);
    return {};
  }
  const ownEntrypoint = input.definition.entrypoint;
  let entrypoint: string[];
  let command: unknown = passThrough['command'];
  if (ownEntrypoint !== undefined && ownEntrypoint !== null) {
    const current = passThrough['entrypoint'] as string | string[];
    entrypoint = typeof current === 'string' ? splitCommandLine(current) : current;
  } else {
    const process = imageProcess(input.definition, image, input.lookup);
    if (process === undefined) {
      review(
        'blocker',
        `${variables}: ${imageRepository(image)} has no *_FILE convention planes knows, and planes does not know its ENTRYPOINT and CMD (not in its table, no Dockerfile to read, not on this machine: planes never pulls); the secret is mounted but not exported. Either make the program read ${wrapped.map((w) => w.path).join(', ')}, or add to the service in ${MANIFEST_FILE}: entrypoint: ["/bin/sh", "-c", ${JSON.stringify(script.split('$').join('$$'))}, "sh", <the image's ENTRYPOINT…>] and command: <the image's CMD, unless the service sets one>`,
      );
      return {};
    }
    entrypoint = process.entrypoint;
    command ??= process.cmd.length > 0 ? process.cmd : undefined;
    review('review', `the wrapper starts the image's own process, learnt from ${process.from}: ${JSON.stringify([...process.entrypoint, ...(command === undefined ? [] : process.cmd)])}`);
  }
  if (entrypoint.length === 0 && command === undefined) {
    review('blocker', `${variables}: the image starts no process planes can find (no ENTRYPOINT, no CMD) to run after the wrapper`);
    return {};
  }
  review(
    'review',
    `${variables}: ${imageRepository(image)} reads no *_FILE variable, so an entrypoint wrapper exports ${wrapped.length > 1 ? 'them' : 'it'} from ${wrapped.map((w) => w.path).join(', ')} when the container starts. ` +
      `The value is not in the container's configuration (docker inspect shows no secret), but it is in the environment of the running process (/proc/1/environ) for anyone who can exec into the container, and a healthcheck or docker exec does not get it. Better: have the program read the file`,
  );
  return { entrypoint: ['/bin/sh', '-c', script, 'sh', ...entrypoint], ...(command === undefined ? {} : { command }) };
}

function planBuild(input: ServiceInput, review: (level: ReviewItem['level'], message: string, where?: SourceSetting['where']) => void, rows: SettingRow[]): Record<string, unknown> | undefined {
  const build = input.definition.build as NonNullable<ComposeService['build']>;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(build.context)) {
    review('blocker', `build.context ${build.context} is remote; the manifest takes a local context (a path relative to the project): left out the build`);
    return undefined;
  }
  for (const key of Object.keys(build)) {
    if (!BUILD_KEYS.has(key)) review('blocker', `build.${key}: the manifest's build has context, dockerfile, target, args and secrets only; left out`);
  }
  const context = fromOut(input.outDir, build.context);
  const dockerfile = typeof build.dockerfile === 'string' && build.dockerfile !== resolve(build.context, 'Dockerfile') ? fromOut(build.context, build.dockerfile) : undefined;
  const args: Record<string, string> = {};
  for (const setting of input.buildArgs) {
    if (setting.value === undefined) {
      rows.push(row(setting, 'left out', 'the host does not set it here, so Compose passes none', ['not a secret']));
      continue;
    }
    args[setting.key] = escape(setting.value);
    rows.push(row(setting, 'build arg', 'build.args (not secret; it persists in the image)', ['not a secret']));
  }
  for (const moved of input.buildSecretArgs) {
    rows.push(row(moved.setting, 'build secret', `${secretFile(moved.secret)}, mounted in the build as id=${moved.secret}`, moved.reasons));
    review('blocker', `build arg ${moved.setting.key} moved to the build secret ${moved.secret}: the Dockerfile must read it with RUN --mount=type=secret,id=${moved.secret} (cat /run/secrets/${moved.secret}) instead of ARG ${moved.setting.key}`, moved.setting.where);
  }
  const secrets = [...new Set([...input.buildSecretArgs.map((moved) => moved.secret), ...input.buildMounted.map((mounted) => mounted.secret)])];
  for (const { mount } of input.buildMounted) {
    if (mount.target !== undefined && mount.target !== mount.source) review('review', `build secret ${mount.source} had target ${String(mount.target)}; the manifest mounts build secrets by their name`);
  }
  return {
    context,
    ...(dockerfile ? { dockerfile: dockerfile.replace(/^\.\//, '') } : {}),
    ...(typeof build.target === 'string' ? { target: build.target } : {}),
    ...(Object.keys(args).length > 0 ? { args } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
  };
}

function rebased(key: string, value: unknown, workingDir: string, outDir: string): unknown {
  if ((key === 'depends_on' || key === 'networks') && isDefaultMap(value)) return Object.keys(value);
  if (key === 'extra_hosts' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // Normal form is a map; the Swarm stack format takes the list form only.
    return Object.entries(value as Record<string, string>).map(([host, address]) => `${host}:${address}`);
  }
  if (key !== 'volumes' || !Array.isArray(value)) return value;
  return rewriteVolumeSources(value, (path) => fromOut(outDir, resolve(workingDir, path)));
}

/** `depends_on` and `networks` in normal form, when every entry has the defaults the list form means. */
function isDefaultMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (entry) => entry === null || (typeof entry === 'object' && Object.keys(entry).length === 2 && (entry as Record<string, unknown>)['condition'] === 'service_started' && (entry as Record<string, unknown>)['required'] === true),
  );
}

function row(setting: SourceSetting, plane: SettingRow['plane'], lands: string, reasons: string[]): SettingRow {
  return { service: setting.service, key: setting.key, where: setting.where, plane, lands, reasons, value: describeValue(setting.value ?? '') };
}

/** Compose interpolates every string of a compose file: a literal `$` is written `$$`. */
export function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return escape(value) as T;
  if (Array.isArray(value)) return value.map(escapeDollars) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeDollars(inner)])) as T;
  return value;
}

function escape(text: string): string {
  return text.split('$').join('$$');
}
