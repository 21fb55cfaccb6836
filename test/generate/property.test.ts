import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { classifyName } from '../../src/redact/names.js';
import { writeFilesAtomically } from '../../src/fs/atomic.js';
import { generate, type GeneratedFile } from '../../src/generate/index.js';
import { parseManifest } from '../../src/manifest/load.js';
import { acceptedByTheirTool, dockerTools } from '../support/engine.js';

const CONFIG_KEYS = ['LOG_LEVEL', 'PORT', 'FEATURE_FLAG', 'REGION', 'TIMEOUT_SECONDS', 'PUBLIC_HOST', 'THEME', 'WORKERS'];
const SECRET_NAMES = ['db_password', 'api_key', 'jwt_secret', 'smtp_pass', 'signing_key'];
const SERVICE_NAMES = ['api', 'worker', 'db', 'cache', 'web'];
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const configValue = fc.oneof(word, fc.integer({ min: 0, max: 99_999 }), fc.boolean());
// Secret-looking example values: generation must never copy them outside the .example files.
const exampleValue = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/).map((v) => `Ex${v}`);

const manifestArbitrary = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
    staging: fc.boolean(),
    config: fc.dictionary(fc.constantFrom(...CONFIG_KEYS), fc.oneof(configValue, fc.record({ dev: configValue, prod: configValue }, { requiredKeys: ['prod'] }))),
    secrets: fc.dictionary(
      fc.constantFrom(...SECRET_NAMES),
      fc.oneof(fc.record({ generate: fc.record({ length: fc.integer({ min: 16, max: 64 }) }) }), fc.record({ example: exampleValue, dev: fc.constant('example') })),
    ),
    buildSecret: fc.boolean(),
    services: fc.uniqueArray(fc.constantFrom(...SERVICE_NAMES), { minLength: 1, maxLength: 4 }),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.integer({ min: 1000, max: 9999 })), { minLength: 4, maxLength: 4 }),
  })
  .map(({ name, staging, config, secrets, buildSecret, services, picks }) => {
    const configKeys = Object.keys(config);
    const secretNames = Object.keys(secrets);
    return {
      name,
      environments: {
        dev: { target: 'compose', file: 'docker-compose.yml' },
        prod: { target: 'swarm', file: 'docker-compose.prod.yml' },
        ...(staging ? { staging: { target: 'swarm', file: 'stacks/staging.yml' } } : {}),
      },
      config,
      secrets,
      ...(buildSecret ? { build_secrets: { pkg_token: { env: 'PKG_TOKEN' } } } : {}),
      services: Object.fromEntries(
        services.map((service, i) => {
          const [configPick, secretPick, built, port] = picks[i]!;
          const mounted = secretNames.filter((_, j) => (secretPick >> j) & 1);
          return [
            service,
            {
              image: `${name}/${service}:1`,
              ...(built ? { build: { context: `./${service}`, ...(buildSecret ? { secrets: ['pkg_token'] } : {}) } } : {}),
              config: configKeys.filter((_, j) => (configPick >> j) & 1),
              secrets: Object.fromEntries(mounted.map((s, j) => [s, j % 2 === 0 ? { env: `${s.toUpperCase()}_FILE` } : null])),
              ports: [`${port}:80`],
              restart: 'unless-stopped',
            },
          ];
        }),
      ),
    };
  });

function exampleValues(manifest: { secrets: Record<string, object> }): string[] {
  return Object.values(manifest.secrets).flatMap((s) => ('example' in s && typeof s.example === 'string' ? [s.example] : []));
}

/** The invariant of the product: only paths of secrets travel in the environment. */
function assertNoSecretInEnvironment(files: GeneratedFile[], examples: string[]): void {
  for (const file of files) {
    if (file.path.endsWith('.example')) continue;
    for (const value of examples) expect(file.content, `${file.path} holds a secret example value`).not.toContain(value);
    if (file.path.endsWith('.env')) {
      for (const line of file.content.split('\n').filter((l) => l && !l.startsWith('#'))) {
        expect(classifyName(line.split('=')[0]!).secret, `${file.path}: ${line.split('=')[0]}`).toBe(false);
      }
    }
    if (!/\.ya?ml$/.test(file.path)) continue;
    const compose = parse(file.content) as { services: Record<string, { environment?: Record<string, string>; build?: { args?: Record<string, string> } }> };
    for (const service of Object.values(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        expect(value.startsWith('/run/secrets/'), `${key} is not a path under /run/secrets`).toBe(true);
        expect(classifyName(key).secret, key).toBe(false);
      }
      expect(service.build?.args ?? {}).toEqual({});
    }
  }
}

describe('generation, for random valid manifests', () => {
  it('succeeds, is deterministic and keeps every secret out of environment, build args and env files', () => {
    fc.assert(
      fc.property(manifestArbitrary, (manifest) => {
        const loaded = parseManifest(stringify(manifest), 'compose/stack.yaml');
        const first = generate(loaded, '/nonexistent');
        expect(generate(parseManifest(stringify(manifest), 'compose/stack.yaml'), '/nonexistent')).toEqual(first);
        assertNoSecretInEnvironment(first.files, exampleValues(manifest));
      }),
      { numRuns: 300 },
    );
  });

  const available = dockerTools('property test against docker compose config / docker stack config', ['compose', 'stack']);
  it.skipIf(!available)('produces files that docker compose config and docker stack config accept', () => {
    fc.assert(
      fc.property(manifestArbitrary, (manifest) => {
        const root = mkdtempSync(join(tmpdir(), 'planes-property-'));
        try {
          const loaded = parseManifest(stringify(manifest), 'compose/stack.yaml');
          writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })));
          for (const environment of Object.values(loaded.manifest.environments)) {
            const verdict = acceptedByTheirTool(root, environment);
            expect(verdict.status, `${environment.file}: ${verdict.stderr}`).toBe(0);
          }
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 20 },
    );
  }, 300_000);
});
