/**
 * One form for each compose setting that Compose lets users write in several, applied to each
 * file before files are merged, so merges and the checker meet one shape:
 * - `environment`, `build.args`: a map of string or null (a bare `- NAME` is null: the
 *   value is passed through from the host); `labels` and the like: a map of strings;
 * - `env_file`: a list of `{ path, required, format?, origin }` with absolute paths;
 * - `build`: a mapping whose `context` is absolute (unless it is a URL);
 * - `secrets` and `configs` of a service: lists of `{ source, ... }`;
 * - `depends_on` and service `networks`: maps; `extends`: `{ service, file? }`.
 * Relative paths are resolved against the directory Compose resolves them against for this
 * file (the project directory, an included project's directory, or an extended file's).
 * Numbers in string maps are printed as Compose prints them (`0644` is `420`).
 * Every new container gets the origins of the entries it was made from.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SourcePosition } from '../errors.js';
import { copyOrigin, copyOrigins, formatGoNumber, isMapping, type Origin, originOf, setEntry, setOrigin, type YamlMapping, type YamlValue } from '../yaml/index.js';
import type { ComposeModel, ComposeService, EnvFileReference, LoadProblem, MountedResource, ServiceBuild } from './model.js';






/** How a list entry without `=` reads in each kind of map. */
type BareEntry = 'null' | 'empty';

const STRING_MAPS: Record<string, BareEntry> = { environment: 'null', labels: 'empty', annotations: 'empty', sysctls: 'empty' };
const BUILD_STRING_MAPS: Record<string, BareEntry> = { args: 'null', labels: 'empty' };
const STRING_OR_LIST = ['dns', 'dns_search', 'dns_opt', 'tmpfs'];
const RESOURCES = ['networks', 'volumes', 'secrets', 'configs'];

export class Normalizer {
  private readonly services = new WeakMap<object, ComposeService>();
  // A map written once behind an anchor stays one object in every service that aliases it.
  private readonly stringMaps: Record<BareEntry, WeakMap<object, Record<string, string | null>>> = { null: new WeakMap(), empty: new WeakMap() };

  constructor(
    /** The directory relative paths of this file are resolved against. */
    private readonly baseDir: string,
    private readonly problems: LoadProblem[],
  ) {}

  /** A new top-level mapping in normal form; the document itself is left as it was. */
  document(document: YamlMapping): ComposeModel {
    const model = copyMapping(document) as ComposeModel;
    const services = document['services'];
    if (isMapping(services)) {
      const normalized: YamlMapping = {};
      copyOrigins(services, normalized);
      for (const [name, service] of Object.entries(services)) {
        if (isMapping(service)) setEntry(normalized, name, this.service(service) as YamlMapping);
        else if (service === null) setEntry(normalized, name, {});
        else this.problem(services, name, `service "${name}" must be a mapping`);
      }
      model.services = normalized as Record<string, ComposeService>;
    } else {
      if (services !== undefined) this.problem(document, 'services', 'services must be a mapping of service names to services');
      model.services = {};
    }
    for (const kind of RESOURCES) {
      const resources = document[kind];
      if (isMapping(resources)) model[kind] = this.resources(resources);
    }
    const include = document['include'];
    if (include !== undefined) model['include'] = this.include(document, include);
    return model;
  }

