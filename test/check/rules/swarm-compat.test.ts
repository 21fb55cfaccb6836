import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyRules } from '../../../src/check/apply-rules.js';
import { buildContext } from '../../../src/check/context.js';
import type { Finding } from '../../../src/report/finding.js';
import { swarmCompatRule } from '../../../src/check/rules/swarm-compat.js';
import { writeFilesAtomically } from '../../../src/fs/atomic.js';
import { generate } from '../../../src/generate/index.js';
import { parseManifest } from '../../../src/manifest/load.js';
import { dockerTools } from '../../support/engine.js';
import { findingsOf, type RunOptions } from './harness.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = join(REPO, 'test', 'generate', 'fixtures');

type Expected = Pick<Finding, 'severity' | 'file' | 'line' | 'column' | 'service' | 'key' | 'path'>;

const where = ({ rule, severity, file, line, column, service, key, path }: Finding) => ({ rule, severity, file, line, column, service, key, path });
const expected = (entries: Expected[]) => entries.map((entry) => ({ rule: 'swarm-compat', ...entry }));
const error = (file: string, line: number, column: number, service: string | null, key: string, path: string): Expected => ({ severity: 'error', file, line, column, service, key, path });
const warning = (file: string, line: number, column: number, service: string | null, key: string, path: string): Expected => ({ severity: 'warning', file, line, column, service, key, path });

const STACK: RunOptions = { files: ['stack.yml'], swarm: true };

const BAD_STACK = [
  'version: "3.8"',
  'name: shop',
  'services:',
  '  api:',
  '    image: shop/api:1',
  '    build:',
  '      context: ./api',
  '      secrets: [npm_token]',
  '    container_name: api',
  '    restart: unless-stopped',
  '    depends_on:',
  '      db: { condition: service_healthy }',
  '    pull_policy: always',
  '    secrets: [db_password, api_key]',
  '  db:',
  '    image: postgres:16',
  '    links: [cache]',
  '    init: true',
  '    tmpfs: /scratch',
  '    deploy: { restart_policy: { condition: any } }',
  'secrets:',
  '  db_password:',
  '    file: ./secrets/db_password.txt',
  '  api_key:',
  '    environment: API_KEY',
  '  npm_token:',
  '    external: true',
  '',
].join('\n');

