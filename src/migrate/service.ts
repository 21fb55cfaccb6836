/**
 * One service of the migrated manifest: its image and build, the config it reads, how each
 * of its secrets reaches it (the image's *_FILE convention, a path variable, or a variable set
 * by planes' wrapper), and everything else passed through, host paths rebased and `$` escaped for
 * Compose. What the manifest cannot express is left out and reported.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ComposeOrigin, type ComposeService, type MountedResource, originOf } from '../compose/index.js';
import { argAndEnvEntries, type DockerfileInstruction, parseDockerfile } from '../dockerfile/index.js';
import { displayPath, readTextFile } from '../fs/index.js';
import { classifyName, describeValue, dockerfileSetting, judgeCommandLine, judgeSetting, verdictMessage } from '../judge/index.js';
import { MANIFEST_FILE, RUN_SECRETS, secretFile } from '../layout.js';
import { PASS_THROUGH_KEYS } from '../manifest/index.js';
import { carryWithoutSecrets, secretCarried } from './carried.js';
import { COMMAND_FIELDS, secureCommandLines, type CommandSecret } from './commands.js';
import type { KnownSecrets } from './known-secrets.js';
import { fileVariableOf, imageRepository } from './images.js';
import { rewriteVolumeSources } from '../generate/index.js';
import { fromOut } from './paths.js';
import { imageLacksShell, imageProcess, type LocalImageLookup } from './process.js';
import type { ReviewItem, SettingRow } from './report.js';
import { secretName } from './secrets.js';
import { commandLineSecretTexts, type GuardTexts, secretReplacements } from './secret-texts.js';
import { splitCommandLine } from './shell.js';
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
  knownSecrets: KnownSecrets;
  /** Top-level configs left out of the project (they held a secret): mounts of them go too. */
  droppedConfigs: ReadonlySet<string>;
  lookup: LocalImageLookup | undefined;
}

export interface ServicePlan {
  service: Record<string, unknown>;
  rows: SettingRow[];
  reviews: ReviewItem[];
  /** What of the service the final guard looks for in the files written, and what it may find there. */
  texts: GuardTexts;
}

interface Mount {
  target?: string;
  env?: string;
  /** Set in the process by planes' wrapper, for an image without a *_FILE convention. */
  variable?: string;
  mode?: string;
  uid?: string;
  gid?: string;
}

const MANAGED = new Set(['image', 'build', 'environment', 'env_file', 'secrets', 'extends']);
const PASS_THROUGH: ReadonlySet<string> = new Set(PASS_THROUGH_KEYS);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'target', 'args', 'secrets']);

/** Phase by phase, each given what the earlier ones decided; the report lists rows and reviews in the order of the phases. */
export function planService(input: ServiceInput): ServicePlan {
  const { image, reviews: imageReviews, secrets: imageSecrets } = planImage(input);
  const composeMounts = planComposeMounts(input);
  const moved = planMovedSettings(input, image, composeMounts.mounts);
  const paths = planPathSettings(input, moved.mounts);
  const commands = planCommandLines(input, image, paths.mounts, moved.movedVariables);
  const passThrough = planPassThrough(input, commands);
  const variables = planSecretVariables(input, image, moved.wrapped, commands.mounts, passThrough.settings, commands.noShell);
  const build = planBuild(input);
  const service: Record<string, unknown> = {
    image,
    ...(build.build ? { build: build.build } : {}),
    ...(input.config.length > 0 ? { config: input.config } : {}),
    ...(variables.mounts.size > 0 ? { secrets: Object.fromEntries(variables.mounts) } : {}),
    ...escapeDollars({ ...passThrough.settings, ...variables.settings }),
  };
  return {
    service,
    rows: [...composeMounts.rows, ...moved.rows, ...paths.rows, ...build.rows],
    reviews: [...imageReviews, ...composeMounts.reviews, ...moved.reviews, ...paths.reviews, ...commands.reviews, ...passThrough.reviews, ...variables.reviews, ...build.reviews],
    texts: {
      secrets: [...[...imageSecrets, ...build.secrets].map((value) => ({ value, from: `${input.name}.image or build` })), ...passThrough.texts.secrets],
      ordinary: [input.name, image, ...passThrough.texts.ordinary, ...build.ordinary],
    },
  };
}