  private service(service: YamlMapping): ComposeService {
    const known = this.services.get(service);
    if (known !== undefined) return known;
    const out = copyMapping(service) as ComposeService;
    for (const [key, bare] of Object.entries(STRING_MAPS)) {
      if (key in service) setOrDelete(out, key, this.stringMap(service, key, bare));
    }
    if ('env_file' in service) setOrDelete(out, 'env_file', this.envFiles(service));
    if ('build' in service) setOrDelete(out, 'build', this.build(service));
    if ('extra_hosts' in service) setOrDelete(out, 'extra_hosts', this.extraHosts(service));
    const deploy = service['deploy'];
    if (isMapping(deploy) && 'labels' in deploy) {
      const normalizedDeploy = copyMapping(deploy);
      setOrDelete(normalizedDeploy, 'labels', this.stringMap(deploy, 'labels', 'empty'));
      out['deploy'] = normalizedDeploy;
    }
    for (const key of ['secrets', 'configs']) {
      if (key in service) setOrDelete(out, key, this.mounts(service, key));
    }
    for (const key of ['command', 'entrypoint']) {
      if (key in service) setOrDelete(out, key, this.commandLine(service, key));
    }
    if (Array.isArray(service['depends_on'])) out['depends_on'] = namesToMap(service['depends_on'], () => ({ condition: 'service_started', required: true }));
    if (Array.isArray(service['networks'])) out['networks'] = namesToMap(service['networks'], () => null);
    if (typeof service['extends'] === 'string') out['extends'] = { service: service['extends'] };
    else if (isMapping(service['extends'])) out['extends'] = this.extendsReference(service['extends']);
    for (const key of STRING_OR_LIST) {
      const value = service[key];
      if (typeof value === 'string') out[key] = listOf(service, key, value);
    }
    this.services.set(service, out);
    return out;
  }

  /** `KEY=VALUE` lists and maps of scalars, as a map of strings (or null for a bare entry). */
  private stringMap(container: YamlMapping, key: string, bare: BareEntry): Record<string, string | null> | undefined {
    const value = container[key];
    if (value === null || typeof value !== 'object') return this.stringMapOf(container, key, value, bare);
    let map = this.stringMaps[bare].get(value);
    if (map === undefined) {
      map = this.stringMapOf(container, key, value, bare);
      if (map !== undefined) this.stringMaps[bare].set(value, map);
    }
    return map;
  }

