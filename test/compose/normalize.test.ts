import { describe, expect, it } from 'vitest';
import type { ComposeService, LoadProblem } from '../../src/compose/index.js';
import { completeBuild, Normalizer } from '../../src/compose/normalize.js';
import { originOf } from '../../src/yaml/origins.js';
import { parseYaml, type YamlMapping } from '../../src/yaml/parse.js';

const FILE = 'compose.yaml';

function normalized(serviceYaml: string): { service: ComposeService; problems: LoadProblem[] } {
  const [document] = parseYaml(`services:\n  s:\n${serviceYaml.replace(/^/gm, '    ')}\n`, FILE);
  const problems: LoadProblem[] = [];
  const model = new Normalizer('/project', problems).document(document as YamlMapping);
  return { service: model.services['s'] as ComposeService, problems };
}

function service(serviceYaml: string): ComposeService {
  const { service, problems } = normalized(serviceYaml);
  expect(problems).toEqual([]);
  return service;
}

describe('Normalizer: environment', () => {
  it('turns the list form into a map, each entry located at its list item', () => {
    const { environment } = service('environment:\n  - POSTGRES_PASSWORD=Xk9#mP2vQ7rT\n  - "QUOTED=a=b"\n  - DB_PASSWORD');
    expect(environment).toEqual({ POSTGRES_PASSWORD: 'Xk9#mP2vQ7rT', QUOTED: 'a=b', DB_PASSWORD: null });
    expect(originOf(environment as object, 'POSTGRES_PASSWORD')).toMatchObject({ key: { line: 4, column: 9 }, value: { line: 4, column: 9 } });
    expect(originOf(environment as object, 'QUOTED')?.key).toMatchObject({ line: 5, column: 9 });
  });

  it('prints numbers and booleans of the map form as Compose does, keeping null and empty apart', () => {
    const { environment } = service('environment:\n  A: 0644\n  B: 1e6\n  C: true\n  D:\n  E: ""\n  F: 1.5');
    expect(environment).toEqual({ A: '420', B: '1e+06', C: 'true', D: null, E: '', F: '1.5' });
  });

  it('keeps the origins of the map form', () => {
    const { environment } = service('environment:\n  API_KEY: x');
    expect(originOf(environment as object, 'API_KEY')).toMatchObject({ key: { line: 4, column: 7 }, value: { line: 4, column: 16 } });
  });

  it('reports a value that is not a scalar and leaves it out', () => {
    const { service: normalizedService, problems } = normalized('environment:\n  A: [1]\n  B: b');
    expect(normalizedService.environment).toEqual({ B: 'b' });
    expect(problems).toEqual([{ file: FILE, line: 4, column: 7, message: 'environment.A must be a string, a number, a boolean or null' }]);
  });

  it('reports an environment of the wrong shape and leaves it out', () => {
    const { service: normalizedService, problems } = normalized('environment: 42');
    expect(normalizedService.environment).toBeUndefined();
    expect(problems[0]).toMatchObject({ line: 3, column: 5 });
  });
});

describe('Normalizer: labels, annotations, sysctls, extra_hosts', () => {
  it('reads a bare label as an empty string', () => {
    expect(service('labels: [a=1, bare]').labels).toEqual({ a: '1', bare: '' });
    expect(service('labels: {a: 1, b: }').labels).toEqual({ a: '1', b: '' });
  });

  it('reads deploy labels as a map', () => {
    expect(service('deploy:\n  replicas: 2\n  labels: [a=1]')['deploy']).toEqual({ replicas: 2, labels: { a: '1' } });
  });

  it('reads extra_hosts written with : or =', () => {
    expect(service('extra_hosts: ["db:10.0.0.1", "cache=10.0.0.2", "v6:::1"]')['extra_hosts']).toEqual({ db: '10.0.0.1', cache: '10.0.0.2', v6: '::1' });
  });
});

describe('Normalizer: env_file', () => {
  it('reads the string form', () => {
    expect(service('env_file: .env.web').env_file).toEqual([{ path: '/project/.env.web', required: true, origin: { file: FILE, line: 3, column: 15 } }]);
  });

  it('reads lists of paths and of { path, required, format }', () => {
    expect(service('env_file:\n  - a.env\n  - path: /abs/b.env\n    required: false\n  - {path: c.env, format: raw}').env_file).toEqual([
      { path: '/project/a.env', required: true, origin: { file: FILE, line: 4, column: 9 } },
      { path: '/abs/b.env', required: false, origin: { file: FILE, line: 5, column: 15 } },
      { path: '/project/c.env', required: true, format: 'raw', origin: { file: FILE, line: 7, column: 16 } },
    ]);
  });

  it('reports an entry without a path', () => {
    const { service: normalizedService, problems } = normalized('env_file:\n  - {required: false}');
    expect(normalizedService.env_file).toEqual([]);
    expect(problems).toHaveLength(1);
  });
});

