import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseDotenv } from '../../src/compose/dotenv.js';
import { parseRawEnvFile } from '../../src/compose/raw-env-file.js';
import { classifyName } from '../../src/redact/names.js';
import { writeFilesAtomically } from '../../src/fs/atomic.js';
import { generate, type GeneratedFile } from '../../src/generate/index.js';
import { ManifestError, parseManifest } from '../../src/manifest/load.js';
import { isMapping, parseYaml } from '../../src/yaml/parse.js';
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
          writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })), { root });
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

// Scalars that YAML, an env-file reader or Compose would take for something else than their text.
const HOSTILE_PLAIN = [
  '1.10', '0x1F', '1e3', '0o17', '+1', '.5', '123456789012345678901234567890', '1.0', '-0', '0b101', '1_000',
  'yes', 'no', 'on', 'off', 'y', 'n', '0777', '1:30', '~', 'null', '', '.inf', '-.inf', '.nan', 'true', 'False',
  '2001-12-14', '42', '0.5', '-7', 'plain-word',
];
// Text written quoted: what env-file readers may change (`$`, quotes, `#`, blanks), and number-like
// text that a YAML reader of the generated file would take for a number (Compose: 0o17 is 15).
const HOSTILE_TEXT = ['1.10', '0o17', '0b101', '1_000', '0777', 'yes', '~', '1:30', '$HOME', 'a$b', '${X}', '$$', '"quoted"', "'single'", "it's", 'a #b', '#start', 'a#b', ' lead', 'trail ', ' ', 'a\\b', 'back`tick', 'x y', '=', 'a=b'];

/** A scalar as the manifest writes it, and the text it must reach the generated files as. */
const hostileScalar = fc.oneof(
  fc.constantFrom(...HOSTILE_PLAIN).map((text) => ({ yaml: text, text })),
  fc.constantFrom(...HOSTILE_TEXT).map((text) => ({ yaml: JSON.stringify(text), text })),
);

type Hostile = { yaml: string; text: string };

interface HostileManifest {
  text: string;
  /** Lines (1-based) that hold a hostile scalar: the only places a refusal may point at. */
  lines: Set<number>;
  /** Per setting: its value in every environment, or one value for all. */
  config: Map<string, Hostile | Record<string, Hostile>>;
  buildArgs: Map<string, Hostile>;
  swarm: boolean;
}

/** Written line by line, not with stringify, so that each scalar stands in the manifest as written. */
const hostileManifest = fc
  .record({
    yaml11: fc.boolean(),
    swarm: fc.boolean(),
    shared: fc.dictionary(fc.constantFrom(...CONFIG_KEYS), hostileScalar, { minKeys: 1, maxKeys: 4 }),
    perEnvironment: fc.dictionary(fc.constantFrom('MODE', 'LEVEL', 'TARGET'), fc.record({ dev: hostileScalar, prod: hostileScalar }), { maxKeys: 2 }),
    // A `$` in a build argument is Compose's interpolation, as anywhere in a compose file.
    args: fc.dictionary(fc.constantFrom('APP_VERSION', 'BASE_TAG'), hostileScalar.filter(({ text }) => !text.includes('$')), { maxKeys: 2 }),
  })
  .map(({ yaml11, swarm, shared, perEnvironment, args }): HostileManifest => {
    const out: string[] = [];
    const lines = new Set<number>();
    const hostile = (line: string): void => {
      out.push(line);
      lines.add(out.length);
    };
    if (yaml11) out.push('%YAML 1.1', '---');
    out.push('name: shop', 'environments:', '  dev: { target: compose, file: docker-compose.yml }');
    if (swarm) out.push('  prod: { target: swarm, file: docker-compose.prod.yml }');
    out.push('config:');
    const config = new Map<string, Hostile | Record<string, Hostile>>();
    for (const [key, value] of Object.entries(shared)) {
      hostile(`  ${key}: ${value.yaml}`);
      config.set(key, value);
    }
    for (const [key, values] of Object.entries(perEnvironment)) {
      out.push(`  ${key}:`);
      hostile(`    dev: ${values.dev.yaml}`);
      if (swarm) hostile(`    prod: ${values.prod.yaml}`);
      config.set(key, swarm ? values : { dev: values.dev });
    }
    out.push('services:', '  api:', '    image: shop/api:1', '    build:', '      context: ./api');
    if (Object.keys(args).length > 0) out.push('      args:');
    for (const [key, value] of Object.entries(args)) hostile(`        ${key}: ${value.yaml}`);
    out.push(`    config: [${[...config.keys()].join(', ')}]`);
    return { text: `${out.join('\n')}\n`, lines, config, buildArgs: new Map(Object.entries(args)), swarm };
  });