  private stringMapOf(container: YamlMapping, key: string, value: YamlValue | undefined, bare: BareEntry): Record<string, string | null> | undefined {
    const map: YamlMapping = {};
    if (value === null) return map as Record<string, string>;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
          this.problem(value, index, `each entry of ${key} must be a string KEY=VALUE`);
          return;
        }
        const text = scalarText(value, index, item) ?? '';
        const equals = text.indexOf('=');
        const name = equals === -1 ? text : text.slice(0, equals);
        const entryValue = equals === -1 ? (bare === 'null' ? null : '') : text.slice(equals + 1);
        setEntry(map, name, entryValue);
        const origin = originOf(value, index);
        if (origin !== undefined) setOrigin(map, name, { ...origin, key: origin.value });
      });
      keptAsList.add(map);
      return map as Record<string, string | null>;
    }
    if (!isMapping(value)) {
      this.problem(container, key, `${key} must be a mapping or a list of KEY=VALUE strings`);
      return undefined;
    }
    copyOrigins(value, map);
    for (const [name, item] of Object.entries(value)) {
      if (item !== null && typeof item === 'object') {
        this.problem(value, name, `${key}.${name} must be a string, a number, a boolean or null`);
        continue;
      }
      setEntry(map, name, scalarText(value, name, item) ?? (bare === 'null' ? null : ''));
    }
    return map as Record<string, string | null>;
  }

  private envFiles(service: YamlMapping): EnvFileReference[] | undefined {
    const value = service['env_file'];
    if (value === null) return [];
    const serviceOrigin = originOf(service, 'env_file');
    if (typeof value === 'string') {
      const references = [{ path: this.path(value), required: true, origin: positionOf(serviceOrigin) }];
      copyOrigin(service, 'env_file', references, 0);
      return references;
    }
    if (!Array.isArray(value)) {
      this.problem(service, 'env_file', 'env_file must be a path, or a list of paths or of { path, required }');
      return undefined;
    }
    const references: EnvFileReference[] = [];
    value.forEach((item, index) => {
      const itemOrigin = originOf(value, index);
      let reference: EnvFileReference | undefined;
      if (typeof item === 'string') {
        reference = { path: this.path(item), required: true, origin: positionOf(itemOrigin) };
      } else if (isMapping(item) && typeof item['path'] === 'string') {
        reference = { path: this.path(item['path']), required: item['required'] !== false, origin: positionOf(originOf(item, 'path')) };
        if (typeof item['format'] === 'string') reference.format = item['format'];
      } else {
        this.problem(value, index, 'each env_file entry must be a path or a mapping with a path');
      }
      if (reference === undefined) return;
      if (itemOrigin !== undefined) setOrigin(references, references.length, itemOrigin);
      references.push(reference);
    });
    return references;
  }

  private build(service: YamlMapping): ServiceBuild | undefined {
    const value = service['build'];
    if (typeof value === 'string') {
      const build: ServiceBuild = { context: this.context(value) };
      copyOrigin(service, 'build', build, 'context');
      return build;
    }
    if (!isMapping(value)) {
      this.problem(service, 'build', 'build must be a path or a mapping with a context');
      return undefined;
    }
    const build = copyMapping(value) as ServiceBuild;
    // The default context, `.`, is the project directory's, set once all files are merged.
    if (typeof value['context'] === 'string') build.context = this.context(value['context']);
    for (const [key, bare] of Object.entries(BUILD_STRING_MAPS)) {
      if (key in value) setOrDelete(build, key, this.stringMap(value, key, bare));
    }
    if ('secrets' in value) setOrDelete(build, 'secrets', this.mounts(value, 'secrets'));
    return build;
  }

  /** `host:ip` and `host=ip` entries as a map of host to address. */
  private extraHosts(service: YamlMapping): YamlMapping | undefined {
    const value = service['extra_hosts'];
    if (isMapping(value)) return value;
    if (!Array.isArray(value)) {
      this.problem(service, 'extra_hosts', 'extra_hosts must be a mapping or a list of host:address strings');
      return undefined;
    }
    const hosts: YamlMapping = {};
    value.forEach((item, index) => {
      if (typeof item !== 'string') return;
      const separator = item.includes('=') ? item.indexOf('=') : item.indexOf(':');
      const host = separator === -1 ? item : item.slice(0, separator);
      setEntry(hosts, host, separator === -1 ? '' : item.slice(separator + 1));
      copyOrigin(value, index, hosts, host);
    });
    return hosts;
  }

  /** Service `secrets`/`configs` and `build.secrets`: `- name` is `{ source: name }`. */
  private mounts(container: YamlMapping, key: string): MountedResource[] | undefined {
    const value = container[key];
    if (!Array.isArray(value)) {
      this.problem(container, key, `${key} must be a list`);
      return undefined;
    }
    const mounts: MountedResource[] = [];
    value.forEach((item, index) => {
      let mount: MountedResource | undefined;
      if (typeof item === 'string') {
        mount = { source: item };
        copyOrigin(value, index, mount, 'source');
      } else if (isMapping(item) && typeof item['source'] === 'string') {
        mount = copyMapping(item) as MountedResource;
      } else {
        this.problem(value, index, `each entry of ${key} must be a name or a mapping with a source`);
      }
      if (mount === undefined) return;
      copyOrigin(value, index, mounts, mounts.length);
      mounts.push(mount);
    });
    return mounts;
  }

  private commandLine(service: YamlMapping, key: string): string | string[] | null | undefined {
    const value = service[key];
    if (value === null || typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
    this.problem(service, key, `${key} must be a string or a list of strings`);
    return undefined;
  }

  private extendsReference(value: YamlMapping): { service: string; file?: string } {
    const reference: { service: string; file?: string } = copyMapping(value) as { service: string; file?: string };
    if (typeof value['file'] === 'string') reference.file = this.path(value['file']);
    return reference;
  }

  /** Top-level networks, volumes, secrets and configs: labels as a map, a `file` source resolved. */
  private resources(resources: YamlMapping): YamlMapping {
    const out = copyMapping(resources);
    for (const [name, resource] of Object.entries(resources)) {
      if (!isMapping(resource) || (typeof resource['file'] !== 'string' && !('labels' in resource))) continue;
      const copy = copyMapping(resource);
      if (typeof resource['file'] === 'string') copy['file'] = this.path(resource['file']);
      if ('labels' in resource) setOrDelete(copy, 'labels', this.stringMap(resource, 'labels', 'empty'));
      setEntry(out, name, copy);
    }
    return out;
  }

  /** `include` entries as `{ path: string[], project_directory?, env_file?: string[] }`, paths absolute. */
  private include(document: YamlMapping, include: YamlValue): YamlMapping[] {
    if (!Array.isArray(include)) {
      this.problem(document, 'include', 'include must be a list');
      return [];
    }
    const entries: YamlMapping[] = [];
    include.forEach((item, index) => {
      let entry: YamlMapping;
      if (typeof item === 'string') {
        entry = { path: [this.path(item)] };
        copyOrigin(include, index, entry, 'path');
      } else if (isMapping(item) && (typeof item['path'] === 'string' || Array.isArray(item['path']))) {
        entry = copyMapping(item);
        entry['path'] = listOf(item, 'path', item['path']).map((path) => this.path(String(path)));
        if (typeof item['project_directory'] === 'string') entry['project_directory'] = this.path(item['project_directory']);
        if (item['env_file'] !== undefined && item['env_file'] !== null) {
          entry['env_file'] = listOf(item, 'env_file', item['env_file']).map((path) => this.path(String(path)));
        }
      } else {
        this.problem(include, index, 'each include entry must be a path or a mapping with a path');
        return;
      }
      copyOrigin(include, index, entries, entries.length);
      entries.push(entry);
    });
    return entries;
  }

  private context(context: string): string {
    return isRemote(context) ? context : this.path(context);
  }

  private path(path: string): string {
    return isAbsolute(path) ? path : resolve(this.baseDir, path);
  }

  private problem(container: object, key: string | number, message: string): void {
    const origin = originOf(container, key);
    if (origin !== undefined) this.problems.push({ ...(origin.key ?? origin.value), message });
  }
}