type Review = (level: ReviewItem['level'], message: string, where?: SourceSetting['where']) => void;

/** The review items of one phase of planService, and how it adds one. */
function reviewsOf(service: string): { reviews: ReviewItem[]; review: Review } {
  const reviews: ReviewItem[] = [];
  const review: Review = (level, message, where) => {
    reviews.push({ level, service, message, ...(where ? { where } : {}) });
  };
  return { reviews, review };
}

/** What a phase of planService adds: the service's secret mounts so far, and its rows and reviews. */
interface MountPhase {
  mounts: Map<string, Mount>;
  rows: SettingRow[];
  reviews: ReviewItem[];
}

function targetOf(mounts: ReadonlyMap<string, Mount>, secret: string): string {
  return mounts.get(secret)?.target ?? secret;
}

/** The service's image, or the name Compose gives the image it builds (also instead of an image name that holds a secret). */
function planImage({ name, definition, project }: ServiceInput): { image: string; reviews: ReviewItem[]; secrets: string[] } {
  const { review, reviews } = reviewsOf(name);
  const secret = secretCarried(definition, 'image', 'image');
  const image = typeof definition.image === 'string' && secret === undefined ? definition.image : `${project.name}-${name}`;
  if (secret !== undefined) {
    review('blocker', `${secret.message}; the manifest names the image ${image} meanwhile`, secret.where);
  } else if (definition.image === undefined) {
    review('review', `no image named: the manifest names it ${image}, as Compose names the image it builds; push it to a registry for the prod stack`);
  }
  return { image, reviews, secrets: secret?.secrets ?? [] };
}

/** The secrets the service mounted from the original `secrets:`, each with its target, mode, uid and gid. */
function planComposeMounts(input: ServiceInput): MountPhase {
  const { review, reviews } = reviewsOf(input.name);
  const mounts = new Map<string, Mount>();
  const rows: SettingRow[] = [];
  for (const { mount, secret, where, value } of input.mounted) {
    if (mounts.has(secret)) {
      review('blocker', `mounts the secret ${mount.source} twice; the manifest mounts a secret once per service: left out the second mount (target ${String(mount.target)})`);
      continue;
    }
    mounts.set(secret, mountOf(mount, secret, review));
    rows.push({
      service: input.name,
      key: `secret ${mount.source}`,
      where,
      plane: 'secret',
      lands: `${secretFile(secret)} at ${targetPath(targetOf(mounts, secret))}`,
      reasons: ['already a compose secret'],
      value: value === undefined ? 'unknown here' : describeValue(value.toString('utf8')),
    });
  }
  return { mounts, rows, reviews };
}

interface WrappedVariable {
  variable: string;
  secret: string;
  path: string;
}

/**
 * Each setting whose value moved to a secret, mounted by the service: the image reads it
 * through its *_FILE convention, the variable now holds the path, or planes' wrapper sets it
 * as a variable (those are returned in `wrapped`).
 */
function planMovedSettings(input: ServiceInput, image: string, previous: ReadonlyMap<string, Mount>): MountPhase & { wrapped: WrappedVariable[]; movedVariables: Map<string, string[]> } {
  const { review, reviews } = reviewsOf(input.name);
  const mounts = new Map(previous);
  const rows: SettingRow[] = [];
  const wrapped: WrappedVariable[] = [];
  const movedVariables = new Map<string, string[]>();
  for (const { setting, secret, reasons, notes } of input.moved) {
    const mount = mounts.get(secret) ?? {};
    const path = targetPath(targetOf(mounts, secret));
    movedVariables.set(secret, [...(movedVariables.get(secret) ?? []), setting.key]);
    const reached = howMovedSettingIsRead(input, image, setting.key, secret, path);
    mounts.set(secret, reached.env === undefined ? mount : { ...mount, env: reached.env });
    if (reached.env === undefined) wrapped.push({ variable: setting.key, secret, path });
    rows.push(row(setting, 'secret', reached.lands, reasons));
    for (const note of notes) review('review', note, setting.where);
    if (setting.interpolated) {
      const from = setting.interpolated.sources.map((source) => `${source.file}:${source.line}`);
      const variables = setting.interpolated.variables.map((variable) => `\${${variable}}`).join(', ');
      const where = from.length > 0 ? from.join(', ') : 'the shell';
      review('review', `${setting.key} was filled in from ${variables} (${where}); its value now lives in ${secretFile(secret)}, and the new project does not read ${from.length > 0 ? 'that file' : 'the shell'}: remove the value there`, setting.where);
    }
  }
  return { mounts, rows, reviews, wrapped, movedVariables };
}