describe('Normalizer: build', () => {
  it('reads the string form as the context', () => {
    expect(service('build: ./api').build).toEqual({ context: '/project/api' });
  });

  it('reads args in both forms, a bare argument as null (leak cases 22, 23)', () => {
    expect(service('build:\n  context: .\n  args: ["GIT_SHA=abc123", "NODE_VERSION=20", NPM_TOKEN]').build?.args).toEqual({
      GIT_SHA: 'abc123',
      NODE_VERSION: '20',
      NPM_TOKEN: null,
    });
    expect(service('build:\n  args: {NPM_TOKEN: abc, N: 20}').build?.args).toEqual({ NPM_TOKEN: 'abc', N: '20' });
  });

  it('leaves a remote context as written', () => {
    expect(service('build: https://github.com/docker/app.git#main').build?.context).toBe('https://github.com/docker/app.git#main');
  });

  it('reads build secrets in both forms', () => {
    expect(service('build:\n  secrets: [npm, {source: pip, target: pip.conf}]').build?.secrets).toEqual([{ source: 'npm' }, { source: 'pip', target: 'pip.conf' }]);
  });

  it('completes the context and the Dockerfile once files are merged', () => {
    expect(completeBuild(service('build: {args: {A: "1"}}'), '/project').build).toEqual({ context: '/project', dockerfile: '/project/Dockerfile', args: { A: '1' } });
    expect(completeBuild(service('build: {context: api, dockerfile: ../Dockerfile.api}'), '/x').build?.dockerfile).toBe('/project/Dockerfile.api');
    expect(completeBuild(service('build: {context: ., dockerfile_inline: "FROM x"}'), '/x').build?.dockerfile).toBeUndefined();
    expect(completeBuild(service('build: {context: ., dockerfile: ""}'), '/x').build?.dockerfile).toBe('/project/Dockerfile');
  });
});

describe('Normalizer: secrets, configs, commands and the rest', () => {
  it('reads the short form of secrets and configs', () => {
    const normalizedService = service('secrets: [db, {source: api, target: /run/secrets/api_key}]\nconfigs: [nginx]');
    expect(normalizedService.secrets).toEqual([{ source: 'db' }, { source: 'api', target: '/run/secrets/api_key' }]);
    expect(originOf(normalizedService.secrets?.[0] as object, 'source')?.value).toMatchObject({ line: 3, column: 15 });
    expect(normalizedService.configs).toEqual([{ source: 'nginx' }]);
  });

  it('keeps command and entrypoint as written, and refuses other shapes', () => {
    expect(service('command: redis-server --requirepass x').command).toBe('redis-server --requirepass x');
    expect(service('entrypoint: [sh, -c]').entrypoint).toEqual(['sh', '-c']);
    expect(normalized('command: {a: 1}').problems).toHaveLength(1);
  });

  it('reads depends_on and networks lists as maps, extends as a reference, strings as lists', () => {
    const normalizedService = service('depends_on: [db]\nnetworks: [front]\nextends: base\ndns: 8.8.8.8');
    expect(normalizedService['depends_on']).toEqual({ db: { condition: 'service_started', required: true } });
    expect(normalizedService['networks']).toEqual({ front: null });
    expect(normalizedService.extends).toEqual({ service: 'base' });
    expect(normalizedService['dns']).toEqual(['8.8.8.8']);
    expect(service('extends: {service: b, file: ../other.yml}').extends).toEqual({ service: 'b', file: '/other.yml' });
  });

  it('does not change the document it reads', () => {
    const [document] = parseYaml('services:\n  s:\n    environment: [A=1]\n', FILE);
    new Normalizer('/project', []).document(document as YamlMapping);
    expect(document).toEqual({ services: { s: { environment: ['A=1'] } } });
  });
});

describe('Normalizer: top level', () => {
  it('resolves file secrets and configs and reads resource labels', () => {
    const [document] = parseYaml('secrets:\n  a: {file: ./a.txt}\n  b: {environment: B}\nnetworks:\n  n: {labels: [x=1]}\n', FILE);
    const model = new Normalizer('/project', []).document(document as YamlMapping);
    expect(model['secrets']).toEqual({ a: { file: '/project/a.txt' }, b: { environment: 'B' } });
    expect(model['networks']).toEqual({ n: { labels: { x: '1' } } });
    expect(model.services).toEqual({});
  });

  it('reads include entries in both forms, paths resolved', () => {
    const [document] = parseYaml('include:\n  - a.yml\n  - path: [b.yml, c.yml]\n    project_directory: sub\n    env_file: x.env\n', FILE);
    expect(new Normalizer('/project', []).document(document as YamlMapping)['include']).toEqual([
      { path: ['/project/a.yml'] },
      { path: ['/project/b.yml', '/project/c.yml'], project_directory: '/project/sub', env_file: ['/project/x.env'] },
    ]);
  });
});
