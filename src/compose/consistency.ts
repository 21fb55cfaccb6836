/**
 * What Compose refuses once the files are merged, beyond the schema (compose-go's
 * `checkConsistency` and the parsing of a volume's short form): a service with neither an
 * image nor a build (nor a provider), a service `platform` its `build.platforms` leaves out, a
 * volume `source:target:mode` with an empty part, and services that depend on each other in a
 * cycle (`depends_on`, `links`, `network_mode: service:…`, `volumes_from`). Services of a profile
 * are left out, as Compose leaves them out unless the profile is enabled.
 */
import type { SourcePosition } from '../errors.js';
import { isMapping, originOf, type YamlValue } from '../yaml/index.js';
import type { ComposeModel, LoadProblem } from './model.js';

export function consistencyProblems(model: ComposeModel): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const services = model.services as Record<string, Record<string, YamlValue>>;
  const active = Object.keys(services).filter((name) => !Array.isArray(services[name]?.['profiles']) || (services[name]?.['profiles'] as YamlValue[]).length === 0);
  const at = (container: object, key: string | number, message: string): void => {
    const origin = originOf(container, key);
    const position: SourcePosition = origin?.value ?? origin?.key ?? { file: '', line: 1, column: 1 };
    problems.push({ ...position, message });
  };
  for (const name of active) {
    const service = services[name] as Record<string, YamlValue>;
    if (service['image'] === undefined && service['build'] === undefined && service['provider'] === undefined) {
      const origin = originOf(services, name);
      problems.push({ ...(origin?.key ?? origin?.value ?? { file: '', line: 1, column: 1 }), message: `service ${name} has neither an image nor a build, which Compose refuses: give it an image: or a build:` });
    }
    const build = service['build'];
    const platform = service['platform'];
    if (isMapping(build) && Array.isArray(build['platforms']) && typeof platform === 'string' && !build['platforms'].includes(platform)) {
      at(service, 'platform', `the platform ${platform} of service ${name} is not among its build.platforms, which Compose refuses: add it there, or change the platform`);
    }
    const volumes = service['volumes'];
    if (Array.isArray(volumes)) {
      volumes.forEach((volume, index) => {
        const flaw = typeof volume === 'string' ? shortVolumeFlaw(volume) : undefined;
        if (flaw !== undefined) at(volumes, index, `this volume of service ${name} has ${flaw}, which Compose refuses: write it as source:target[:mode]`);
      });
    }
  }
  const cycle = dependencyCycle(services, active);
  if (cycle !== undefined) {
    const first = services[cycle[0] as string] as Record<string, YamlValue>;
    const key = ['depends_on', 'links', 'network_mode', 'volumes_from'].find((field) => first[field] !== undefined) ?? 'depends_on';
    at(first, key, `services depend on each other in a cycle (${cycle.join(' → ')}), which Compose refuses: remove one of these depends_on, links, network_mode or volumes_from`);
  }
  return problems;
}

/**
 * What is wrong with a volume's short form (`source:target[:mode]`), as Compose splits it: at
 * each `:`, except the one of a Windows drive (`C:\…`) opening a part.
 */
function shortVolumeFlaw(spec: string): string | undefined {
  if (spec === '') return 'an empty spec';
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < spec.length; i++) {
    const char = spec.charAt(i);
    const drive = char === ':' && part.length === 1 && /[a-z]/i.test(part) && /[\\/]/.test(spec.charAt(i + 1));
    if (char !== ':' || drive) {
      part += char;
      continue;
    }
    parts.push(part);
    part = '';
  }
  parts.push(part);
  return parts.length > 1 && parts.some((piece) => piece === '') ? 'an empty part between its colons' : undefined;
}

/**
 * The services a service needs started before it, as Compose orders them: `depends_on`,
 * `links` (`service[:alias]`), `network_mode: service:x` and `volumes_from` (`x[:mode]`, not `container:…`).
 */
function dependenciesOf(service: Record<string, YamlValue>): string[] {
  const dependencies: string[] = [];
  const dependsOn = service['depends_on'];
  if (isMapping(dependsOn)) dependencies.push(...Object.keys(dependsOn));
  const links = service['links'];
  if (Array.isArray(links)) for (const link of links) if (typeof link === 'string') dependencies.push(link.split(':')[0] as string);
  const networkMode = service['network_mode'];
  if (typeof networkMode === 'string' && networkMode.startsWith('service:')) dependencies.push(networkMode.slice('service:'.length));
  const volumesFrom = service['volumes_from'];
  if (Array.isArray(volumesFrom)) {
    for (const from of volumesFrom) if (typeof from === 'string' && !from.startsWith('container:')) dependencies.push(from.split(':')[0] as string);
  }
  return dependencies;
}

/** The services of one dependency cycle, the first one repeated at the end; undefined when there is none. */
function dependencyCycle(services: Record<string, Record<string, YamlValue>>, names: string[]): string[] | undefined {
  const active = new Set(names);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dependency of dependenciesOf(services[name] ?? {})) {
      if (!active.has(dependency)) continue;
      const cycle = visit(dependency);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