/** The variable the mount sets (none: planes' wrapper sets the value as the variable), and where the setting lands. */
function howMovedSettingIsRead(input: ServiceInput, image: string, key: string, secret: string, path: string): { env?: string; lands: string } {
  const fileVariable = fileVariableOf(image, key);
  const taken = input.config.includes(fileVariable ?? '') || input.paths.some((other) => other.setting.key === fileVariable);
  if (fileVariable !== undefined && !taken) {
    return { env: fileVariable, lands: `${secretFile(secret)}, read by ${imageRepository(image)} through ${fileVariable}=${path} (its *_FILE convention)` };
  }
  if (classifyName(key).expectsPath) return { env: key, lands: `${secretFile(secret)}; ${key}=${path} now holds its path` };
  return { lands: `${secretFile(secret)} at ${path}, set as ${key} in the process by planes' wrapper (${imageRepository(image)} has no *_FILE convention planes knows)` };
}

/** Each variable that held the path of a mounted secret becomes the `env` of that mount. */
function planPathSettings(input: ServiceInput, previous: ReadonlyMap<string, Mount>): MountPhase {
  const { review, reviews } = reviewsOf(input.name);
  const mounts = new Map(previous);
  const rows: SettingRow[] = [];
  for (const { setting, target, reasons } of input.paths) {
    const secret = [...mounts.keys()].find((candidate) => targetOf(mounts, candidate) === target);
    const mount = secret === undefined ? undefined : mounts.get(secret);
    if (secret === undefined || mount === undefined || mount.env !== undefined) {
      const why = mount === undefined ? `no mount of this service lands at ${targetPath(target)}` : `the mount of ${String(secret)} already sets ${mount.env}`;
      review('blocker', `${setting.key} holds a secret's path, but ${why}; the manifest sets one variable per mount: left out`, setting.where);
      rows.push(row(setting, 'left out', why, reasons));
      continue;
    }
    mounts.set(secret, { ...mount, env: setting.key });
    rows.push(row(setting, 'secret path', `${setting.key}=${targetPath(target)}, the mount of the secret ${secret}`, reasons));
  }
  return { mounts, rows, reviews };
}

/** Command lines that held a secret's value read it from its file instead, and the service mounts each secret they read. */
function planCommandLines(
  input: ServiceInput,
  image: string,
  previous: ReadonlyMap<string, Mount>,
  movedVariables: ReadonlyMap<string, string[]>,
): { mounts: Map<string, Mount>; fields: Record<string, unknown>; leaked: ReadonlySet<string>; noShell: string | undefined; reviews: ReviewItem[] } {
  const { review, reviews } = reviewsOf(input.name);
  // Only the secrets a command line can hold: its values, and those of the variables that moved.
  const lines = JSON.stringify(COMMAND_FIELDS.map((field) => input.definition[field] ?? null));
  const candidates = new Set([...input.knownSecrets.occurringIn(lines), ...[...movedVariables.keys()].flatMap((secret) => input.knownSecrets.named(secret) ?? [])]);
  const commandSecrets: CommandSecret[] = [...candidates].map(({ name: secret, value }) => ({
    name: secret,
    path: targetPath(targetOf(previous, secret)),
    value,
    variables: movedVariables.get(secret) ?? [],
  }));
  const noShell = imageLacksShell(input.definition, image);
  const commands = secureCommandLines(input.definition, commandSecrets, noShell);
  const mounts = new Map(previous);
  for (const secret of commands.used) if (!mounts.has(secret)) mounts.set(secret, {});
  for (const finding of commands.findings) review(finding.level, finding.message);
  return { mounts, fields: commands.fields, leaked: commands.leaked, noShell, reviews };
}

