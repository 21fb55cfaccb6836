/**
 * Compose's rules for laying one file over another (`-f a.yml -f b.yml`, and a service over
 * the one it `extends`), as compose-go's `override` package applies them, on files already
 * in normal form (see `normalize.ts`):
 * - mappings merge key by key; a scalar, or a value under an `x-` key, replaces; a null
 *   value leaves what was there;
 * - lists are appended; for some, a later entry with the same key (a port, a mount target,
 *   an env_file path, the value itself) takes the place of the earlier one;
 * - `environment`, `labels` and the other string maps merge by variable, where a later null
 *   (a bare `- NAME`) does replace;
 * - `command`, `entrypoint` and `healthcheck.test` replace; a `logging` with another driver
 *   replaces;
 * - `!override` replaces whatever was there; `!reset` removes it.
 * Nothing is changed in place: merged containers are new, with the origins of their entries.
 */
import { carry, copyNode, isMapping, originOf, originsOf, remove, type YamlMapping, type YamlValue } from '../yaml/index.js';
import type { ComposeModel, ComposeService } from './model.js';
import { isKeptAsList, markKeptAsList } from './normalize.js';

type Merger = (base: YamlValue, override: YamlValue) => YamlValue;

/** Per key, how its values merge; `*` applies to every key without its own entry. */
interface Rules {
  [key: string]: Merger;
}

export function mergeModels(base: ComposeModel, override: ComposeModel): ComposeModel {
  return mergeMapping(base as unknown as YamlMapping, override as unknown as YamlMapping, ROOT_RULES) as unknown as ComposeModel;
}

/** A service laid over the service it extends. */
export function extendService(base: ComposeService, service: ComposeService): ComposeService {
  return mergeService(base as YamlMapping, service as YamlMapping) as ComposeService;
}

function mergeMapping(base: YamlMapping, override: YamlMapping, rules: Rules): YamlMapping {
  const merged: YamlMapping = {};
  copyEntries(base, merged);
  removeResetEntries(merged, override);
  for (const key of Object.keys(override)) {
    const value = override[key] as YamlValue;
    const replaces = !Object.hasOwn(merged, key) || key.startsWith('x-') || originOf(override, key)?.tag === '!override';
    if (!replaces && value === null) continue;
    const merge = rules[key] ?? rules['*'] ?? mergeDefault;
    carry(override, key, merged, key, replaces ? value : merge(merged[key] as YamlValue, value));
  }
  return merged;
}

function copyEntries(from: YamlMapping, into: YamlMapping): void {
  for (const key of Object.keys(from)) carry(from, key, into);
}

function removeResetEntries(merged: YamlMapping, override: YamlMapping): void {
  for (const [key, origin] of originsOf(override)) {
    if (origin.tag !== '!reset' || typeof key !== 'string' || Object.hasOwn(override, key)) continue;
    remove(merged, key);
  }
}

function mergeDefault(base: YamlValue, override: YamlValue): YamlValue {
  if (isMapping(base) && isMapping(override)) return mergeMapping(base, override, {});
  if (Array.isArray(base) && Array.isArray(override)) return append(base, override);
  return override;
}

function mappingWith(rules: Rules): Merger {
  return (base, override) => (isMapping(base) && isMapping(override) ? mergeMapping(base, override, rules) : override);
}

const replace: Merger = (_base, override) => override;

/** `environment`, `labels` and other maps of strings: entry by entry, and null replaces too. */
const byVariable: Merger = (base, override) => {
  if (!isMapping(base) || !isMapping(override)) return override;
  const merged: YamlMapping = {};
  copyEntries(base, merged);
  if (!isKeptAsList(base)) removeResetEntries(merged, override);
  copyEntries(override, merged);
  markKeptAsList(merged);
  return merged;
};

function append(base: YamlValue[], override: YamlValue[]): YamlValue[] {
  const merged = copyNode(base);
  override.forEach((_item, index) => carry(override, index, merged, base.length + index));
  return merged;
}