const cases: { name: string; files: Record<string, string>; options?: RunOptions; findings: Expected[] }[] = [
  {
    name: 'a hand-written stack file with a bit of everything',
    files: { 'stack.yml': BAD_STACK },
    options: STACK,
    findings: [
      error('stack.yml', 2, 1, null, 'name', 'name'),
      warning('stack.yml', 6, 5, 'api', 'build', 'services.api.build'),
      error('stack.yml', 8, 7, 'api', 'secrets', 'services.api.build.secrets'),
      warning('stack.yml', 9, 5, 'api', 'container_name', 'services.api.container_name'),
      warning('stack.yml', 10, 5, 'api', 'restart', 'services.api.restart'),
      error('stack.yml', 11, 5, 'api', 'depends_on', 'services.api.depends_on'),
      error('stack.yml', 13, 5, 'api', 'pull_policy', 'services.api.pull_policy'),
      warning('stack.yml', 17, 5, 'db', 'links', 'services.db.links'),
      warning('stack.yml', 19, 5, 'db', 'tmpfs', 'services.db.tmpfs'),
      error('stack.yml', 23, 5, null, 'db_password', 'secrets.db_password.file'),
      error('stack.yml', 25, 5, null, 'api_key', 'secrets.api_key.environment'),
    ],
  },
  {
    name: 'the same file for docker compose: not a stack file, nothing to say',
    files: { 'compose.yaml': BAD_STACK },
    findings: [],
  },
  {
    name: 'include is rejected',
    files: { 'stack.yml': 'include:\n  - other.yml\nservices:\n  web:\n    image: nginx\n', 'other.yml': 'services:\n  cache:\n    image: redis\n' },
    options: STACK,
    findings: [error('stack.yml', 1, 1, null, 'include', 'include')],
  },
  {
    name: 'keys the file version does not have yet',
    files: {
      'stack.yml': [
        'version: "3.4"',
        'x-defaults: &defaults',
        '  image: nginx',
        'services:',
        '  web:',
        '    <<: *defaults',
        '    init: true',
        '    isolation: default',
        '    x-note: a',
        '    configs: [site]',
        'configs:',
        '  site: { external: true }',
        'secrets:',
        '  token: { external: true, name: shop_token }',
        '',
      ].join('\n'),
    },
    options: STACK,
    findings: [
      error('stack.yml', 7, 5, 'web', 'init', 'services.web.init'),
      error('stack.yml', 8, 5, 'web', 'isolation', 'services.web.isolation'),
      error('stack.yml', 9, 5, 'web', 'x-note', 'services.web.x-note'),
      error('stack.yml', 14, 28, null, 'token', 'secrets.token.name'),
    ],
  },
  {
    name: 'version "3" and no version: the latest format',
    files: {
      'stack.yml': 'version: "3"\nservices:\n  web:\n    image: nginx\n    oom_score_adj: 100\n    build: { context: ., ssh: [default] }\n',
      'more.yml': 'services:\n  web:\n    init: true\n    x-note: a\n',
    },
    options: { files: ['stack.yml', 'more.yml'], swarm: true },
    findings: [warning('stack.yml', 6, 5, 'web', 'build', 'services.web.build')],
  },
  {
    name: 'a version that is a number, or not version 3',
    files: { 'stack.yml': 'version: 3.8\nservices:\n  web:\n    image: nginx\n', 'old.yml': 'version: "2.4"\nservices:\n  web:\n    image: nginx\n' },
    options: { files: ['stack.yml', 'old.yml'], swarm: true },
    findings: [error('stack.yml', 1, 1, null, 'version', 'version'), error('old.yml', 1, 1, null, 'version', 'version')],
  },
  {
    name: 'depends_on as a list, deploy, healthcheck, external secrets: nothing to say',
    files: {
      'stack.yml': [
        'version: "3.8"',
        'services:',
        '  api:',
        '    image: api',
        '    depends_on: [db]',
        '    secrets: [{ source: token, target: token, mode: 0400 }]',
        '    healthcheck: { test: [CMD, "true"], interval: 5s }',
        '    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 64M } } }',
        '  db:',
        '    image: postgres',
        'secrets:',
        '  token: { external: true, name: shop_token }',
        '',
      ].join('\n'),
    },
    options: STACK,
    findings: [],
  },
  {
    name: 'resource keys of docker compose, each rejected',
    files: { 'stack.yml': 'services:\n  web:\n    image: nginx\n    cpus: 0.5\n    mem_limit: 64m\n    profiles: [debug]\n    extends: base\n  base:\n    image: nginx\n' },
    options: STACK,
    findings: [
      error('stack.yml', 4, 5, 'web', 'cpus', 'services.web.cpus'),
      error('stack.yml', 5, 5, 'web', 'mem_limit', 'services.web.mem_limit'),
      error('stack.yml', 6, 5, 'web', 'profiles', 'services.web.profiles'),
      error('stack.yml', 7, 5, 'web', 'extends', 'services.web.extends'),
    ],
  },
];

describe('swarm-compat', () => {
  it.each(cases)('$name', ({ files, options, findings }) => {
    expect(findingsOf(swarmCompatRule, files, options).map(where)).toEqual(expected(findings));
  });

  it("the repository's own docker-compose.prod.yml is clean", () => {
    const files = Object.fromEntries(['docker-compose.prod.yml', 'config/common.env', 'config/prod.env'].map((path) => [path, readFileSync(join(REPO, path), 'utf8')]));
    expect(findingsOf(swarmCompatRule, files, { files: ['docker-compose.prod.yml'], swarm: true })).toEqual([]);
  });

  it.each(readdirSync(FIXTURES))('the stack files planes generates are clean: fixture %s', (fixture) => {
    const root = mkdtempSync(join(tmpdir(), 'planes-swarm-'));
    const loaded = parseManifest(readFileSync(join(FIXTURES, fixture, 'stack.yaml'), 'utf8'), 'compose/stack.yaml');
    writeFilesAtomically(generate(loaded, root).files.map((file) => ({ ...file, path: join(root, file.path) })), { root });
    for (const { target, file } of Object.values(loaded.manifest.environments)) {
      if (target !== 'swarm') continue;
      const { context } = buildContext({ files: [file], swarm: true }, { cwd: root, environment: {} });
      expect(applyRules([swarmCompatRule], context)).toEqual([]);
    }
  });

  it('says what Swarm does instead, or what to write', () => {
    const messages = findingsOf(swarmCompatRule, { 'stack.yml': BAD_STACK }, STACK).map(({ key, message }) => [key, message]);
    expect(Object.fromEntries(messages)).toMatchObject({
      name: 'docker stack deploy rejects name, which the version 3 format does not have; the stack name is given on the command line (docker stack deploy -c <file> <name>)',
      restart: 'docker stack deploy ignores restart: Swarm restarts tasks by deploy.restart_policy (condition: any, on-failure or none); set that instead',
      secrets: 'docker stack deploy rejects services.api.build.secrets in a version 3.8 file; it needs version "3.11" or later',
      db_password:
        'a production secret is external: db_password would be read from a file on the deploying machine; make it external: true and create it beforehand (planes secrets push, or docker secret create)',
      api_key: 'Swarm has no environment source for a secret; make api_key external: true and create it beforehand (planes secrets push, or docker secret create)',
    });
  });
});

