import { describe, expect, it } from 'vitest';
import { ProjectEnvironment } from '../../src/compose/environment.js';
import { applyExtends } from '../../src/compose/extends.js';
import { applyInclude } from '../../src/compose/include.js';
import type { ComposeModel, ComposeService, LoadProblem } from '../../src/compose/index.js';
import { extendService, mergeModels } from '../../src/compose/merge.js';
import { completeBuild, Normalizer } from '../../src/compose/normalize.js';
import { wellFormedPart } from '../../src/compose/validate.js';
import { parseYaml, type YamlMapping } from '../../src/yaml/parse.js';
import { entriesUnder, unlocatedUnder } from '../support/origins.js';

/**
 * Each loader stage builds new containers from old ones; each entry of each container it
 * builds must keep where it was written. These tests walk every entry a stage hands on.
 */

function parsed(text: string, file: string): YamlMapping {
  return parseYaml(text, file)[0] as YamlMapping;
}

function normalized(text: string, file: string, problems: LoadProblem[] = []): ComposeModel {
  return new Normalizer('/project', problems).document(parsed(text, file));
}

/** Entries whose string value names a file (`…base…`, `…over…`) but whose origin lies in another. */
function misfiled(root: object, fileOf: (value: string) => string | undefined): string[] {
  return entriesUnder(root)
    .filter(({ value, origin }) => typeof value === 'string' && fileOf(value) !== undefined && origin?.value.file !== fileOf(value))
    .map(({ path, value, origin }) => `${path} = ${String(value)} from ${origin?.value.file ?? 'nowhere'}`);
}

const EVERY_FORM = `x-env: &env
  SHARED: one
services:
  web:
    image: nginx
    build:
      context: ./app
      args: [TOKEN=abc, BARE]
      labels: {a: b}
      secrets: [npm]
    environment:
      - A=1
      - B
    labels: {com.example.tier: x}
    annotations: [k=v]
    sysctls: {net.core.somaxconn: 1024}
    env_file: [.env, {path: other.env, required: false}]
    extra_hosts: ["host:1.2.3.4", "other=5.6.7.8"]
    deploy: {labels: [d=1], replicas: 2}
    secrets: [s1, {source: s2, target: /x}]
    configs: [c1]
    command: [run, --flag]
    entrypoint: sh
    depends_on: [db]
    networks: [front]
    dns: 8.8.8.8
    tmpfs: /tmp
    ports: ["80:80"]
    healthcheck: {test: [CMD, true]}
  db:
    build: ./db
    environment: *env
    env_file: db.env
    extends: web
  other:
    extends: {service: web, file: base.yml}
    environment: {GONE: !reset null}
  empty:
volumes: {data: {labels: [a=b]}}
secrets: {s1: {file: ./s1.txt}}
configs: {c1: {file: ./c.conf, labels: {x: y}}}
networks: {front: {}}
include: [sub/compose.yaml, {path: a.yaml, project_directory: ., env_file: .env}]
`;

/**
 * Entries the normal form makes without a place of their own: Compose's defaults for a
 * `depends_on` list, the fields of env_file references (which hold their own `origin`), the
 * reference of `extends: name` (located by the service's `extends` entry).
 */
const ADDED = /(?:^|\.)depends_on\.[^.]+\.(?:condition|required)$|(?:^|\.)env_file\[\d+\]\.|(?:^|\.)extends\.service$/;

describe('normalize keeps the origin of every entry', () => {
  it('of every container it rebuilds, but for what the normal form adds from nothing', () => {
    const problems: LoadProblem[] = [];
    const model = normalized(EVERY_FORM, 'compose.yaml', problems);
    expect(problems).toEqual([]);
    expect(unlocatedUnder(model).filter((path) => !ADDED.test(path))).toEqual([]);
    expect(entriesUnder(model).filter(({ origin }) => origin !== undefined && origin.value.file !== 'compose.yaml')).toEqual([]);
  });

  it('keeps !reset entries, which have no value, for the merge to apply', () => {
    const model = normalized(EVERY_FORM, 'compose.yaml');
    const reset = entriesUnder(model).filter(({ origin }) => origin?.tag === '!reset');
    expect(reset.map(({ path }) => path)).toEqual(['services.other.environment.GONE']);
  });

  it('and completeBuild keeps those of the service and of its build', () => {
    const service = normalized(EVERY_FORM, 'compose.yaml').services['web'] as ComposeService;
    const completed = completeBuild(service, '/project');
    expect(completed.build?.dockerfile).toBe('/project/app/Dockerfile');
    // The Dockerfile is Compose's default: written nowhere.
    expect(unlocatedUnder(completed).filter((path) => !ADDED.test(path))).toEqual(['build.dockerfile']);
  });
});

/** The file a marked value (`…base…`, `…over…`) was written in. */
const layerOf = (value: string): string | undefined => (value.includes('over') ? 'override.yml' : value.includes('base') ? 'base.yml' : undefined);