/**
 * The service with its build completed once all files are merged: the context defaults to the
 * project directory, the Dockerfile to `Dockerfile`, resolved against the context.
 */
export function completeBuild(service: ComposeService, projectDirectory: string): ComposeService {
  const build = service.build;
  if (build === undefined) return service;
  const context = typeof build.context === 'string' ? build.context : projectDirectory;
  const dockerfile = build.dockerfile || 'Dockerfile';
  const local = !('dockerfile_inline' in build) && !isRemote(context);
  const completed = { ...service, build: { ...build, context, ...(local ? { dockerfile: isAbsolute(dockerfile) ? dockerfile : resolve(context, dockerfile) } : {}) } };
  copyOrigins(service, completed);
  copyOrigins(build, completed.build);
  return completed;
}

/**
 * String maps that Compose keeps as a `KEY=VALUE` list until it builds the project: those
 * written as a list, and those merged from two files. A `!reset` of one of their entries in a
 * later file does nothing in Compose (it looks for a mapping key there), so it does nothing here.
 */
const keptAsList = new WeakSet<object>();

export function markKeptAsList(map: object): void {
  keptAsList.add(map);
}

export function isKeptAsList(map: object): boolean {
  return keptAsList.has(map);
}

/** Compose builds from these without a local directory. */
function isRemote(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@') || context.startsWith('github.com/');
}

/** A scalar as the string Compose makes of it in a string map; null stays null. */
function scalarText(container: object, key: string | number, value: YamlValue): string | null {
  if (value === null) return null;
  if (typeof value === 'number') return formatGoNumber(value, originOf(container, key)?.float === true);
  return String(value);
}

function namesToMap(names: YamlValue[], valueFor: () => YamlValue): YamlMapping {
  const map: YamlMapping = {};
  names.forEach((name, index) => {
    if (typeof name !== 'string') return;
    setEntry(map, name, valueFor());
    copyOrigin(names, index, map, name);
  });
  return map;
}

/** A string where Compose also takes a list of strings, as that list. */
function listOf(container: YamlMapping, key: string, value: YamlValue): YamlValue[] {
  if (Array.isArray(value)) return value;
  const list = [value];
  copyOrigin(container, key, list, 0);
  return list;
}

/** A shallow copy that keeps the origins of its entries. */
function copyMapping(source: YamlMapping): YamlMapping {
  const copy: YamlMapping = {};
  for (const key of Object.keys(source)) setEntry(copy, key, source[key] as YamlValue);
  copyOrigins(source, copy);
  return copy;
}

function setOrDelete(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function positionOf(origin: Origin | undefined): SourcePosition {
  return origin?.value ?? { file: '', line: 0, column: 0 };
}