/** Appends, then keeps one entry per key: the later entry, in the place of the first. */
function appendUnique(keyOf: (item: YamlValue) => string | undefined): Merger {
  return (base, override) => {
    if (!Array.isArray(base) || !Array.isArray(override)) return override;
    const all = append(base, override);
    const merged: YamlValue[] = [];
    const placeOf = new Map<string, number>();
    all.forEach((item, index) => {
      const key = keyOf(item);
      const place = key === undefined ? undefined : placeOf.get(key);
      const at = place ?? merged.length;
      if (place === undefined && key !== undefined) placeOf.set(key, at);
      carry(all, index, merged, at);
    });
    return merged;
  };
}

const itself = (item: YamlValue): string | undefined => (typeof item === 'string' || typeof item === 'number' ? String(item) : undefined);

/** A mount's target: `/run/secrets/<name>` for secrets, `/<name>` for configs, unless given. */
function mountTarget(defaultDirectory: string): (item: YamlValue) => string | undefined {
  return (item) => {
    if (!isMapping(item)) return undefined;
    const target = item['target'];
    if (typeof target === 'string') return target.startsWith('/') ? target : `${defaultDirectory}/${target}`;
    return typeof item['source'] === 'string' ? `${defaultDirectory}/${item['source']}` : undefined;
  };
}

/** A volume's target: the second part of `source:target[:mode]`, or `target` in the long form. */
function volumeTarget(item: YamlValue): string | undefined {
  if (isMapping(item)) return typeof item['target'] === 'string' ? item['target'] : undefined;
  if (typeof item !== 'string') return undefined;
  const parts = item.split(':');
  return parts.length > 1 ? parts[1] : parts[0];
}

function portKey(item: YamlValue): string | undefined {
  if (!isMapping(item)) return itself(item);
  const target = item['target'];
  if (target === undefined) return undefined;
  return `${String(item['host_ip'] ?? '')}:${String(item['published'] ?? '')}:${String(target)}/${String(item['protocol'] ?? 'tcp')}`;
}

const envFilePath = (item: YamlValue): string | undefined => (isMapping(item) && typeof item['path'] === 'string' ? item['path'] : undefined);

/** A logging section for another driver replaces the earlier one instead of merging into it. */
const mergeLogging: Merger = (base, override) => {
  if (!isMapping(base) || !isMapping(override)) return override;
  const driver = override['driver'];
  if (driver !== undefined && base['driver'] !== undefined && driver !== base['driver']) return override;
  return mergeMapping(base, override, { options: byVariable });
};

const BUILD_RULES: Rules = {
  args: byVariable,
  labels: byVariable,
  extra_hosts: byVariable,
  additional_contexts: byVariable,
  tags: appendUnique(itself),
  platforms: appendUnique(itself),
  cache_from: appendUnique(itself),
  cache_to: appendUnique(itself),
};

const SERVICE_RULES: Rules = {
  environment: byVariable,
  labels: byVariable,
  annotations: byVariable,
  sysctls: byVariable,
  extra_hosts: byVariable,
  build: mappingWith(BUILD_RULES),
  command: replace,
  entrypoint: replace,
  healthcheck: mappingWith({ test: replace }),
  logging: mergeLogging,
  deploy: mappingWith({ labels: byVariable }),
  env_file: appendUnique(envFilePath),
  ports: appendUnique(portKey),
  volumes: appendUnique(volumeTarget),
  devices: appendUnique(volumeTarget),
  secrets: appendUnique(mountTarget('/run/secrets')),
  configs: appendUnique(mountTarget('')),
  cap_add: appendUnique(itself),
  cap_drop: appendUnique(itself),
  dns: appendUnique(itself),
  dns_opt: appendUnique(itself),
  dns_search: appendUnique(itself),
  expose: appendUnique(itself),
  links: appendUnique(itself),
  profiles: appendUnique(itself),
  tmpfs: appendUnique(itself),
};

const mergeService: Merger = mappingWith(SERVICE_RULES);

const RESOURCE_RULES: Rules = { '*': mappingWith({ labels: byVariable }) };

const ROOT_RULES: Rules = {
  services: mappingWith({ '*': mergeService }),
  networks: mappingWith(RESOURCE_RULES),
  volumes: mappingWith(RESOURCE_RULES),
  secrets: mappingWith(RESOURCE_RULES),
  configs: mappingWith(RESOURCE_RULES),
};