/**
 * Every other key passes through (command lines as secured, host paths rebased), or is left
 * out when the manifest cannot express it, and so is every entry that holds a secret: a
 * command line that still would, any other value the judgement calls one.
 */
function planPassThrough(
  input: ServiceInput,
  commands: { fields: Record<string, unknown>; leaked: ReadonlySet<string> },
): { settings: Record<string, unknown>; reviews: ReviewItem[]; texts: GuardTexts } {
  const { review, reviews } = reviewsOf(input.name);
  const { definition } = input;
  const settings: Record<string, unknown> = {};
  const texts: GuardTexts = { secrets: [], ordinary: [] };
  for (const key of Object.keys(definition)) {
    if (MANAGED.has(key) || key.startsWith('x-')) continue;
    if (!PASS_THROUGH.has(key)) {
      review('blocker', `${key}: the manifest cannot express this key (it is not among PASS_THROUGH_KEYS); left out`);
      continue;
    }
    let carried: unknown;
    let leftOut: string[] = [];
    if (isCommandField(key)) {
      const line = securedCommandLine(definition, key, commands);
      texts.secrets.push(...line.secrets.map((value) => ({ value, from: `${input.name}.${key}` })));
      texts.ordinary.push(...line.ordinary);
      if (commands.leaked.has(key)) continue;
      if (line.leaked) {
        review('blocker', `${key} holds a secret-named variable interpolated into its command line (${line.variables.map((name) => `\${${name}}`).join(', ')}): left out of the migrated project; have the program read the secret from a file under /run/secrets, then write ${key} back`);
        continue;
      }
      carried = line.value;
    } else {
      const kept = carryWithoutSecrets(definition, key, key);
      for (const item of kept.leftOut) {
        review('blocker', item.message, item.where);
        texts.secrets.push(...item.secrets.map((value) => ({ value, from: `${input.name}.${item.path}` })));
      }
      leftOut = kept.leftOut.map((item) => item.path);
      if (kept.value === undefined) continue;
      carried = key === 'configs' ? withoutMountsOf(kept.value, input.droppedConfigs) : kept.value;
      texts.ordinary.push(...stringsOf(carried));
    }
    settings[key] = rebased(key, carried, input.project.workingDir, input.outDir);
    for (const filled of interpolations(definition, key)) {
      if (leftOut.some((path) => filled.path === path || filled.path.startsWith(`${path}.`))) continue;
      const from = filled.sources.map((source) => `${source.file}:${source.line}`);
      const variables = filled.variables.map((variable) => `\${${variable}}`).join(', ');
      review('review', `${filled.path} was filled in from ${variables}${from.length > 0 ? ` (${from.join(', ')})` : ''}; the manifest holds the value it had now: give it per environment under overrides: if it differs`, filled.where);
    }
  }
  return { settings, reviews, texts };
}

function isCommandField(key: string): key is (typeof COMMAND_FIELDS)[number] {
  return (COMMAND_FIELDS as readonly string[]).includes(key);
}

/**
 * A command line as secured, and whether it still holds a secret: a blocker of securing it, or
 * a secret-named variable interpolated into it whose value is still on it.
 */
function securedCommandLine(
  definition: ComposeService,
  field: (typeof COMMAND_FIELDS)[number],
  commands: { fields: Record<string, unknown>; leaked: ReadonlySet<string> },
): { value: unknown; leaked: boolean; variables: string[]; secrets: string[]; ordinary: string[] } {
  const value = field in commands.fields ? commands.fields[field] : definition[field];
  const { line, written } = commandLineOf(definition, field);
  const secrets = line === undefined ? [] : commandLineSecretTexts(line, written);
  // A secret-named variable Compose interpolated: securing reads the known secrets from their files, not the others.
  const interpolated = written.flatMap((origin) => secretReplacements(origin?.references ?? []));
  const onTheLine = stringsOf(value);
  const still = interpolated.filter((replacement) => onTheLine.some((text) => text.includes(replacement.value)));
  // What is left of the line as written once its secrets are taken out: a value equal to one of them there is no secret (a user name).
  const ordinary = stringsOf(line ?? []).map((text) => secrets.reduce((rest, secret) => rest.split(secret).join(' '), text));
  return { value, leaked: still.length > 0, variables: [...new Set(still.map((replacement) => replacement.variable))], secrets, ordinary };
}