/*
 * The tables of the rule against the docker CLI installed here: for every key the Compose
 * Specification has (and a few it does not), in files of several versions, the rule reports an
 * error exactly when `docker stack config` rejects the key. (What `docker stack deploy` then
 * drops needs a Swarm deploy; the warnings were measured that way once, see the rule.)
 */
const available = dockerTools('swarm-compat against docker stack config', ['stack']);

describe.skipIf(!available)('swarm-compat agrees with docker stack config', () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8'));
  const serviceKeys = [...Object.keys(schema.definitions.service.properties), 'cgroupns_mode', 'volume_driver', 'x-note'].filter((key) => key !== 'image');
  const buildKeys = [...Object.keys(schema.definitions.service.properties.build.oneOf.find((alternative: { type: string }) => alternative.type === 'object').properties), 'x-note'];
  // A secret read from a file is accepted by docker; the rule refuses it for production on purpose.
  const secretKeys = [...Object.keys(schema.definitions.secret.properties), 'x-note'].filter((key) => key !== 'file');
  const topLevelKeys = Object.keys(schema.properties).filter((key) => key !== 'services');

  // Values the loader needs to get as far as the rule; for the other keys, null: docker then
  // either rejects the key or complains of its type, which tells the two apart.
  const VALUES: Record<string, string> = { depends_on: '[base]', extends: 'base' };
  const versions = [undefined, '3.0', '3.5', '3.10'];
  const probes = versions.flatMap((version) => {
    const head = version === undefined ? '' : `version: "${version}"\n`;
    return [
      ...serviceKeys.map((key) => ({ version, key, path: `services.web.${key}`, text: `${head}services:\n  web:\n    image: nginx\n    ${key}: ${VALUES[key] ?? 'null'}\n  base:\n    image: nginx\n` })),
      ...buildKeys.filter((key) => key !== 'context').map((key) => ({ version, key, path: `services.web.build.${key}`, text: `${head}services:\n  web:\n    image: nginx\n    build:\n      context: .\n      ${key}: x\n` })),
      ...secretKeys.map((key) => ({ version, key, path: `secrets.token.${key}`, text: `${head}services:\n  web:\n    image: nginx\nsecrets:\n  token:\n    ${key}: x\n` })),
      ...topLevelKeys.filter((key) => key !== 'version').map((key) => ({ version, key, path: key, text: `${head}services:\n  web:\n    image: nginx\n${key}: null\n` })),
    ];
  });

  it(`for ${probes.length} keys and versions`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-swarm-oracle-'));
    const disagreements: string[] = [];
    const queue = probes.map((probe, index) => ({ ...probe, file: `probe-${index}.yml` }));
    const worker = async (): Promise<void> => {
      for (let probe = queue.shift(); probe !== undefined; probe = queue.shift()) {
        writeFileSync(join(root, probe.file), probe.text);
        const docker = await promisify(execFile)('docker', ['stack', 'config', '-c', probe.file], { cwd: root }).then(
          () => '',
          (failure: { stderr?: string }) => failure.stderr ?? '',
        );
        const dockerRejects = /is not allowed|forbidden properties/.test(docker);
        const { context } = buildContext({ files: [probe.file], swarm: true }, { cwd: root, environment: {} });
        const ruleRejects = applyRules([swarmCompatRule], context).some((finding) => finding.severity === 'error' && finding.path === probe.path);
        if (dockerRejects !== ruleRejects) disagreements.push(`${probe.path} in version ${probe.version ?? '(none)'}: docker ${dockerRejects ? 'rejects' : 'accepts'}, the rule ${ruleRejects ? 'rejects' : 'accepts'}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(disagreements).toEqual([]);
    // Hundreds of docker stack config runs: a generous bound, since a CI machine may be loaded.
  }, 240_000);
});
