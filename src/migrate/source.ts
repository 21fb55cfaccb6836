/**
 * The compose setup being migrated, as `planes check` sees it: the effective configuration
 * (loadComposeProject), each service's settings with the place they were written, and the
 * values of the compose secrets it already has.
 */
import { resolve } from 'node:path';
import { type ComposeProject, type ComposeService, type DotenvEntry, type EnvFileRead, type EnvSource, loadComposeProject, type LoadOptions, originOf, originsOf, shownEntry, type VariableReference } from '../compose/index.js';
import { displayPath, readFileBytes } from '../fs/index.js';
import { type Place, type Setting, writtenIn } from '../judge/index.js';
import { InputError, UsageError, type SourcePosition } from '../errors.js';
import { shownKey } from './carried.js';

/** One variable or build argument of one service, as the container (or the build) gets it. */
export interface SourceSetting {
  service: string;
  place: Extract<Place, 'environment' | 'env-file' | 'build-arg'>;
  key: string;
  /** What the service gets; undefined when nothing is set (a bare NAME the host does not have). */
  value: string | undefined;
  where: SourcePosition;
  /** The setting as the checker judges it. */
  judged: Setting;
  /** The variables interpolated into it (`${VAR}`), and the env file lines that filled them. */
  interpolated?: { variables: string[]; sources: EnvSource[] };
  /** A bare NAME whose value comes from the host. */
  fromHost: boolean;
}

/** A top-level compose secret and, when it can be read now, its value. */
export interface SourceSecret {
  name: string;
  kind: 'file' | 'environment' | 'content' | 'external';
  value?: Buffer;
  /** The file (absolute) or host variable it comes from. */
  file?: string;
  variable?: string;
  externalName?: string;
  where: SourcePosition;
}

export interface Source {
  project: ComposeProject;
  /** Every setting of every service, services in file order, a service's env files before its environment. */
  settings: SourceSetting[];
  secrets: Map<string, SourceSecret>;
  /** Files read as input (absolute): migration never writes over them. */
  inputFiles: string[];
}

export function readSource(options: LoadOptions): Source {
  const project = loadComposeProject(options);
  const display = (path: string): string => displayPath(resolve(options.cwd), path);
  if (project.problems.length > 0) {
    const [first] = project.problems;
    throw new InputError(first as SourcePosition, `${first?.message ?? 'cannot be read'}; planes migrate needs a compose setup that Compose itself accepts`);
  }
  refuseUndefinedSecrets(project);
  const settings = Object.entries(project.model.services).flatMap(([name, service]) => [
    ...serviceSettings(project, display, name, service),
    ...buildArgs(project, name, service),
  ]);
  const secrets = composeSecrets(project);
  const inputFiles = [
    ...project.files.map((file) => resolve(options.cwd, file)),
    ...[...secrets.values()].flatMap((secret) => (secret.file ? [secret.file] : [])),
  ];
  return { project, settings, secrets, inputFiles };
}

/**
 * A service or a build that uses a secret no top-level `secrets:` entry defines: Compose refuses
 * the project, and migrate cannot name a secret it knows nothing of (the name may even be a
 * value filled in from a secret variable: it is shown as messages show such values).
 */
function refuseUndefinedSecrets(project: ComposeProject): void {
  const defined = new Set(Object.keys((project.model['secrets'] ?? {}) as object));
  for (const [service, definition] of Object.entries(project.model.services)) {
    for (const mounts of [definition.secrets ?? [], definition.build?.secrets ?? []]) {
      mounts.forEach((mount, index) => {
        if (defined.has(mount.source)) return;
        const origin = originOf(mount, 'source') ?? originOf(mounts, index);
        const at = origin?.value ?? { file: project.files[0] ?? '.', line: 1, column: 1 };
        throw new InputError(at, `${service} uses the secret ${shownEntry(mount.source, origin)}, which no top-level secrets: entry defines, so Compose refuses the project; define it there or correct the name`);
      });
    }
  }
}

/** Env files in order, later ones over earlier ones, then `environment` over them all, as Compose layers them. */
function serviceSettings(project: ComposeProject, display: (path: string) => string, service: string, definition: ComposeService): SourceSetting[] {
  const byKey = new Map<string, SourceSetting>();
  for (const read of project.serviceEnvFiles.get(service) ?? []) {
    const file = display(read.path);
    for (const entry of read.entries) {
      if (entry.value === undefined) continue;
      byKey.delete(entry.key);
      byKey.set(entry.key, envFileSetting(project, service, file, entry, read));
    }
  }
  const environment = definition.environment ?? {};
  for (const [key, written] of Object.entries(environment)) {
    const origin = originOf(environment, key);
    const where = origin?.key ?? origin?.value ?? { file: project.files[0] ?? '.', line: 1, column: 1 };
    const host = written === null ? project.projectEnv.lookup(key) : undefined;
    const judgedWritten = writtenIn(origin);
    const source = project.projectEnv.sourceOf(key);
    byKey.delete(key);
    byKey.set(key, {
      service,
      place: 'environment',
      key,
      value: written ?? host,
      where,
      judged: {
        place: 'environment',
        name: key,
        value: written,
        ...(judgedWritten ? { written: judgedWritten } : {}),
        ...(written === null ? { host: { value: host, ...(source ? { source } : {}) } } : {}),
      },
      ...(judgedWritten ? { interpolated: { variables: referencedNames(judgedWritten.references), sources: Object.values(judgedWritten.sources) } } : {}),
      fromHost: written === null,
    });
  }
  return [...byKey.values()];
}

