import { describe, expect, it } from 'vitest';
import { extendService, mergeModels } from '../../src/compose/merge.js';
import type { ComposeModel, ComposeService } from '../../src/compose/index.js';
import { Normalizer } from '../../src/compose/normalize.js';
import { originOf } from '../../src/yaml/origins.js';
import { parseYaml, type YamlMapping } from '../../src/yaml/parse.js';

function layer(text: string, file: string): ComposeModel {
  const [document] = parseYaml(text, file);
  return new Normalizer('/project', []).document(document as YamlMapping);
}

/** The service `s` of `base.yml` with `override.yml` laid over it. */
function merged(base: string, override: string): ComposeService {
  const model = mergeModels(layer(`services:\n  s:\n${indent(base)}`, 'base.yml'), layer(`services:\n  s:\n${indent(override)}`, 'override.yml'));
  return model.services['s'] as ComposeService;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function fileOf(container: unknown, key: string | number): string | undefined {
  return originOf(container as object, key)?.value.file;
}

describe('mergeModels: mappings and scalars', () => {
  it('merges mappings key by key; a scalar replaces', () => {
    const service = merged('image: a\nrestart: always\nhealthcheck: {interval: 10s, retries: 3}', 'image: b\nhealthcheck: {retries: 5}');
    expect(service).toMatchObject({ image: 'b', restart: 'always', healthcheck: { interval: '10s', retries: 5 } });
    expect(fileOf(service, 'image')).toBe('override.yml');
    expect(fileOf(service, 'restart')).toBe('base.yml');
  });

  it('keeps the earlier value when the later one is null', () => {
    expect(merged('image: a', 'image:')['image']).toBe('a');
  });

  it('replaces x- extensions whole', () => {
    expect(merged('x-meta: {a: 1, b: 2}', 'x-meta: {b: 3}')['x-meta']).toEqual({ b: 3 });
  });

  it('merges top-level resources and replaces the top-level x- keys', () => {
    const model = mergeModels(
      layer('networks: {n: {driver: bridge, labels: [a=1]}}\nx-top: {a: 1}\n', 'base.yml'),
      layer('networks: {n: {labels: {b: "2"}}}\nx-top: {b: 2}\n', 'override.yml'),
    );
    expect(model['networks']).toEqual({ n: { driver: 'bridge', labels: { a: '1', b: '2' } } });
    expect(model['x-top']).toEqual({ b: 2 });
  });
});

describe('mergeModels: string maps merge by entry', () => {
  it('merges environment written as a list and as a map, the later entry winning', () => {
    const service = merged('environment: [A=1, B=2]', 'environment: {B: "3", C: "4"}');
    expect(service.environment).toEqual({ A: '1', B: '3', C: '4' });
    expect(fileOf(service.environment, 'A')).toBe('base.yml');
    expect(fileOf(service.environment, 'B')).toBe('override.yml');
  });

  it('lets a later bare entry (null) replace an earlier value', () => {
    expect(merged('environment: {A: "1"}', 'environment: [A]').environment).toEqual({ A: null });
  });

  it('merges labels, build args and extra_hosts by key', () => {
    const service = merged(
      'labels: [a=1, b=2]\nbuild: {context: ., args: [X=1, Y=2]}\nextra_hosts: ["db:10.0.0.1"]',
      'labels: {b: "3"}\nbuild: {args: {Y: "3"}}\nextra_hosts: {cache: 10.0.0.2}',
    );
    expect(service.labels).toEqual({ a: '1', b: '3' });
    expect(service.build?.args).toEqual({ X: '1', Y: '3' });
    expect(service.build?.context).toBe('/project');
    expect(service['extra_hosts']).toEqual({ db: '10.0.0.1', cache: '10.0.0.2' });
  });
});

describe('mergeModels: lists', () => {
  it('replaces command, entrypoint and healthcheck.test', () => {
    const service = merged('command: [a, b]\nentrypoint: [x]\nhealthcheck: {test: [CMD, a], interval: 5s}', 'command: c\nentrypoint: [y, z]\nhealthcheck: {test: [CMD, b]}');
    expect(service.command).toBe('c');
    expect(service.entrypoint).toEqual(['y', 'z']);
    expect(service.healthcheck).toEqual({ test: ['CMD', 'b'], interval: '5s' });
  });

  it('appends lists it has no key for', () => {
    expect(merged('x-list: [a]\nsecurity_opt: [a]', 'security_opt: [b]')['security_opt']).toEqual(['a', 'b']);
  });

  it('keeps one port, volume, secret, env_file and dns entry per key, the later one in the earlier place', () => {
    const service = merged(
      'ports: ["80:80", "443:443"]\nvolumes: [./a:/data, logs:/logs]\nsecrets: [db, {source: api, target: api_key}]\nenv_file: [a.env, b.env]\ndns: 8.8.8.8',
      'ports: ["80:80"]\nvolumes: [./b:/data]\nsecrets: [{source: db, mode: 0400}]\nenv_file: [{path: a.env, required: false}]\ndns: [8.8.8.8, 1.1.1.1]',
    );
    expect(service['ports']).toEqual(['80:80', '443:443']);
    expect(service['volumes']).toEqual(['./b:/data', 'logs:/logs']);
    expect(fileOf(service['volumes'], 0)).toBe('override.yml');
    expect(service.secrets).toEqual([{ source: 'db', mode: 256 }, { source: 'api', target: 'api_key' }]);
    expect(service.env_file?.map((reference) => [reference.path, reference.required, reference.origin.file])).toEqual([
      ['/project/a.env', false, 'override.yml'],
      ['/project/b.env', true, 'base.yml'],
    ]);
    expect(service['dns']).toEqual(['8.8.8.8', '1.1.1.1']);
  });

  it('replaces logging for another driver and merges its options otherwise', () => {
    expect(merged('logging: {driver: json-file, options: {max-size: 1m}}', 'logging: {driver: syslog}')['logging']).toEqual({ driver: 'syslog' });
    expect(merged('logging: {driver: json-file, options: {max-size: 1m}}', 'logging: {options: {max-file: "3"}}')['logging']).toEqual({
      driver: 'json-file',
      options: { 'max-size': '1m', 'max-file': '3' },
    });
  });

  it('merges depends_on and networks written as lists or maps', () => {
    const service = merged('depends_on: [db]\nnetworks: [front]', 'depends_on: {cache: {condition: service_healthy}}\nnetworks: {back: {aliases: [b]}}');
    expect(service['depends_on']).toEqual({ db: { condition: 'service_started', required: true }, cache: { condition: 'service_healthy' } });
    expect(service['networks']).toEqual({ front: null, back: { aliases: ['b'] } });
  });
});

describe('mergeModels: !reset and !override', () => {
  it('removes what !reset names, at any depth', () => {
    const service = merged('ports: ["80:80"]\nenvironment: {A: "1", B: "2"}\nbuild: {context: ., args: {X: "1"}}', 'ports: !reset []\nenvironment: {A: !reset}\nbuild: {args: !reset}');
    expect(service['ports']).toBeUndefined();
    expect(service.environment).toEqual({ B: '2' });
    expect(service.build).toEqual({ context: '/project' });
  });

  it('leaves an entry of a map that Compose still holds as a list, as Compose does', () => {
    expect(merged('environment: [A=1, B=2]', 'environment: {A: !reset}').environment).toEqual({ A: '1', B: '2' });
    const model = [
      layer('services:\n  s:\n    environment: {A: "1"}\n', 'a.yml'),
      layer('services:\n  s:\n    environment: {B: "2"}\n', 'b.yml'),
      layer('services:\n  s:\n    environment: {A: !reset}\n', 'c.yml'),
    ].reduce(mergeModels);
    expect(model.services['s']?.environment).toEqual({ A: '1', B: '2' });
  });

  it('replaces what !override names instead of merging', () => {
    const service = merged('environment: {A: "1"}\nports: ["80:80"]', 'environment: !override {B: "2"}\nports: !override ["81:81"]');
    expect(service.environment).toEqual({ B: '2' });
    expect(service['ports']).toEqual(['81:81']);
    expect(fileOf(service.environment, 'B')).toBe('override.yml');
  });

  it('removes a whole service', () => {
    const model = mergeModels(layer('services:\n  a: {image: x}\n  b: {image: y}\n', 'base.yml'), layer('services:\n  a: !reset\n', 'override.yml'));
    expect(Object.keys(model.services)).toEqual(['b']);
  });
});

describe('mergeModels leaves its inputs as they were', () => {
  it('builds new containers', () => {
    const base = layer('services:\n  s:\n    environment: {A: "1"}\n    ports: ["80:80"]\n', 'base.yml');
    const before = JSON.stringify(base);
    mergeModels(base, layer('services:\n  s:\n    environment: {B: "2"}\n    ports: ["81:81"]\n', 'override.yml'));
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe('extendService', () => {
  it('uses the same rules as a file merge', () => {
    const base = layer('services:\n  b: {image: x, environment: [A=1], command: [a]}\n', 'base.yml').services['b'] as ComposeService;
    const service = layer('services:\n  s: {environment: {B: "2"}, command: b}\n', 'override.yml').services['s'] as ComposeService;
    expect(extendService(base, service)).toEqual({ image: 'x', environment: { A: '1', B: '2' }, command: 'b' });
  });
});