/** The command line of a field as written (for healthcheck, its test), with how each part was written. */
function commandLineOf(definition: ComposeService, field: (typeof COMMAND_FIELDS)[number]): { line: string | string[] | undefined; written: (ComposeOrigin | undefined)[] } {
  const holder: object = field === 'healthcheck' ? (definition.healthcheck ?? {}) : definition;
  const key = field === 'healthcheck' ? 'test' : field;
  const line = (holder as Record<string, unknown>)[key];
  if (typeof line === 'string') return { line, written: [originOf(holder, key)] };
  if (Array.isArray(line) && line.every((item) => typeof item === 'string')) return { line: line as string[], written: line.map((_, index) => originOf(line, index)) };
  return { line: undefined, written: [] };
}

/** A service's `configs:` without its mounts of configs left out of the project. */
function withoutMountsOf(mounts: unknown, dropped: ReadonlySet<string>): unknown {
  if (!Array.isArray(mounts) || dropped.size === 0) return mounts;
  return mounts.filter((mount) => !dropped.has(typeof mount === 'string' ? mount : String((mount as { source?: unknown }).source)));
}

/** Every string of a value, keys of mappings included. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsOf(inner)]);
  return [];
}

function targetPath(target: string): string {
  return target.startsWith('/') ? target : `${RUN_SECRETS}/${target}`;
}

/** Where a compose secret mount puts the file: its name under /run/secrets, or an absolute path elsewhere. */
export function mountTarget(mount: MountedResource): string {
  return typeof mount.target === 'string' ? mount.target.replace(/^\/run\/secrets\//, '') : mount.source;
}

function mountOf(mount: MountedResource, secret: string, review: Review): Mount {
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
 * A secret the image reads from its environment only is given as a variable: the mount's
 * `variable`, which starts the service through planes' wrapper (config/secret-env.sh). The
 * wrapper then runs the service's own entrypoint, else the image's as `image_start`, learnt from
 * the Dockerfile it is built from, the table of known images or an image on this machine.
 * Where none of them tells, or the image has no shell, the secret stays a mounted file and a
 * blocker gives what to add.
 */
function planSecretVariables(
  input: ServiceInput,
  image: string,
  wrapped: WrappedVariable[],
  previous: ReadonlyMap<string, Mount>,
  passThrough: Record<string, unknown>,
  noShell: string | undefined,
): { mounts: Map<string, Mount>; settings: Record<string, unknown>; reviews: ReviewItem[] } {
  const { review, reviews } = reviewsOf(input.name);
  const mounts = new Map(previous);
  if (wrapped.length === 0) return { mounts, settings: {}, reviews };
  const variables = wrapped.map((w) => w.variable).join(', ');
  const paths = wrapped.map((w) => w.path).join(', ');
  const variableLines = wrapped.map((w) => `${w.secret}: { variable: ${w.variable} }`).join(', ');
  if (noShell !== undefined) {
    review('blocker', `${variables}: ${imageRepository(image)} has no *_FILE convention, and ${noShell} for the wrapper that sets a variable from a secret file; the secret is mounted at ${paths} but the program does not read it: make the program read ${paths}`);
    return { mounts, settings: {}, reviews };
  }
  const start = startAfterWrapper(input, image, passThrough, review);
  if (start === null) return { mounts, settings: {}, reviews };
  if (start === undefined) {
    review(
      'blocker',
      `${variables}: ${imageRepository(image)} has no *_FILE convention planes knows, and planes does not know its ENTRYPOINT and CMD (not in its table, no Dockerfile to read, not on this machine: planes never pulls); the secret is mounted at ${paths} but not set as ${variables}. ` +
        `Either make the program read ${paths}, or give it as a variable: in ${MANIFEST_FILE}, under services.${input.name}, write secrets: { ${variableLines} } and image_start: { entrypoint: [<the image's ENTRYPOINT>], command: [<the image's CMD>] } ` +
        `(docker image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' ${image} shows them; [] for none)`,
    );
    return { mounts, settings: {}, reviews };
  }
  for (const { secret, variable } of wrapped) mounts.set(secret, { ...(mounts.get(secret) ?? {}), variable });
  review(
    'review',
    `${variables}: ${imageRepository(image)} reads no *_FILE variable, so the service starts through planes' wrapper, which sets ${wrapped.length > 1 ? 'them' : 'it'} from ${paths} in the process it starts (the mount's variable:). ` +
      `The value is not in the container's configuration (docker inspect shows no secret), but it is in the environment of the running process (/proc/1/environ) for anyone who can exec into the container, and a healthcheck or docker exec does not get it. Better: have the program read the file`,
  );
  return { mounts, settings: start, reviews };
}

/**
 * What the service needs besides the variable mounts for the wrapper to start its process:
 * its own entrypoint as a list, or the image's process as image_start. Undefined: the image's
 * process is unknown; null: none can be given, and a blocker says why.
 */
function startAfterWrapper(input: ServiceInput, image: string, passThrough: Record<string, unknown>, review: Review): Record<string, unknown> | undefined | null {
  const ownEntrypoint = input.definition.entrypoint;
  if (ownEntrypoint !== undefined && ownEntrypoint !== null) {
    const current = passThrough['entrypoint'] as string | string[] | undefined;
    if (current === undefined) {
      review('blocker', `the service's own entrypoint was left out (it held a secret), so the wrapper that sets secrets as variables has no process to start; the secrets stay mounted files`);
      return null;
    }
    // A service's own entrypoint makes the engine ignore the image's CMD: no command is none, said as [].
    return { entrypoint: typeof current === 'string' ? splitCommandLine(current) : current, ...(passThrough['command'] === undefined ? { command: [] } : {}) };
  }
  const process = imageProcess(input.definition, image, input.lookup);
  if (process === undefined) return undefined;
  if (process.entrypoint.length === 0 && process.cmd.length === 0 && passThrough['command'] === undefined) {
    review('blocker', `the image starts no process planes can find (no ENTRYPOINT, no CMD in ${process.from}) for the wrapper to run`);
    return null;
  }
  // A Dockerfile's ENTRYPOINT or CMD is no input of the compose setup: the judgement decides whether it may be written.
  const held = [judgeCommandLine({ field: 'entrypoint', value: process.entrypoint, written: [] }), judgeCommandLine({ field: 'command', value: process.cmd, written: [] })].flat().filter((verdict) => verdict.severity === 'error');
  const [first] = held;
  if (first !== undefined) {
    review('blocker', `the image's ENTRYPOINT or CMD, learnt from ${process.from}, holds a secret on its command line (${first.reason}): not written into ${MANIFEST_FILE} as image_start; have the program read it from a file under /run/secrets, then give image_start by hand`);
    return null;
  }
  review('review', `the wrapper starts the image's own process, learnt from ${process.from}: image_start ${JSON.stringify({ entrypoint: process.entrypoint, command: process.cmd })}`);
  return { image_start: { entrypoint: process.entrypoint, command: process.cmd } };
}

/** The build, unless the service has none or its context is remote. */
function planBuild(input: ServiceInput): { build: Record<string, unknown> | undefined; rows: SettingRow[]; reviews: ReviewItem[]; ordinary: string[]; secrets: string[] } {
  const { review, reviews } = reviewsOf(input.name);
  const { build } = input.definition;
  if (build === undefined) return { build: undefined, rows: [], reviews, ordinary: [], secrets: [] };
  const secret = ['context', 'dockerfile', 'target'].map((key) => secretCarried(build, key, `build.${key}`)).find((found) => found !== undefined);
  if (secret !== undefined) {
    review('blocker', `${secret.message}; the build is left out with it`, secret.where);
    return { build: undefined, rows: [], reviews, ordinary: [], secrets: secret.secrets };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(build.context)) {
    review('blocker', `build.context ${build.context} is remote; the manifest takes a local context (a path relative to the project): left out the build`);
    return { build: undefined, rows: [], reviews, ordinary: [], secrets: [] };
  }
  for (const key of Object.keys(build)) {
    if (!BUILD_KEYS.has(key)) review('blocker', `build.${key}: the manifest's build has context, dockerfile, target, args and secrets only; left out`);
  }
  dockerfileSecrets(input, review);
  const context = fromOut(input.outDir, build.context);
  const dockerfile = typeof build.dockerfile === 'string' && build.dockerfile !== resolve(build.context, 'Dockerfile') ? fromOut(build.context, build.dockerfile) : undefined;
  const { args, rows: argRows } = planBuildArgs(input.buildArgs);
  const { secrets, rows: secretRows, reviews: secretReviews } = planBuildSecrets(input);
  return {
    build: {
      context,
      ...(dockerfile ? { dockerfile: dockerfile.replace(/^\.\//, '') } : {}),
      ...(typeof build.target === 'string' ? { target: build.target } : {}),
      ...(Object.keys(args).length > 0 ? { args } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
    },
    rows: [...argRows, ...secretRows],
    reviews: [...reviews, ...secretReviews],
    ordinary: [build.context, ...stringsOf(build.dockerfile ?? ''), ...stringsOf(build.target ?? ''), ...stringsOf(args)],
    secrets: [],
  };
}

/**
 * The Dockerfile the service builds, which migration carries over as it is: each ARG and ENV
 * the judgement calls a secret stays in the image it builds, so the report names its line and
 * the BuildKit fix.
 */
function dockerfileSecrets(input: ServiceInput, review: Review): void {
  const path = input.definition.build?.dockerfile;
  if (typeof path !== 'string' || !path.startsWith('/') || !existsSync(path)) return;
  let instructions: DockerfileInstruction[];
  try {
    instructions = parseDockerfile(readTextFile(path, path), path);
  } catch {
    // A Dockerfile BuildKit cannot read either: planes check reports it.
    return;
  }
  const file = displayPath(input.project.workingDir, path);
  for (const entry of argAndEnvEntries(instructions)) {
    const verdict = judgeSetting(dockerfileSetting(entry));
    if (verdict === undefined) continue;
    const id = secretName(entry.key);
    review(
      verdict.severity === 'error' ? 'blocker' : 'review',
      `${file}:${entry.line}: ${entry.keyword} ${entry.key}: ${verdictMessage(verdict)}. planes migrate does not rewrite Dockerfiles: remove it there, and read the secret in the RUN that needs it with RUN --mount=type=secret,id=${id} (it is then at /run/secrets/${id} for that step only), passed by build.secrets: [${id}] of the service and build_secrets.${id} in ${MANIFEST_FILE}`,
      { file, line: entry.line, column: entry.column },
    );
  }
}

/** The build args that are no secret stay build args; one the host does not set is left out, as Compose passes none. */
function planBuildArgs(buildArgs: SourceSetting[]): { args: Record<string, string>; rows: SettingRow[] } {
  const args: Record<string, string> = {};
  const rows: SettingRow[] = [];
  for (const setting of buildArgs) {
    if (setting.value === undefined) {
      rows.push(row(setting, 'left out', 'the host does not set it here, so Compose passes none', ['not a secret']));
      continue;
    }
    args[setting.key] = escape(setting.value);
    rows.push(row(setting, 'build arg', 'build.args (not secret; it persists in the image)', ['not a secret']));
  }
  return { args, rows };
}

/** The build secrets: those the build mounted, and the build args whose value moved to one (the Dockerfile must then read the file). */
function planBuildSecrets(input: ServiceInput): { secrets: string[]; rows: SettingRow[]; reviews: ReviewItem[] } {
  const { review, reviews } = reviewsOf(input.name);
  const rows: SettingRow[] = [];
  for (const moved of input.buildSecretArgs) {
    rows.push(row(moved.setting, 'build secret', `${secretFile(moved.secret)}, mounted in the build as id=${moved.secret}`, moved.reasons));
    review('blocker', `build arg ${moved.setting.key} moved to the build secret ${moved.secret}: the Dockerfile must read it with RUN --mount=type=secret,id=${moved.secret} (cat /run/secrets/${moved.secret}) instead of ARG ${moved.setting.key}`, moved.setting.where);
  }
  const secrets = [...new Set([...input.buildSecretArgs.map((moved) => moved.secret), ...input.buildMounted.map((mounted) => mounted.secret)])];
  for (const { mount } of input.buildMounted) {
    if (mount.target !== undefined && mount.target !== mount.source) review('review', `build secret ${mount.source} had target ${String(mount.target)}; the manifest mounts build secrets by their name`);
  }
  return { secrets, rows, reviews };
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