describe('merge keeps the origin of every entry', () => {
  const base = `x-note: base-note
services:
  s:
    image: base-image
    build: {context: ./base-app, args: [SHARED_ARG=base, BASE_ARG=base]}
    environment: [SHARED=base, BASE_ONLY=base]
    labels: {shared: base-label, gone: base-label}
    ports: ["8080:80", "9090:90"]
    volumes: ["./base-data:/data", "./base-logs:/logs"]
    secrets: [base-secret]
    command: base-run
    depends_on: [base-db]
    dns: base-dns
  base-only: {image: base-image}
secrets: {base-secret: {file: ./base-secret.txt}}
`;
  const override = `x-note: over-note
services:
  s:
    image: over-image
    build: {args: {SHARED_ARG: over, OVER_ARG: over}, target: over-target}
    environment: {SHARED: over, OVER_ONLY: over}
    labels: {shared: over-label, gone: !reset null}
    ports: ["8080:80", "7070:70"]
    volumes: ["./over-data:/data", "./over-cache:/cache"]
    secrets: [over-secret]
    command: [over-run]
    depends_on: {over-db: {condition: service_healthy}}
    healthcheck: {test: [CMD, over-check]}
    dns: over-dns
  over-only: {image: over-image}
secrets: {over-secret: {file: ./over-secret.txt}}
`;

  it('of two files laid one over the other, each where the value that won was written', () => {
    const model = mergeModels(normalized(base, 'base.yml'), normalized(override, 'override.yml'));
    expect(model.services['s']?.volumes).toEqual(['./over-data:/data', './base-logs:/logs', './over-cache:/cache']);
    expect(unlocatedUnder(model).filter((path) => !ADDED.test(path))).toEqual([]);
    expect(misfiled(model, layerOf)).toEqual([]);
  });

  it('of a service laid over the one it extends', () => {
    const merged = extendService(normalized(base, 'base.yml').services['s'] as ComposeService, normalized(override, 'override.yml').services['s'] as ComposeService);
    expect(unlocatedUnder(merged).filter((path) => !ADDED.test(path))).toEqual([]);
    expect(misfiled(merged, layerOf)).toEqual([]);
  });
});

describe('include keeps the origin of every entry', () => {
  it('of the including file and of what it imports', () => {
    const included = normalized('services:\n  db: {image: sub-image, environment: [SUB=sub]}\nvolumes: {sub-data: {labels: [sub=sub]}}\n', 'sub/compose.yaml');
    const includer = normalized('include: [sub/compose.yaml]\nservices:\n  app: {image: main-image}\nvolumes: {main-data: {}}\n', 'compose.yaml');
    const result = applyInclude(includer, {
      environment: ProjectEnvironment.of({}),
      chain: ['/project/compose.yaml'],
      load: () => included,
      envFile: (path) => ({ path, display: path }),
      display: (path) => path,
      note: () => undefined,
    });
    expect(Object.keys(result.services)).toEqual(['app', 'db']);
    expect(unlocatedUnder(result)).toEqual([]);
    expect(misfiled(result, (value) => (value.includes('sub') ? 'sub/compose.yaml' : value.includes('main') ? 'compose.yaml' : undefined))).toEqual([]);
  });
});

describe('extends keeps the origin of every entry', () => {
  it('of services merged over a chain of services of another file', () => {
    const lib = 'services:\n  root: {image: base-image, environment: [ROOT=base], labels: {root: base}}\n  worker: {extends: root, command: base-run, environment: {WORKER: base}}\n';
    const input = normalized('name: top-project\nservices:\n  app:\n    extends: {file: /lib/base.yml, service: worker}\n    environment: {APP: top}\n    labels: [app=top]\n  plain: {image: top-image}\n', 'compose.yaml');
    const result = applyExtends(input, 'compose.yaml', { servicesOf: (path) => normalized(lib, path.slice(1)).services });
    expect(result.services['app']).toMatchObject({ image: 'base-image', command: 'base-run', environment: { ROOT: 'base', WORKER: 'base', APP: 'top' } });
    expect(unlocatedUnder(result)).toEqual([]);
    expect(misfiled(result, (value) => (value.includes('base') ? 'lib/base.yml' : value.includes('top') ? 'compose.yaml' : undefined))).toEqual([]);
  });
});

describe('wellFormedPart keeps the origin of every entry', () => {
  it('of what it keeps, !reset services included', () => {
    const document = parsed('services:\n  good: {image: x}\n  bad: {image: y, wrong: 1}\n  gone: !reset null\nvolumes: {data: {}}\n', 'compose.yaml');
    const kept = wellFormedPart(document, [{ path: ['services', 'bad', 'wrong'], message: 'unknown key' }]);
    expect(kept).toEqual({ services: { good: { image: 'x' } }, volumes: { data: {} } });
    expect(unlocatedUnder(kept)).toEqual([]);
    expect(entriesUnder(kept).map(({ path }) => path)).toContain('services.gone');
  });
});
