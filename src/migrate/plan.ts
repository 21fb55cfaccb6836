/**
 * From the compose setup to the manifest of the migrated project: classify every setting,
 * route the paths of mounted secrets, plan the config plane, name the secrets, plan each
 * service, and define the secrets and build secrets with the values that go to secrets/*.txt.
 */
import { COMMON_ENV_FILE, DEFAULT_ENVIRONMENTS, MANIFEST_FILE, secretFile } from '../layout.js';
import { classifyName, describeValue, detectCredentials, isPlaceholder, judgeConfigText, judgeConfigVariable, judgeSetting, verdictProblem } from '../judge/index.js';
import { displayPath, readTextFile } from '../fs/index.js';
import { envFiles, rewriteConfigFiles } from '../generate/index.js';
import { manifestSchema } from '../manifest/index.js';
import { carryWithoutSecrets } from './carried.js';
import { classify, type Classification } from './classify.js';
import { dropConfig, planConfig, type ConfigPlan, type ConfigSetting } from './config.js';
import { dsnTemplate, splitDsn } from './dsn.js';
import { fromOut } from './paths.js';
import { KnownSecrets } from './known-secrets.js';
import type { LocalImageLookup } from './process.js';
import type { ReviewItem, SettingRow } from './report.js';
import { nameSecrets, type NamedSecret, type SecretUse } from './secrets.js';
import type { GuardTexts } from './secret-texts.js';
import { escapeDollars, mountTarget, planService, stringsOf, type MountedSecret, type MovedSetting, type PathSetting } from './service.js';
import type { Source, SourceSetting } from './source.js';

export interface PlanOptions {
  /** Absolute. */
  outDir: string;
  lookup?: LocalImageLookup;
}

export interface MigrationPlan {
  manifest: Record<string, unknown>;
  /** The values that go to secrets/<name>.txt. */
  secretFiles: { name: string; value: string }[];
  rows: SettingRow[];
  reviews: ReviewItem[];
  /** The secrets of the input and its ordinary text, for the final guard (guard.ts). */
  texts: GuardTexts;
}

interface Classified {
  setting: SourceSetting;
  verdict: Classification;
}