function envFileSetting(project: ComposeProject, service: string, file: string, entry: DotenvEntry, read: EnvFileRead): SourceSetting {
  const where = { file, line: entry.line, column: entry.column };
  if (entry.inherited) {
    return { service, place: 'env-file', key: entry.key, value: entry.value, where, judged: { place: 'env-file', name: entry.key, value: null, host: { value: entry.value } }, fromHost: true };
  }
  const value = entry.value ?? '';
  // Compose fills `${VAR}` from the service's earlier env files first, then the project environment.
  const sources = referencedNames(entry.references).flatMap((name) => read.before.get(name)?.source ?? project.projectEnv.sourceOf(name) ?? []);
  const template = entry.raw.startsWith('"') ? entry.raw.slice(1, -1) : entry.raw;
  const written = entry.references.length > 0 ? { template, references: entry.references, sources: {} } : undefined;
  return {
    service,
    place: 'env-file',
    key: entry.key,
    value,
    where,
    judged: { place: 'env-file', name: entry.key, value, ...(written ? { written } : {}) },
    ...(written ? { interpolated: { variables: referencedNames(entry.references), sources } } : {}),
    fromHost: false,
  };
}

function buildArgs(project: ComposeProject, service: string, definition: ComposeService): SourceSetting[] {
  const args = definition.build?.args ?? {};
  return Object.entries(args).map(([key, written]) => {
    const origin = originOf(args, key);
    const judgedWritten = writtenIn(origin);
    const host = written === null ? project.projectEnv.lookup(key) : undefined;
    return {
      service,
      place: 'build-arg' as const,
      key,
      value: written ?? host,
      where: origin?.key ?? origin?.value ?? { file: project.files[0] ?? '.', line: 1, column: 1 },
      judged: { place: 'build-arg' as const, name: key, value: written, ...(judgedWritten ? { written: judgedWritten } : {}), ...(written === null ? { host: { value: host } } : {}) },
      ...(judgedWritten ? { interpolated: { variables: referencedNames(judgedWritten.references), sources: Object.values(judgedWritten.sources) } } : {}),
      fromHost: written === null,
    };
  });
}

function composeSecrets(project: ComposeProject): Map<string, SourceSecret> {
  const secrets = new Map<string, SourceSecret>();
  const definitions = (project.model['secrets'] ?? {}) as Record<string, Record<string, unknown> | null>;
  for (const [name, definition] of Object.entries(definitions)) {
    const origin = originOf(definitions, name);
    const where = origin?.key ?? origin?.value ?? { file: project.files[0] ?? '.', line: 1, column: 1 };
    const spec = definition ?? {};
    if (typeof spec['file'] === 'string') {
      secrets.set(name, { name, kind: 'file', file: spec['file'], where, ...readSecretFile(spec['file'], where) });
    } else if (typeof spec['environment'] === 'string') {
      const value = project.projectEnv.lookup(spec['environment']);
      secrets.set(name, { name, kind: 'environment', variable: spec['environment'], where, ...(value === undefined ? {} : { value: Buffer.from(value) }) });
    } else if (typeof spec['content'] === 'string') {
      secrets.set(name, { name, kind: 'content', value: Buffer.from(spec['content']), where });
    } else {
      const externalName = typeof spec['name'] === 'string' ? spec['name'] : name;
      secrets.set(name, { name, kind: 'external', externalName, where });
    }
  }
  return secrets;
}

function readSecretFile(path: string, where: SourcePosition): { value?: Buffer } {
  try {
    return { value: readFileBytes(path, path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new UsageError(`${where.file}:${where.line}: ${(error as Error).message}`);
  }
}

function referencedNames(references: readonly VariableReference[]): string[] {
  return references.flatMap((reference) => [reference.name, ...referencedNames(reference.nested)]);
}

/** A value of the effective configuration that interpolation filled in, as it was written. */
export interface Interpolation {
  /** Dotted path under the container walked: `volumes.0`. */
  path: string;
  /** The variables it refers to (never the template: a default written in it may be a secret). */
  variables: string[];
  sources: EnvSource[];
  where: SourcePosition;
}

/** Every interpolated value under `value` (a key of a service), found through the origins table. */
export function interpolations(container: object, key: string): Interpolation[] {
  const found: Interpolation[] = [];
  const visit = (holder: object, entry: string | number, path: string): void => {
    const origin = originOf(holder, entry);
    if (origin?.template !== undefined) {
      found.push({ path, variables: referencedNames(origin.references ?? []), sources: Object.values(origin.envSources ?? {}), where: origin.value });
    }
    const inner = (holder as Record<string | number, unknown>)[entry];
    if (inner === null || typeof inner !== 'object') return;
    const keys = Array.isArray(inner) ? inner.map((_, index) => index) : Object.keys(inner);
    for (const child of new Set([...keys, ...originsOf(inner).keys()])) visit(inner, child, `${path}.${typeof child === 'string' ? shownKey(child, originOf(inner, child)) : child}`);
  };
  visit(container, key, key);
  return found;
}