/** The variables of an env file as each of its readers takes them: Compose parses dotenv, docker stack reads literally. */
function readEnvFile(content: string, reader: 'compose' | 'swarm'): Map<string, string | undefined> {
  const entries = reader === 'compose' ? parseDotenv(content, 'f.env') : parseRawEnvFile(content, 'f.env', () => undefined);
  return new Map(entries.map((entry) => [entry.key, entry.value]));
}

/** The build arguments of the service api as Compose reads the file: with go-yaml's rules, which parseYaml follows. */
function buildArgsOf(compose: string): Record<string, unknown> {
  const [document] = parseYaml(compose, 'docker-compose.yml');
  const build = isMapping(document) && isMapping(document['services']) && isMapping(document['services']['api']) ? document['services']['api']['build'] : undefined;
  return isMapping(build) && isMapping(build['args']) ? build['args'] : {};
}

describe('hostile scalars: each reaches the generated files as written, or is refused at its line', () => {
  it('holds for numbers in every form, YAML 1.1 words, $, quotes, # and blanks', () => {
    fc.assert(
      fc.property(hostileManifest, (manifest) => {
        let files: GeneratedFile[];
        try {
          files = generate(parseManifest(manifest.text, 'compose/stack.yaml'), '/nonexistent').files;
        } catch (error) {
          if (!(error instanceof ManifestError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const { position } of error.problems) {
            expect(position.file).toBe('compose/stack.yaml');
            expect(manifest.lines, `refused at line ${position.line}, which holds no hostile scalar:\n${manifest.text}`).toContain(position.line);
          }
          return;
        }
        const fileOf = (path: string) => files.find((file) => file.path === path)!.content;
        const readers: Record<string, ('compose' | 'swarm')[]> = {
          'config/common.env': manifest.swarm ? ['compose', 'swarm'] : ['compose'],
          'config/dev.env': ['compose'],
          'config/prod.env': ['swarm'],
        };
        for (const [key, value] of manifest.config) {
          const placed = 'text' in value ? [['config/common.env', value] as const] : Object.entries(value).map(([env, v]) => [`config/${env}.env`, v] as const);
          for (const [path, { text }] of placed) {
            for (const reader of readers[path]!) {
              expect(readEnvFile(fileOf(path), reader).get(key), `${key} in ${path} as ${reader} reads it:\n${manifest.text}`).toBe(text);
            }
          }
        }
        for (const [key, { text }] of manifest.buildArgs) {
          expect(buildArgsOf(fileOf('docker-compose.yml'))[key], `build argument ${key}:\n${manifest.text}`).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses each form that would change, and writes each that would not, to an env file and to a build argument', () => {
    const forms = [...HOSTILE_PLAIN.map((t) => ({ yaml: t, text: t })), ...HOSTILE_TEXT.map((t) => ({ yaml: JSON.stringify(t), text: t }))];
    for (const { yaml, text } of forms) {
      const manifest = `name: shop\nenvironments:\n  dev: { target: compose, file: docker-compose.yml }\nconfig:\n  THEME: ${yaml}\nservices:\n  api: { image: shop/api:1, config: [THEME] }\n`;
      let env: string;
      try {
        env = generate(parseManifest(manifest, 'compose/stack.yaml'), '/nonexistent').files.find((file) => file.path === 'config/common.env')!.content;
      } catch (error) {
        expect(error, yaml).toBeInstanceOf(ManifestError);
        expect((error as ManifestError).problems.map((p) => p.position.line), yaml).toEqual([5]);
        continue;
      }
      expect(readEnvFile(env, 'compose').get('THEME'), yaml).toBe(text);
    }
    for (const { yaml, text } of forms.filter((form) => !form.text.includes('$'))) {
      const manifest = `name: shop\nenvironments:\n  dev: { target: compose, file: docker-compose.yml }\nservices:\n  api:\n    image: shop/api:1\n    build:\n      context: ./api\n      args:\n        TAG: ${yaml}\n`;
      let compose: string;
      try {
        compose = generate(parseManifest(manifest, 'compose/stack.yaml'), '/nonexistent').files.find((file) => file.path === 'docker-compose.yml')!.content;
      } catch (error) {
        expect(error, yaml).toBeInstanceOf(ManifestError);
        expect((error as ManifestError).problems.map((p) => p.position.line), yaml).toEqual([10]);
        continue;
      }
      expect(buildArgsOf(compose)['TAG'], yaml).toBe(text);
    }
  });
});