export function planMigration(source: Source, options: PlanOptions): MigrationPlan {
  const name = source.project.name === '' ? 'app' : source.project.name;
  const reviews: ReviewItem[] = [];
  const rows: SettingRow[] = [];

  const classified = unifySecretNames(source.settings.map((setting) => ({ setting, verdict: classify(setting) })));
  const routed = routePaths(source, classified, rows, reviews);
  const configPlan = planConfig(routed.config);
  checkEnvFileValues(name, configPlan);
  rows.push(...configPlan.rows);
  reviews.push(...configPlan.reviews);

  const top = topLevel(source, options.outDir);
  const texts: GuardTexts = { secrets: [...inputSecrets(source, classified), ...top.texts.secrets], ordinary: [name, ...configTexts(configPlan), ...top.texts.ordinary] };
  const secretNames = planSecretNames(source, classified, configPlan, reviews, texts);
  const services = planServices(source, options, { name, classified, configPlan, paths: routed.paths, secretNames, droppedConfigs: top.droppedConfigs }, rows, reviews, texts);
  sharedConfigReviews(configPlan.byService, Object.keys(configPlan.config), reviews);

  const { secrets, buildSecrets, secretFiles } = defineSecrets(source, secretNames, options.outDir, reviews);
  reviews.push(...unusedComposeSecrets(source, secretNames.uses), ...top.reviews);

  const manifest: Record<string, unknown> = {
    name,
    environments: DEFAULT_ENVIRONMENTS,
    ...(Object.keys(configPlan.config).length > 0 ? { config: configPlan.config } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(Object.keys(buildSecrets).length > 0 ? { build_secrets: buildSecrets } : {}),
    services,
    ...top.entries,
  };
  return { manifest, secretFiles, rows: inServiceOrder(rows, Object.keys(source.project.model.services)), reviews, texts };
}

/** The values of the input the judgement calls secrets: each setting in the secret plane, each compose secret. */
function inputSecrets(source: Source, classified: readonly Classified[]): GuardTexts['secrets'] {
  return [
    // A secret of the project's .env may be used anywhere interpolation reaches: a path, a name, a key.
    ...source.project.projectEnv.entries.flatMap((entry) =>
      entry.value !== undefined && judgeSetting({ place: 'env-file', name: entry.key, value: entry.value })?.severity === 'error' ? [{ value: entry.value, from: `${entry.key} of the project's env file` }] : [],
    ),
    ...classified.flatMap(({ setting, verdict }) => (verdict.plane === 'secret' && setting.value !== undefined ? [{ value: setting.value, from: `${setting.service}.${setting.key}` }] : [])),
    ...[...source.secrets.values()].flatMap((secret) => (secret.value === undefined ? [] : [{ value: secret.value.toString('utf8'), from: `the compose secret ${secret.name}` }])),
  ];
}

function configTexts(plan: ConfigPlan): string[] {
  return Object.entries(plan.config).flat();
}

/** Every use of a secret, the secrets they are named into, and the values a command line may hold. */
interface SecretNames {
  uses: UseEntry[];
  named: NamedSecret[];
  nameOf: (use: SecretUse) => string;
  /** Every runtime secret with a known value. */
  knownSecrets: KnownSecrets;
  /** Each templated DSN secret, and the secret holding its password. */
  partOf: Map<NamedSecret, string>;
}

function planSecretNames(source: Source, classified: readonly Classified[], configPlan: ConfigPlan, reviews: ReviewItem[], texts: GuardTexts): SecretNames {
  const { entries: uses, parts } = secretUses(source, classified, reviews, texts);
  const taken = new Set(Object.keys(configPlan.config).map((key) => key.toLowerCase()));
  // The passwords of DSNs come last: merged with a secret of the same value, that one names it.
  const named = nameSecrets([...uses.map((entry) => entry.use), ...parts.values()], taken);
  const secretOf = new Map<SecretUse, NamedSecret>(named.flatMap((secret) => secret.uses.map((use) => [use, secret] as const)));
  const knownSecrets = new KnownSecrets(
    named.filter((secret) => !secret.build && secret.value !== undefined && secret.value.length > 0).map((secret) => ({ name: secret.name, value: (secret.value as Buffer).toString('utf8') })),
  );
  const partOf = new Map(named.flatMap((secret) => (secret.template === undefined ? [] : [[secret, (secretOf.get(parts.get(secret.uses[0] as SecretUse) as SecretUse) as NamedSecret).name] as const])));
  for (const [secret, part] of partOf) {
    const [first] = secret.uses;
    reviews.push({
      level: 'review',
      ...(first ? { service: first.service } : {}),
      message: `${usedAt(secret).join(', ')}: the URL is now the templated secret ${secret.name} (its template in ${MANIFEST_FILE}), its password the secret ${part} (${secretFile(part)}); planes setup renders ${secretFile(secret.name)} byte for byte as the URL was, and Swarm renders it on the node`,
    });
  }
  return { uses, named, nameOf: (use) => (secretOf.get(use) as NamedSecret).name, knownSecrets, partOf };
}

interface ServicesInput {
  name: string;
  classified: readonly Classified[];
  configPlan: ConfigPlan;
  paths: readonly PathSetting[];
  secretNames: SecretNames;
  droppedConfigs: ReadonlySet<string>;
}

/** Each service of the manifest, in the order of the original; their rows, reviews and texts are added to the plan's. */
function planServices(source: Source, options: PlanOptions, input: ServicesInput, rows: SettingRow[], reviews: ReviewItem[], texts: GuardTexts): Record<string, unknown> {
  const { project } = source;
  const { classified, configPlan, secretNames } = input;
  const { nameOf } = secretNames;
  const services: Record<string, unknown> = {};
  // Each service's own part of every list, found once: a project may have thousands of services.
  const uses = groupBy(secretNames.uses, (entry) => entry.use.service);
  const paths = groupBy(input.paths, (path) => path.setting.service);
  const buildArgs = groupBy(
    classified.filter((c) => c.setting.place === 'build-arg' && c.verdict.plane !== 'secret').map((c) => c.setting),
    (setting) => setting.service,
  );
  for (const [service, definition] of Object.entries(project.model.services)) {
    const own = uses.get(service) ?? [];
    const planned = planService({
      name: service,
      definition,
      project: { name: input.name, workingDir: project.workingDir },
      outDir: options.outDir,
      config: configPlan.byService.get(service) ?? [],
      moved: movedSettings(own, 'variable', nameOf),
      mounted: mountedSecrets(source, own, 'compose-secret', nameOf),
      paths: paths.get(service) ?? [],
      buildArgs: buildArgs.get(service) ?? [],
      buildSecretArgs: movedSettings(own, 'build-arg', nameOf),
      buildMounted: mountedSecrets(source, own, 'build-secret', nameOf),
      knownSecrets: secretNames.knownSecrets,
      droppedConfigs: input.droppedConfigs,
      lookup: options.lookup,
    });
    services[service] = planned.service;
    rows.push(...planned.rows);
    reviews.push(...planned.reviews);
    texts.secrets.push(...planned.texts.secrets);
    texts.ordinary.push(...planned.texts.ordinary);
  }
  return services;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group === undefined) groups.set(keyOf(item), [item]);
    else group.push(item);
  }
  return groups;
}

