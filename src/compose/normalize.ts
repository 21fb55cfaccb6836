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
 * Every new container gets the origins of the entries it was made from: each normalized value is
 * carried to where the value it was made from was written.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SourcePosition } from '../errors.js';
import { carry, copyNode, type EntryKey, type EntryValue, formatGoNumber, isMapping, type Origin, originOf, put, remove, type YamlMapping, type YamlValue } from '../yaml/index.js';
import type { ComposeModel, ComposeService, EnvFileReference, LoadProblem, MountedResource, ServiceBuild } from './model.js';
import { filledByOf } from './shown.js';






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
    const model = copyNode(document) as ComposeModel;
    const services = document['services'];
    if (isMapping(services)) {
      // A copy, so that `!reset` services stay for the merge to apply.
      const normalized = copyNode(services);
      for (const [name, service] of Object.entries(services)) {
        if (isMapping(service)) carry(services, name, normalized, name, this.service(service));
        else if (service === null) carry(services, name, normalized, name, {});
        else {
          this.problem(services, name, `service "${name}" must be a mapping`);
          remove(normalized, name);
        }
      }
      carry(document, 'services', model, 'services', normalized);
    } else {
      if (services !== undefined) this.problem(document, 'services', 'services must be a mapping of service names to services');
      carry(document, 'services', model, 'services', {});
    }
    for (const kind of RESOURCES) {
      const resources = document[kind];
      if (isMapping(resources)) carry(document, kind, model, kind, this.resources(resources));
    }
    const include = document['include'];
    if (include !== undefined) carry(document, 'include', model, 'include', this.include(document, include));
    return model;
  }

  private service(service: YamlMapping): ComposeService {
    const known = this.services.get(service);
    if (known !== undefined) return known;
    const out = copyNode(service);
    for (const [key, bare] of Object.entries(STRING_MAPS)) {
      if (key in service) carryOrRemove(service, key, out, this.stringMap(service, key, bare));
    }
    if ('env_file' in service) carryOrRemove(service, 'env_file', out, this.envFiles(service));
    if ('build' in service) carryOrRemove(service, 'build', out, this.build(service));
    if ('extra_hosts' in service) carryOrRemove(service, 'extra_hosts', out, this.extraHosts(service));
    const deploy = service['deploy'];
    if (isMapping(deploy) && 'labels' in deploy) {
      const normalizedDeploy = copyNode(deploy);
      carryOrRemove(deploy, 'labels', normalizedDeploy, this.stringMap(deploy, 'labels', 'empty'));
      carry(service, 'deploy', out, 'deploy', normalizedDeploy);
    }
    for (const key of ['secrets', 'configs']) {
      if (key in service) carryOrRemove(service, key, out, this.mounts(service, key));
    }
    for (const key of ['command', 'entrypoint']) {
      if (key in service) carryOrRemove(service, key, out, this.commandLine(service, key));
    }
    const dependsOn = service['depends_on'];
    if (Array.isArray(dependsOn)) carry(service, 'depends_on', out, 'depends_on', namesToMap(dependsOn, () => ({ condition: 'service_started', required: true })));
    const networks = service['networks'];
    if (Array.isArray(networks)) carry(service, 'networks', out, 'networks', namesToMap(networks, () => null));
    const reference = service['extends'];
    // `extends: name` is located by its entry in the service, so the reference needs no origins.
    if (typeof reference === 'string') carry(service, 'extends', out, 'extends', { service: reference });
    else if (isMapping(reference)) carry(service, 'extends', out, 'extends', this.extendsReference(reference));
    for (const key of STRING_OR_LIST) {
      const value = service[key];
      if (typeof value === 'string') carry(service, key, out, key, listOf(service, key, value));
    }
    this.services.set(service, out as ComposeService);
    return out as ComposeService;
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
        const origin = originOf(value, index);
        put(map, name, entryValue, origin === undefined ? undefined : { ...origin, key: origin.value });
      });
      keptAsList.add(map);
      return map as Record<string, string | null>;
    }
    if (!isMapping(value)) {
      this.problem(container, key, `${key} must be a mapping or a list of KEY=VALUE strings`);
      return undefined;
    }
    // A copy, so that `!reset` entries stay for the merge to apply.
    const entries = copyNode(value);
    for (const [name, item] of Object.entries(value)) {
      if (item !== null && typeof item === 'object') {
        this.problem(value, name, `${key}.${name} must be a string, a number, a boolean or null`);
        remove(entries, name);
        continue;
      }
      carry(value, name, entries, name, scalarText(value, name, item) ?? (bare === 'null' ? null : ''));
    }
    return entries as Record<string, string | null>;
  }

  private envFiles(service: YamlMapping): EnvFileReference[] | undefined {
    const value = service['env_file'];
    if (value === null) return [];
    const serviceOrigin = originOf(service, 'env_file');
    if (typeof value === 'string') {
      const references: EnvFileReference[] = [];
      carry(service, 'env_file', references, 0, { path: this.path(value), required: true, origin: positionOf(serviceOrigin), ...filledBy(serviceOrigin) });
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
        reference = { path: this.path(item), required: true, origin: positionOf(itemOrigin), ...filledBy(itemOrigin) };
      } else if (isMapping(item) && typeof item['path'] === 'string') {
        const pathOrigin = originOf(item, 'path');
        reference = { path: this.path(item['path']), required: item['required'] !== false, origin: positionOf(pathOrigin), ...filledBy(pathOrigin, originOf(item, 'format')) };
        if (typeof item['format'] === 'string') reference.format = item['format'];
      } else {
        this.problem(value, index, 'each env_file entry must be a path or a mapping with a path');
      }
      if (reference !== undefined) carry(value, index, references, references.length, reference);
    });
    return references;
  }

  private build(service: YamlMapping): ServiceBuild | undefined {
    const value = service['build'];
    if (typeof value === 'string') {
      const build = {} as ServiceBuild;
      carry(service, 'build', build, 'context', this.context(value));
      return build;
    }
    if (!isMapping(value)) {
      this.problem(service, 'build', 'build must be a path or a mapping with a context');
      return undefined;
    }
    const build = copyNode(value);
    // The default context, `.`, is the project directory's, set once all files are merged.
    if (typeof value['context'] === 'string') carry(value, 'context', build, 'context', this.context(value['context']));
    for (const [key, bare] of Object.entries(BUILD_STRING_MAPS)) {
      if (key in value) carryOrRemove(value, key, build, this.stringMap(value, key, bare));
    }
    if ('secrets' in value) carryOrRemove(value, 'secrets', build, this.mounts(value, 'secrets'));
    return build as ServiceBuild;
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
      carry(value, index, hosts, host, separator === -1 ? '' : item.slice(separator + 1));
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
      let mount: YamlMapping;
      if (typeof item === 'string') {
        mount = {};
        carry(value, index, mount, 'source');
      } else if (isMapping(item) && typeof item['source'] === 'string') {
        mount = copyNode(item);
      } else {
        this.problem(value, index, `each entry of ${key} must be a name or a mapping with a source`);
        return;
      }
      carry(value, index, mounts, mounts.length, mount);
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
    const reference = copyNode(value);
    if (typeof value['file'] === 'string') carry(value, 'file', reference, 'file', this.path(value['file']));
    return reference as { service: string; file?: string };
  }

  /** Top-level networks, volumes, secrets and configs: labels as a map, a `file` source resolved. */
  private resources(resources: YamlMapping): YamlMapping {
    const out = copyNode(resources);
    for (const [name, resource] of Object.entries(resources)) {
      if (!isMapping(resource) || (typeof resource['file'] !== 'string' && !('labels' in resource))) continue;
      const copy = copyNode(resource);
      if (typeof resource['file'] === 'string') carry(resource, 'file', copy, 'file', this.path(resource['file']));
      if ('labels' in resource) carryOrRemove(resource, 'labels', copy, this.stringMap(resource, 'labels', 'empty'));
      carry(resources, name, out, name, copy);
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
        entry = {};
        carry(include, index, entry, 'path', this.paths(include, index));
      } else if (isMapping(item) && (typeof item['path'] === 'string' || Array.isArray(item['path']))) {
        entry = copyNode(item);
        carry(item, 'path', entry, 'path', this.paths(item, 'path'));
        if (typeof item['project_directory'] === 'string') carry(item, 'project_directory', entry, 'project_directory', this.path(item['project_directory']));
        if (item['env_file'] !== undefined && item['env_file'] !== null) carry(item, 'env_file', entry, 'env_file', this.paths(item, 'env_file'));
      } else {
        this.problem(include, index, 'each include entry must be a path or a mapping with a path');
        return;
      }
      carry(include, index, entries, entries.length, entry);
    });
    return entries;
  }

  /** A path or a list of paths, as a list of absolute paths. */
  private paths(container: object, key: EntryKey): string[] {
    const written = (container as Record<EntryKey, YamlValue>)[key] as YamlValue;
    const paths: string[] = [];
    if (Array.isArray(written)) written.forEach((path, index) => carry(written, index, paths, index, this.path(String(path))));
    else carry(container, key, paths, 0, this.path(String(written)));
    return paths;
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
  const completedBuild = copyNode(build);
  carry(build, 'context', completedBuild, 'context', context);
  if (!('dockerfile_inline' in build) && !isRemote(context)) {
    carry(build, 'dockerfile', completedBuild, 'dockerfile', isAbsolute(dockerfile) ? dockerfile : resolve(context, dockerfile));
  }
  const completed = copyNode(service);
  carry(service, 'build', completed, 'build', completedBuild);
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
    carry(names, index, map, name, valueFor());
  });
  return map;
}

/** A string where Compose also takes a list of strings, as that list. */
function listOf(container: YamlMapping, key: string, value: YamlValue): YamlValue[] {
  if (Array.isArray(value)) return value;
  const list: YamlValue[] = [];
  carry(container, key, list, 0, value);
  return list;
}

/** `to[key]` in normal form, where `from[key]` was written; undefined: the entry was refused. */
function carryOrRemove(from: object, key: string, to: object, value: EntryValue | undefined): void {
  if (value === undefined) remove(to, key);
  else carry(from, key, to, key, value);
}

/** The variables that filled the written entries, when any did (EnvFileReference.filledBy). */
function filledBy(...origins: Array<Origin | undefined>): { filledBy?: string[] } {
  const variables = origins.flatMap(filledByOf);
  return variables.length > 0 ? { filledBy: variables } : {};
}

function positionOf(origin: Origin | undefined): SourcePosition {
  return origin?.value ?? { file: '', line: 0, column: 0 };
}