/** A compose secret no service mounts is not carried over. */
function unusedComposeSecrets(source: Source, uses: readonly UseEntry[]): ReviewItem[] {
  const mounted = new Set(uses.flatMap((entry) => ('mount' in entry ? [entry.use.key] : [])));
  return [...source.secrets.keys()]
    .filter((composeName) => !mounted.has(composeName))
    .map((composeName) => ({ level: 'review', message: `the compose secret ${composeName} is used by no service: left out` }));
}

/** Rows by service in the order of the original, then by where they were written. */
function inServiceOrder(rows: SettingRow[], order: readonly string[]): SettingRow[] {
  const rank = new Map(order.map((service, index) => [service, index]));
  const rankOf = (row: SettingRow): number => rank.get(row.service) ?? -1;
  return rows.sort((a, b) => rankOf(a) - rankOf(b) || a.where.file.localeCompare(b.where.file) || a.where.line - b.where.line || a.where.column - b.where.column);
}

/** The manifest's secrets and build secrets, and the values that go to their files. */
function defineSecrets(
  source: Source,
  { named, partOf }: Pick<SecretNames, 'named' | 'partOf'>,
  outDir: string,
  reviews: ReviewItem[],
): { secrets: Record<string, unknown>; buildSecrets: Record<string, unknown>; secretFiles: MigrationPlan['secretFiles'] } {
  const secrets: Record<string, unknown> = {};
  const buildSecrets: Record<string, unknown> = {};
  const secretFiles: MigrationPlan['secretFiles'] = [];
  for (const secret of named) {
    const part = partOf.get(secret);
    // A templated secret's file is its rendering: the original DSN, as planes setup renders it.
    const definition =
      secret.build ? buildSecretDefinition(source, secret, outDir)
      : secret.template && part ? { description: `rendered from the secret ${part}; moved by planes migrate from ${usedAt(secret).join(', ')}`, template: dsnTemplate(secret.template, part) }
      : runtimeSecretDefinition(source, secret, reviews);
    (secret.build ? buildSecrets : secrets)[secret.name] = definition;
    // A build secret read from a host file or variable stays there; every other value goes to its file.
    if (secret.build && !('file' in definition && definition.file === secretFile(secret.name))) continue;
    const text = secret.value?.toString('utf8');
    if (secret.value === undefined) {
      reviews.push({ level: 'review', message: `the secret ${secret.name} has no value here: put it in ${secretFile(secret.name)} (planes setup lists what is missing)` });
    } else if (text === undefined || !Buffer.from(text).equals(secret.value)) {
      reviews.push({ level: 'blocker', message: `the secret ${secret.name} is binary; planes migrate writes text only: copy its file to ${secretFile(secret.name)} (mode 0600) by hand` });
    } else {
      secretFiles.push({ name: secret.name, value: text });
    }
  }
  return { secrets, buildSecrets, secretFiles };
}

/** A variable is in one plane: a secret in one service is a secret in every service that sets it. */
function unifySecretNames(classified: Classified[]): Classified[] {
  const secretIn = new Map<string, string>();
  for (const { setting, verdict } of classified) {
    if (setting.place !== 'build-arg' && verdict.plane === 'secret' && !secretIn.has(setting.key)) secretIn.set(setting.key, setting.service);
  }
  return classified.map((entry) => {
    const service = secretIn.get(entry.setting.key);
    if (entry.setting.place === 'build-arg' || entry.verdict.plane !== 'config' || service === undefined) return entry;
    const notes = [`${entry.setting.key} holds no secret in ${entry.setting.service}, but does in ${service}: a setting has one plane, so it is a secret here too`];
    return { ...entry, verdict: { plane: 'secret', reasons: [`same variable as the secret in ${service}`], notes } };
  });
}

/**
 * A variable holding /run/secrets/<target> becomes the `env` of that mount, once per mount;
 * a second one becomes config (it holds only a path), unless its name says secret.
 */
function routePaths(source: Source, classified: Classified[], rows: SettingRow[], reviews: ReviewItem[]): { config: ConfigSetting[]; paths: PathSetting[] } {
  const config: ConfigSetting[] = [];
  const paths: PathSetting[] = [];
  const claimed = new Set<string>();
  for (const { setting, verdict } of classified) {
    if (setting.place === 'build-arg') continue;
    if (verdict.plane === 'config') config.push({ setting, reasons: verdict.reasons });
    if (verdict.plane !== 'secret-path') continue;
    const mounts = source.project.model.services[setting.service]?.secrets ?? [];
    const claim = `${setting.service}\u0000${verdict.target}`;
    if (mounts.some((mount) => mountTarget(mount) === verdict.target) && !claimed.has(claim)) {
      claimed.add(claim);
      paths.push({ setting, target: verdict.target, reasons: verdict.reasons });
    } else if (!classifyName(setting.key).secret) {
      config.push({ setting, reasons: [...verdict.reasons, 'only a path: config'] });
    } else {
      rows.push({ service: setting.service, key: setting.key, where: setting.where, plane: 'left out', lands: 'a secret-named variable holding a path the manifest cannot set', reasons: verdict.reasons, value: describeValue(setting.value ?? '') });
      reviews.push({ level: 'blocker', service: setting.service, where: setting.where, message: `${setting.key} holds the path ${setting.value ?? ''} of a secret the service does not mount (or whose mount already has its variable); the manifest can set it only as the variable of a mount: left out` });
    }
  }
  return { config, paths };
}

/** Values that an env file read by both Compose and docker stack cannot carry unchanged. */
function checkEnvFileValues(name: string, plan: ConfigPlan): void {
  const parsed = manifestSchema.safeParse({ name, environments: DEFAULT_ENVIRONMENTS, config: plan.config, services: {} });
  if (!parsed.success) return;
  for (const problem of envFiles(parsed.data, MANIFEST_FILE).problems) {
    const key = String(problem.path[1]);
    dropConfig(plan, key, `config ${problem.message}: left out`);
  }
}

/** A use of a secret: a setting whose value moved, or a mount of a secret of the original `secrets:`. */
type UseEntry = { use: SecretUse; classified: Classified } | { use: SecretUse; mount: MountedSecret['mount'] };

function movedSettings(entries: readonly UseEntry[], kind: SecretUse['kind'], nameOf: (use: SecretUse) => string): MovedSetting[] {
  return entries.flatMap((entry) => {
    if (!('classified' in entry) || entry.use.kind !== kind) return [];
    const { setting, verdict } = entry.classified;
    return [{ setting, secret: nameOf(entry.use), reasons: verdict.reasons, notes: verdict.notes }];
  });
}

function mountedSecrets(source: Source, entries: readonly UseEntry[], kind: SecretUse['kind'], nameOf: (use: SecretUse) => string): MountedSecret[] {
  return entries.flatMap((entry) => {
    if (!('mount' in entry) || entry.use.kind !== kind) return [];
    const where = source.secrets.get(entry.use.key)?.where ?? { file: source.project.files[0] ?? '.', line: 1, column: 1 };
    return [{ mount: entry.mount, secret: nameOf(entry.use), where, value: entry.use.value }];
  });
}

/**
 * Every use of a secret; a DSN with a password in a URL is a templated secret, its password a
 * use of its own (`parts`, by the DSN's use), or one secret whole with a review saying why.
 */
function secretUses(source: Source, classified: readonly Classified[], reviews: ReviewItem[], texts: GuardTexts): { entries: UseEntry[]; parts: Map<SecretUse, SecretUse> } {
  const entries: UseEntry[] = [];
  const parts = new Map<SecretUse, SecretUse>();
  for (const [service, definition] of Object.entries(source.project.model.services)) {
    for (const mount of definition.secrets ?? []) {
      entries.push({ use: { service, key: mount.source, kind: 'compose-secret', value: source.secrets.get(mount.source)?.value, placeholder: false }, mount });
    }
    for (const mount of definition.build?.secrets ?? []) {
      entries.push({ use: { service, key: mount.source, kind: 'build-secret', value: source.secrets.get(mount.source)?.value, placeholder: false }, mount });
    }
  }
  for (const entry of classified) {
    if (entry.verdict.plane !== 'secret') continue;
    const { setting } = entry;
    const value = setting.value === undefined ? undefined : Buffer.from(setting.value);
    const kind = setting.place === 'build-arg' ? 'build-arg' : 'variable';
    const use: SecretUse = { service: setting.service, key: setting.key, kind, value, placeholder: isPlaceholder(setting.value ?? '') };
    const dsn = kind === 'variable' && setting.value !== undefined ? splitDsn(setting.value) : undefined;
    if (dsn !== undefined && 'whole' in dsn) {
      reviews.push({ level: 'review', service: setting.service, where: setting.where, message: `${setting.key} holds a URL with a password, kept whole as one secret: ${dsn.whole}` });
    } else if (dsn !== undefined) {
      const { before, after, written, password } = dsn.split;
      use.template = { before, after };
      parts.set(use, { service: setting.service, key: `${setting.key}_PASSWORD`, kind: 'variable', value: Buffer.from(password), placeholder: isPlaceholder(password), partOf: setting.key });
      texts.secrets.push(...[written, password].map((text) => ({ value: text, from: `the password of ${setting.service}.${setting.key}` })));
      texts.ordinary.push(before, after);
    }
    entries.push({ use, classified: entry });
  }
  return { entries, parts };
}

/** Where a secret's value was: the variables and compose secrets that held it, or the DSN whose password it is. */
function usedAt(secret: NamedSecret): string[] {
  return [...new Set(secret.uses.map((use) => (use.kind === 'compose-secret' ? `secrets.${use.key}` : use.partOf !== undefined ? `the password of ${use.service}.${use.partOf}` : `${use.service}.${use.key}`)))];
}

function runtimeSecretDefinition(source: Source, secret: NamedSecret, reviews: ReviewItem[]): Record<string, unknown> {
  const from = usedAt(secret);
  const composeSecret = secret.uses.find((use) => use.kind === 'compose-secret');
  const original = composeSecret && source.secrets.get(composeSecret.key);
  if (from.length > 1) reviews.push({ level: 'review', message: `one secret ${secret.name} for ${from.join(', ')}: they hold the same value (${describeValue((secret.value ?? Buffer.alloc(0)).toString('utf8'))}); split it if they should differ` });
  if (original?.kind === 'external') {
    reviews.push({ level: 'review', message: `the compose secret ${original.name} was external (${original.externalName ?? original.name} in Swarm); the prod stack expects <stack>_${secret.name}: create it with planes secrets push --env prod, and put its dev value in ${secretFile(secret.name)}` });
  }
  return {
    description: `moved by planes migrate from ${from.join(', ')}`,
    ...(original?.kind === 'environment' && original.variable ? { source: { env: original.variable } } : {}),
  };
}

function buildSecretDefinition(source: Source, secret: NamedSecret, outDir: string): { file: string } | { env: string } {
  const composeSecret = secret.uses.find((use) => use.kind === 'build-secret');
  const original = composeSecret && source.secrets.get(composeSecret.key);
  if (original?.kind === 'file' && original.file) return { file: fromOut(outDir, original.file) };
  if (original?.kind === 'environment' && original.variable) return { env: original.variable };
  const arg = secret.uses.find((use) => use.kind === 'build-arg');
  if (secret.value === undefined && arg) return { env: arg.key };
  return { file: secretFile(secret.name) };
}

/**
 * The config plane is one env file for all: a service also receives the config of the others.
 * One review says so for all of them, naming a few: a review per service naming the settings
 * of all the others grows with the square of the number of services.
 */
function sharedConfigReviews(byService: Map<string, string[]>, keys: string[], reviews: ReviewItem[]): void {
  const receiving = [...byService].filter(([, own]) => own.length > 0 && own.length < keys.length).map(([service]) => service);
  if (receiving.length === 0) return;
  const named = receiving.length <= SERVICES_NAMED ? receiving.join(', ') : `${receiving.slice(0, SERVICES_NAMED).join(', ')} and ${receiving.length - SERVICES_NAMED} more`;
  reviews.push({
    level: 'review',
    message: `${named} also receive${receiving.length === 1 ? 's' : ''} the config of other services: every service that reads config gets ${COMMON_ENV_FILE} whole (planes plan shows who reads what)`,
  });
}

const SERVICES_NAMED = 5;

/** The top-level entries the manifest carries: volumes and networks, and configs, none holding a secret. */
function topLevel(source: Source, outDir: string): { entries: Record<string, unknown>; reviews: ReviewItem[]; droppedConfigs: Set<string>; texts: GuardTexts } {
  const model = source.project.model;
  const entries: Record<string, unknown> = {};
  const reviews: ReviewItem[] = [];
  const texts: GuardTexts = { secrets: [], ordinary: [] };
  const carry = (holder: object, key: string, path: string): unknown => {
    const carried = carryWithoutSecrets(holder, key, path);
    for (const item of carried.leftOut) {
      reviews.push({ level: 'blocker', message: item.message, ...(item.where ? { where: item.where } : {}) });
      texts.secrets.push(...item.secrets.map((value) => ({ value, from: item.path })));
    }
    texts.ordinary.push(...stringsOf(carried.value));
    return carried.value;
  };
  for (const key of ['volumes', 'networks'] as const) {
    if (model[key] === undefined) continue;
    const carried = carry(model, key, key);
    if (carried !== undefined) entries[key] = escapeDollars(carried);
  }
  const droppedConfigs = new Set<string>();
  const configs = model['configs'];
  if (configs !== null && typeof configs === 'object') {
    const kept: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(configs as Record<string, unknown>)) {
      const secret = configSecret(source, name, definition);
      if (secret !== undefined) {
        reviews.push({ level: 'blocker', message: secret.message });
        texts.secrets.push(...secret.secrets.map((value) => ({ value, from: `configs.${name}` })));
        if (secret.leftOut) {
          droppedConfigs.add(name);
          continue;
        }
      }
      const carried = carry(configs, name, `configs.${name}`);
      if (carried !== undefined) kept[name] = carried;
    }
    // A config's `file` is absolute once loaded: written from the new project's root.
    entries['configs'] = escapeDollars(rewriteConfigFiles(kept, (file) => fromOut(outDir, file)));
  }
  for (const key of Object.keys(model)) {
    if (['services', 'volumes', 'networks', 'configs', 'secrets', 'name', 'include'].includes(key) || key.startsWith('x-')) continue;
    reviews.push({ level: 'review', message: key === 'version' ? 'version: obsolete in Compose; left out' : `${key}: not a key the manifest carries; left out` });
  }
  return { entries, reviews, droppedConfigs, texts };
}

/**
 * A config made from a secret, as the checker judges it. Its content would be written into the
 * manifest: the config is left out (and its mounts with it). A file or a variable it is read
 * from is not written by planes: the config is kept as it is, the blocker says what to do.
 */
function configSecret(source: Source, name: string, definition: unknown): { message: string; secrets: string[]; leftOut: boolean } | undefined {
  if (definition === null || typeof definition !== 'object') return undefined;
  const spec = definition as Record<string, unknown>;
  const instead = `make it a secret: put its content in ${secretFile(name)}, declare it under secrets: in ${MANIFEST_FILE} and mount it where the config was mounted`;
  if (typeof spec['content'] === 'string') {
    const content = spec['content'];
    const found = judgeConfigText(name, { from: 'content' }, content).filter((verdict) => verdict.severity === 'error');
    const [first] = found;
    if (first !== undefined) {
      const secrets = detectCredentials(content).filter((match) => match.severity === 'error').map((match) => content.slice(match.start, match.end));
      return { message: `${verdictProblem(first)}: left out of the migrated project, with every mount of it; ${instead}`, secrets: [...secrets, content], leftOut: true };
    }
  }
  const variable = spec['environment'];
  const fromVariable = typeof variable === 'string' ? judgeConfigVariable(name, variable, source.project.projectEnv.lookup(variable)) : undefined;
  const file = spec['file'];
  const fromFile = typeof file === 'string' ? judgeConfigText(name, { from: 'file', file: displayPath(source.project.workingDir, file) }, readConfigFile(file)).find((verdict) => verdict.severity === 'error') : undefined;
  const verdict = fromVariable?.severity === 'error' ? fromVariable : fromFile;
  if (verdict === undefined) return undefined;
  return { message: `${verdictProblem(verdict)}: kept as it is, as planes writes none of it, but the migrated project holds a secret in a config; ${instead}`, secrets: [], leftOut: false };
}

/** A config file's text; an unreadable one is Compose's to report. */
function readConfigFile(path: string): string {
  try {
    return readTextFile(path, path);
  } catch {
    return '';
  }
}
