import { createHash } from 'node:crypto';
import type { Family } from './commands.js';
import type { World } from './fake-engine.js';
import type { Builder, Expectation, RunResult } from './sandbox.js';

/**
 * The hostile inputs of the canary harness, as data: one entry is one input, built fresh in the
 * project directory of every run, and run with every command of the families it lists. Adding a
 * case is adding an entry. The canary (`b.canary`, `c` below) is the one secret value: it may be
 * written into the inputs freely; a run must never put it anywhere but secrets/*.txt.
 */
export interface HostileInput {
  id: string;
  /** The class of the issue it belongs to ("1 values printed", …), for the grouped report. */
  class: string;
  families: Family[];
  /** Only these commands of those families (an id without its engine names both: `secrets push --env prod`). */
  only?: string[];
  build: (b: Builder) => void;
  /** More arguments for the commands of a family (appended: a repeated --out wins). */
  args?: Partial<Record<Family, string[]>>;
  /** The run's environment (besides PATH, HOME, TMPDIR, NO_COLOR, LANG and DOCKER_HOST). */
  env?: (canary: string) => Record<string, string>;
  /** What the fake engine holds, for the engine commands. */
  world?: (canary: string) => World;
  expect?: Expectation & { for?: string[] };
}

export const CLASSES = {
  baseline: 'baseline (clean inputs)',
  printed: '1 values printed',
  migrate: '2 migrate copies credentials',
  files: '3-5 files and links',
  traces: '6 stack traces',
  notAFile: '7 not a file',
  values: '8 values changed',
  odd: '9 odd YAML and arguments',
  findings: 'own: findings and messages redact',
} as const;

// ---------------------------------------------------------------------------------------------
// The base project: a manifest whose three secrets hold the canary in secrets/*.txt (and, for the
// engine commands, in the environment variables their sources read).

interface ManifestParts {
  /** Text before the manifest (a %YAML directive). */
  head?: string;
  environments?: string;
  config?: string;
  /** The source of api_key (YAML flow mapping). */
  apiKeySource?: string;
  /** The source of vault_token, a command (YAML flow scalar). */
  vaultSource?: string;
  /** More secrets, indented two spaces. */
  secretsExtra?: string;
  /** More secret mounts of the api service, indented six spaces. */
  apiSecretsExtra?: string;
  /** More keys of the api service, indented four spaces. */
  apiExtra?: string;
  /** Text after the manifest (a second document). */
  tail?: string;
}

const BASE_ENVIRONMENTS = `  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
`;

export function manifest(parts: ManifestParts = {}): string {
  return `${parts.head ?? ''}# yaml-language-server: $schema=../schema/stack.schema.json
name: shop
environments:
${parts.environments ?? BASE_ENVIRONMENTS}config:
${parts.config ?? '  LOG_LEVEL: INFO\n'}secrets:
  db_password: { generate: { length: 32 } }
  api_key: { description: API key of the provider, example: sk-your-key-here, source: ${parts.apiKeySource ?? '{ env: API_KEY }'} }
  vault_token: { generate: { length: 32 }, source: { command: ${parts.vaultSource ?? `'printf %s "$VAULT_TOKEN"'`} } }
${parts.secretsExtra ?? ''}services:
  api:
    image: shop/api:1
    config: [${configKeys(parts.config)}]
    secrets:
      db_password: { env: DB_PASSWORD_FILE }
      api_key: { env: API_KEY_FILE }
      vault_token: { env: VAULT_TOKEN_FILE }
${parts.apiSecretsExtra ?? ''}${parts.apiExtra ?? ''}  db:
    image: postgres:16-alpine
    secrets:
      db_password: { env: POSTGRES_PASSWORD_FILE }
${parts.tail ?? ''}`;
}

function configKeys(config: string | undefined): string {
  if (config === undefined) return 'LOG_LEVEL';
  return [...config.matchAll(/^ {2}([A-Za-z_][A-Za-z0-9_]*):/gm)].map((m) => m[1]).join(', ');
}

const SECRETS = ['db_password', 'api_key', 'vault_token'];

/** The manifest, and the secret files setup would have made, each holding the canary. */
function project(b: Builder, text = manifest()): void {
  b.file('compose/stack.yaml', text);
  for (const name of SECRETS) b.secret(name);
}

/** The base project as `planes generate` leaves it. */
function generatedProject(b: Builder): void {
  project(b);
  b.generated();
}

function edit(b: Builder, path: string, change: (text: string) => string): void {
  const before = b.fileText(path);
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${path} changed nothing: the generated file is not what the input expects`);
  b.file(path, after);
}

/** The engine commands' environment: their sources read the canary from it. */
const SOURCE_ENV = (c: string) => ({ API_KEY: c, VAULT_TOKEN: c });

/** The labels planes gives a Swarm secret holding `value`. */
function planesLabels(secret: string, value: string): Record<string, string> {
  return { 'planes.stack': 'shop', 'planes.secret': secret, 'planes.sha256': createHash('sha256').update(value).digest('hex') };
}

/**
 * A Swarm where shop runs: db_password pushed already, api_key with an older value (to rotate),
 * vault_token not yet (for push to create), one left over for prune, a service, and containers
 * and an image that leak the canary (for audit).
 */
const SHOP_WORLD = (c: string): World => ({
  secrets: [
    { name: 'shop_db_password', labels: planesLabels('db_password', c) },
    { name: 'shop_api_key', labels: planesLabels('api_key', 'an older value') },
    { name: 'shop_old_key', labels: planesLabels('old_key', 'an old value') },
  ],
  services: [{ name: 'shop_api', stack: 'shop', image: 'shop/api:1', env: [`SESSION_SECRET=${c}`, 'LOG_LEVEL=INFO'], secrets: ['shop_db_password', 'shop_api_key'] }],
  containers: [
    { name: 'shop-api-1', project: 'shop', service: 'api', image: 'shop/api:1', env: [`DB_PASSWORD=${c}`, `GITHUB_TOKEN=ghp_${c}`, `DATABASE_URL=postgres://shop:${c}@db/shop`] },
    { name: 'shop_api.1.abc', stack: 'shop', service: 'api', image: 'shop/api:1', env: [`API_KEY=${c}`] },
  ],
  images: [{ ref: 'shop/api:1', env: [`NPM_TOKEN=${c}`], history: [`/bin/sh -c echo ghp_${c} > /root/.token`, `ARG DB_PASSWORD=${c}`, '/bin/sh -c #(nop) CMD ["app"]'] }],
});

/** Every secret of shop pushed: verify passes and deploy goes on to docker stack deploy. */
const SHOP_WORLD_PUSHED = (c: string): World => ({
  ...SHOP_WORLD(c),
  secrets: SECRETS.map((secret) => ({ name: `shop_${secret}`, labels: planesLabels(secret, c) })),
});

// ---------------------------------------------------------------------------------------------
// Compose setups without a manifest, for check and migrate.

/** A compose file with one service; `service` holds more of its keys, indented four spaces. */
function compose(service: string, top = ''): string {
  return `services:\n  api:\n    image: shop/api:1\n${service}${top}`;
}

const ENV_DB_PASSWORD = '    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n';

/** .env holds the canary in a secret-named variable, and the compose file uses it in `service`. */
function dotenvUsedIn(service: string, top = ''): (b: Builder) => void {
  return (b) => {
    b.file('.env', `DB_PASSWORD=${b.canary}\n`);
    b.file('compose.yaml', compose(service, top));
  };
}

const REFUSED: Expectation = { exitCode: 2 };

/**
 * An env_file that cannot be read is a finding of the check (rule `load`, exit 1, as a missing
 * one is) that names it, and a refusal of migrate (exit 2), which needs a setup Compose accepts.
 */
function refusedEnvFile(shown: string): Expectation {
  return {
    check: (result, commandId) => {
      if (commandId.startsWith('check')) {
        return result.exitCode === 1 && result.stdout.includes(shown) && result.stdout.includes('load') ? [] : [`check must report env_file ${shown} as a load finding (exit 1), got exit ${String(result.exitCode)}`];
      }
      return result.exitCode === 2 ? [] : [`migrate must refuse env_file ${shown} (exit 2), got exit ${String(result.exitCode)}`];
    },
  };
}

/** Class 8: every value must reach config/common.env as written, or the manifest be refused. */
function valuesAsWritten(written: Record<string, string>): Expectation & { for: string[] } {
  return {
    for: ['generate'],
    check: (result: RunResult) => {
      if (result.exitCode === 2) return [];
      const env = result.fileAfter('config/common.env');
      if (env === undefined) return [`exit ${result.exitCode} without config/common.env`];
      const lines = new Set(env.split('\n'));
      return Object.entries(written)
        .filter(([key, value]) => !lines.has(`${key}=${value}`))
        .map(([key, value]) => {
          const line = env.split('\n').find((l) => l.startsWith(`${key}=`));
          return `${key}: written ${JSON.stringify(value)} in the manifest, ${line === undefined ? 'missing from' : JSON.stringify(line.slice(key.length + 1))} in config/common.env (exit ${result.exitCode}; refuse with exit 2 or keep the value)`;
        });
    },
  };
}

const NUMBERS = { V_DECIMAL: '1.10', V_HEX: '0x1F', V_LONG: '123456789012345678901234567890', V_EXPONENT: '1e3', V_OCTAL: '0o17', V_PLUS: '+12', V_INF: '.inf', V_LEADING_DOT: '.5' };
const YAML11 = { V_YES: 'yes', V_OCTAL: '0777', V_SEXAGESIMAL: '1:30', V_ON: 'on', V_UNDERSCORE: '1_000', V_DATE: '2001-12-14' };

const DEEP = 20_000;

// ---------------------------------------------------------------------------------------------

export const INPUTS: readonly HostileInput[] = [
  // Baselines: a clean project of each kind; on them every run must already pass.
  { id: 'baseline: generated project', class: CLASSES.baseline, families: ['generate', 'setup', 'plan', 'schema', 'check'], build: generatedProject },
  { id: 'baseline: compose setup', class: CLASSES.baseline, families: ['check', 'migrate'], build: dotenvUsedIn(ENV_DB_PASSWORD) },
  { id: 'baseline: engine', class: CLASSES.baseline, families: ['engine'], build: generatedProject, env: SOURCE_ENV, world: SHOP_WORLD },
  {
    id: 'baseline: engine, every secret pushed',
    class: CLASSES.baseline,
    families: ['engine'],
    only: ['secrets verify --env prod [fake engine]', 'deploy --env prod [fake engine]', 'deploy --env prod --push [fake engine]'],
    build: generatedProject,
    env: SOURCE_ENV,
    world: SHOP_WORLD_PUSHED,
  },

  // 1. Values printed.
  {
    id: 'secret added by hand to a generated env file',
    class: CLASSES.printed,
    families: ['generate', 'check'],
    build: (b) => {
      generatedProject(b);
      edit(b, 'config/common.env', (text) => `${text}DB_PASSWORD=${b.canary}\n`);
    },
  },
  {
    id: 'secret added by hand to the generated compose file',
    class: CLASSES.printed,
    families: ['generate', 'check'],
    build: (b) => {
      generatedProject(b);
      edit(b, 'docker-compose.yml', (text) => text.replace(/^( {4}image: shop\/api:1\n)/m, `$1    environment:\n      DB_PASSWORD: ${b.canary}\n`));
    },
  },
  {
    id: 'secret added by hand to the generated stack file',
    class: CLASSES.printed,
    families: ['generate', 'check'],
    build: (b) => {
      generatedProject(b);
      edit(b, 'docker-compose.prod.yml', (text) => text.replace(/^( {4}image: shop\/api:1\n)/m, `$1    environment:\n      API_TOKEN: ghp_${b.canary}\n`));
    },
  },
  { id: '.env value with ${ unclosed', class: CLASSES.printed, families: ['check', 'migrate'], build: (b) => (dotenvUsedIn(ENV_DB_PASSWORD)(b), b.file('.env', `DB_PASSWORD=pw\${${b.canary}\n`)) },
  {
    id: '--env-file value with ${ unclosed',
    class: CLASSES.printed,
    families: ['check', 'migrate'],
    build: (b) => (b.file('compose.yaml', compose(ENV_DB_PASSWORD)), b.file('prod.env', `DB_PASSWORD=pw\${${b.canary}\n`)),
    args: { check: ['--env-file', 'prod.env'], migrate: ['--env-file', 'prod.env'] },
  },
  {
    id: 'inline environment value with ${ unclosed',
    class: CLASSES.printed,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: "pw\${${b.canary}"\n`)),
  },
  {
    id: 'inline command with ${ unclosed',
    class: CLASSES.printed,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(`    command: ["server", "--password=pw\${${b.canary}"]\n`)),
  },
  { id: '.env secret used in extends', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    extends: { file: "${DB_PASSWORD}", service: base }\n') },
  { id: '.env secret used in env_file', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    env_file: ["${DB_PASSWORD}"]\n') },
  { id: '.env secret used in service secrets', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    secrets: ["${DB_PASSWORD}"]\n') },
  { id: '.env secret used in a secret file', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    secrets: [db]\n', 'secrets:\n  db:\n    file: "${DB_PASSWORD}"\n') },
  { id: '.env secret used in restart', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    restart: "${DB_PASSWORD}"\n') },
  { id: '.env secret used in networks', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    networks: ["${DB_PASSWORD}"]\n') },
  { id: '.env secret used in the image', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    container_name: api\n', '  db:\n    image: "${DB_PASSWORD}"\n') },
  { id: '.env secret used in build.dockerfile', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    build: { context: ".", dockerfile: "${DB_PASSWORD}" }\n') },
  { id: '.env secret used in ports', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    ports: ["${DB_PASSWORD}"]\n') },
  { id: '.env secret used in a volume', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    volumes: ["${DB_PASSWORD}:/data"]\n') },
  { id: '.env secret used in depends_on', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('    depends_on: ["${DB_PASSWORD}"]\n') },
  { id: '.env secret used in include', class: CLASSES.printed, families: ['check', 'migrate'], build: dotenvUsedIn('', 'include: ["${DB_PASSWORD}"]\n') },
  {
    id: 'NODE_DEBUG=child_process while a source command runs',
    class: CLASSES.printed,
    families: ['engine'],
    build: (b) => (project(b, manifest({ apiKeySource: `{ command: 'printf %s "$API_KEY"' }` })), b.generated()),
    only: ['secrets push --env prod', 'secrets rotate api_key --env prod', 'deploy --env prod --push'],
    env: (c) => ({ ...SOURCE_ENV(c), NODE_DEBUG: 'child_process' }),
    world: SHOP_WORLD,
  },
  {
    id: 'DEBUG=* (docker-modem logs requests)',
    class: CLASSES.printed,
    families: ['engine'],
    build: generatedProject,
    only: ['secrets push --env prod', 'secrets rotate api_key --env prod', 'audit', 'audit --images --format json'],
    env: (c) => ({ ...SOURCE_ENV(c), DEBUG: '*' }),
    world: SHOP_WORLD,
  },
  {
    // rotate names a ready node without a task by the error its engine gave the last one there.
    id: 'a node whose engine rejects every task, with a password in the error',
    class: CLASSES.printed,
    families: ['engine'],
    build: generatedProject,
    only: ['secrets rotate api_key --env prod'],
    // The node never gets a task: one second of waiting says so as well as five.
    args: { engine: ['--timeout', '1'] },
    env: SOURCE_ENV,
    world: (c) => {
      const world = SHOP_WORLD(c);
      const error = `starting container failed: exec: "psql postgres://shop:${c}@db/shop": executable file not found in $PATH`;
      return { ...world, services: (world.services ?? []).map((service) => ({ ...service, global: true, rejectedOn: { node: 'node-2', error } })) };
    },
    expect: {
      for: ['secrets rotate api_key --env prod [fake engine]'],
      exitCode: 1,
      check: (result: RunResult) => (result.stderr.includes('(its last task there failed: starting container failed: exec: "psql postgres://shop:') ? [] : ['rotate must name the node by the error of its last task']),
    },
  },
  {
    id: 'a failing source command that says the secret on stderr',
    class: CLASSES.printed,
    families: ['engine'],
    build: (b) => {
      project(b, manifest({ vaultSource: `'echo "vault: token $VAULT_TOKEN is not allowed to read secret/shop" >&2; exit 3'` }));
      b.generated();
    },
    only: ['secrets push --env prod', 'deploy --env prod --push'],
    env: SOURCE_ENV,
    world: SHOP_WORLD,
  },

  // 2. Migrate copies credentials.
  { id: 'credential in a label', class: CLASSES.migrate, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    labels:\n      com.example.token: ghp_${b.canary}\n`)) },
  {
    id: 'credential in a config content',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose('    configs: [app]\n', `configs:\n  app:\n    content: "token: ghp_${b.canary}"\n`)),
  },
  {
    id: 'credential in a config file',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('app.conf', `upstream_password = ${b.canary}\n`);
      b.file('compose.yaml', compose('    configs: [app]\n', 'configs:\n  app:\n    file: ./app.conf\n'));
    },
  },
  {
    id: 'password in a healthcheck',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(`    healthcheck:\n      test: ["CMD", "mysqladmin", "ping", "-uroot", "-p${b.canary}"]\n`)),
  },
  {
    id: 'DSN password for an image without *_FILE',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(`    environment:\n      DATABASE_URL: "postgresql://shop:${b.canary}@db:5432/shop?sslmode=disable"\n`)),
  },
  {
    id: 'DSN password on a WebAssembly image',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(`    platform: wasi/wasm\n    environment:\n      DATABASE_URL: "mysql://root:${b.canary}@db:3306/mysql"\n`)),
  },
  {
    id: 'secret ARG default in a Dockerfile migrate carries over',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('Dockerfile', `FROM scratch\nARG NPM_TOKEN=npm_${b.canary}\n`);
      b.file('compose.yaml', compose('    build: { context: . }\n'));
    },
  },
  {
    id: 'password in the CMD of the Dockerfile image_start is learnt from',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('Dockerfile', `FROM node:20\nCMD ["node", "server.js", "--password", "${b.canary}"]\n`);
      b.file('compose.yaml', compose('    build: { context: . }\n    environment:\n      API_TOKEN: ${DB_PASSWORD}\n'));
      b.file('.env', 'DB_PASSWORD=Zq8rT4mLw2x9kPd\n');
    },
  },
  { id: 'secret in an x- extension', class: CLASSES.migrate, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose('', `x-credentials:\n  DB_PASSWORD: ${b.canary}\n`)) },
  {
    id: 'secret in build args',
    class: CLASSES.migrate,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('Dockerfile', 'FROM scratch\nARG NPM_TOKEN\n');
      b.file('compose.yaml', compose(`    build:\n      context: .\n      args:\n        NPM_TOKEN: npm_${b.canary}\n`));
    },
  },

  // Every finding of the checker shows a redaction, never the value.
  { id: 'secret in environment (list)', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    environment:\n      - API_KEY=${b.canary}\n`)) },
  {
    id: 'secret from the shell environment',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose(ENV_DB_PASSWORD)),
    env: (c) => ({ DB_PASSWORD: c }),
  },
  {
    id: '.env secret that no service uses',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => (b.file('compose.yaml', compose('    environment:\n      LOG_LEVEL: info\n')), b.file('.env', `LOG_LEVEL=info\nOLD_API_KEY=${b.canary}\n`)),
  },
  {
    id: 'compose secret from the shell environment',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', compose('    secrets: [db_password]\n', 'secrets:\n  db_password:\n    environment: DB_PASSWORD\n')),
    env: (c) => ({ DB_PASSWORD: c }),
  },
  {
    id: 'secret in an env_file',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('app.env', `LOG_LEVEL=info\nSTRIPE_SECRET_KEY=${b.canary}\n`);
      b.file('compose.yaml', compose('    env_file: [app.env]\n'));
    },
  },
  {
    id: 'secret in a Dockerfile',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => {
      b.file('Dockerfile', `FROM scratch\nENV API_KEY=${b.canary}\nARG GITHUB_TOKEN=ghp_${b.canary}\n`);
      b.file('compose.yaml', compose('    build: .\n'));
    },
  },
  { id: 'password on a command line', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    command: redis-server --requirepass ${b.canary}\n`)) },
  {
    id: 'private key spanning lines',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) =>
      b.file('compose.yaml', compose(`    environment:\n      TLS_PRIVATE_KEY: |\n        -----BEGIN PRIVATE KEY-----\n        ${b.canary}${b.canary}\n        ${b.canary}\n        -----END PRIVATE KEY-----\n`)),
  },
  { id: 'secret-named variable holding a URL with a password', class: CLASSES.odd, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: https://admin:${b.canary}@db.example.com\n`)) },
  { id: '.env secret with a quoted # and spaces', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => (dotenvUsedIn(ENV_DB_PASSWORD)(b), b.file('.env', `DB_PASSWORD=" ${b.canary} # not a comment "\n`)) },
  { id: 'a very long secret', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => (dotenvUsedIn(ENV_DB_PASSWORD)(b), b.file('.env', `DB_PASSWORD=${'k9'.repeat(3000)}${b.canary}${'q7'.repeat(3000)}\n`)) },
  { id: 'secret with terminal escapes', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: "${b.canary}\\e]0;title\\a\\r\\e[2K"\n`)) },
  { id: 'YAML syntax error on the line of a secret', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: "${b.canary}\n      LOG_LEVEL: [info\n`)) },
  { id: 'YAML syntax error in .env near a secret', class: CLASSES.findings, families: ['check', 'migrate'], build: (b) => (dotenvUsedIn(ENV_DB_PASSWORD)(b), b.file('.env', `DB_PASSWORD="${b.canary}\nOTHER='x\n`)) },
  {
    id: 'secret written in an anchor merged into two services',
    class: CLASSES.findings,
    families: ['check', 'migrate'],
    build: (b) => b.file('compose.yaml', `x-env: &env\n  DB_PASSWORD: ${b.canary}\nservices:\n  api:\n    image: shop/api:1\n    environment: *env\n  worker:\n    image: shop/api:1\n    environment:\n      <<: *env\n`),
  },
  {
    id: 'leaky override file with -f, stack file with --swarm',
    class: CLASSES.findings,
    families: ['check'],
    build: (b) => {
      b.file('compose.yaml', compose(''));
      b.file('stack.yml', `version: "3.8"\nservices:\n  api:\n    image: shop/api:1\n    environment:\n      API_TOKEN: ghp_${b.canary}\n    labels:\n      auth: "admin:${b.canary}"\n`);
    },
    args: { check: ['-f', 'stack.yml', '--swarm'] },
  },
  { id: 'manifest: secret under config', class: CLASSES.findings, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ config: `  LOG_LEVEL: INFO\n  DB_PASSWORD: ${b.canary}\n` })) },
  { id: 'manifest: credential in a label', class: CLASSES.findings, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ apiExtra: `    labels:\n      com.example.token: ghp_${b.canary}\n` })) },
  { id: 'manifest: password on a command line', class: CLASSES.findings, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ apiExtra: `    command: ["server", "--password", "${b.canary}"]\n` })) },
  { id: 'manifest: credential in build args', class: CLASSES.findings, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ apiExtra: `    build:\n      context: .\n      args: { NPM_TOKEN: npm_${b.canary} }\n` })) },
  // Secrets apps consume: a rendering, a variable set by the wrapper, a config named after its content.
  ...(['fresh', 'stale'] as const).map((state): HostileInput => ({
    id: `manifest: templated secret built from a secret, its rendering ${state}`,
    class: CLASSES.printed,
    families: ['generate', 'setup', 'plan', 'check'],
    build: (b) => {
      project(b, manifest({ secretsExtra: '  database_url: { template: "postgresql://app:{{ secret.api_key | urlencode }}@db/{{ secret.db_password }}" }\n', apiSecretsExtra: '      database_url: { env: DATABASE_URL_FILE }\n' }));
      // Fresh: what setup renders from the canary; stale: the canary alone, which its inputs no longer give.
      b.secret('database_url', state === 'fresh' ? `postgresql://app:${b.canary}@db/${b.canary}` : b.canary);
    },
    // Setup renders a stale rendering anew: the one secret file a command may replace.
    ...(state === 'stale'
      ? {
          expect: {
            for: ['setup'],
            rendered: ['secrets/database_url.txt'],
            check: (result: RunResult) => (result.fileAfter('secrets/database_url.txt')?.startsWith('postgresql://app:') ? [] : ['setup must render secrets/database_url.txt anew from its template']),
          },
        }
      : {}),
  })),
  {
    id: 'manifest: secret given as a variable to the process',
    class: CLASSES.printed,
    families: ['generate', 'setup', 'plan', 'check'],
    build: (b) => {
      project(b, manifest({ apiSecretsExtra: '      api_token: { variable: API_TOKEN }\n', secretsExtra: '  api_token: { generate: { length: 32 } }\n', apiExtra: '    image_start: { entrypoint: [], command: [server] }\n' }));
      b.secret('api_token');
    },
  },
  {
    id: 'manifest: a config file holding the secret, named after its content',
    class: CLASSES.findings,
    families: ['generate', 'plan', 'check'],
    build: (b) => {
      project(b, manifest({ apiExtra: '    configs: [app_conf]\n', tail: 'configs:\n  app_conf: { file: ./conf/app.conf }\n' }));
      b.file('conf/app.conf', `password = ${b.canary}\n`);
    },
  },
  { id: 'manifest: YAML error on the line of a secret', class: CLASSES.findings, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ config: `  DB_PASSWORD: "${b.canary}\n  LOG_LEVEL: [INFO\n` })) },

  // 3-5. Files and links.
  ...(
    [
      ['an environment file naming a secret file', '  prod: { target: swarm, file: secrets/db_password.txt }\n'],
      ['an environment file naming the manifest', '  dev: { target: compose, file: compose/stack.yaml }\n'],
      ['an environment file naming config/common.env', '  dev: { target: compose, file: config/common.env }\n'],
      ['an environment file naming ../x', '  dev: { target: compose, file: ../x.yml }\n'],
      ['an environment file naming an absolute path', null],
      ['an environment file naming a directory', '  dev: { target: compose, file: compose }\n'],
      ['an environment named common', '  common: { target: compose, file: docker-compose.yml }\n  prod: { target: swarm, file: docker-compose.prod.yml }\n'],
      ['two environments writing one file', '  dev: { target: compose, file: docker-compose.yml }\n  prod: { target: swarm, file: docker-compose.yml }\n'],
      ['an environment file naming .gitignore', '  dev: { target: compose, file: .gitignore }\n'],
    ] as const
  ).map(
    ([id, environments]): HostileInput => ({
      id,
      class: CLASSES.files,
      // check reads the environment files as compose files: the one that names a secret file matters to it.
      families: id.includes('secret file') ? ['generate', 'setup', 'check'] : ['generate', 'setup'],
      build: (b) => {
        const dev = environments ?? `  dev: { target: compose, file: ${b.paths.outside}/x.yml }\n`;
        project(b, manifest({ environments: /prod:|common:/.test(dev) ? dev : `${dev}  prod: { target: swarm, file: docker-compose.prod.yml }\n` }));
        b.file('.gitignore', 'secrets/*.txt\n');
      },
      expect: { ...REFUSED, for: ['generate'] },
    }),
  ),
  {
    id: 'secrets/ a link to a directory outside',
    class: CLASSES.files,
    families: ['generate', 'setup'],
    build: (b) => {
      b.file('compose/stack.yaml', manifest());
      b.directory(`${b.paths.outside}/secrets`);
      b.symlink('secrets', `${b.paths.outside}/secrets`);
      b.generated();
    },
  },
  {
    id: 'secrets/<name>.txt a dangling link',
    class: CLASSES.files,
    families: ['generate', 'setup'],
    build: (b) => {
      generatedProject(b);
      b.symlink('secrets/api_key.txt', `${b.paths.outside}/stolen.txt`);
    },
  },
  {
    id: 'migrate --force into an --out whose secrets/ is a link outside',
    class: CLASSES.files,
    families: ['migrate'],
    build: (b) => {
      b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`));
      b.directory(`${b.paths.outside}/secrets`);
      b.symlink(`${b.paths.out}/secrets`, `${b.paths.outside}/secrets`);
    },
    args: { migrate: ['--force'] },
  },
  {
    id: 'migrate --force into an --out whose secret file is a dangling link',
    class: CLASSES.files,
    families: ['migrate'],
    build: (b) => {
      b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`));
      b.symlink(`${b.paths.out}/secrets/db_password.txt`, `${b.paths.outside}/stolen.txt`);
    },
    args: { migrate: ['--force'] },
  },
  {
    id: 'migrate --force over an existing secret file',
    class: CLASSES.files,
    families: ['migrate'],
    build: (b) => {
      b.file('compose.yaml', compose('    environment:\n      DB_PASSWORD: another-password-of-the-setup\n'));
      b.file(`${b.paths.out}/secrets/db_password.txt`, b.canary, 0o600);
    },
    args: { migrate: ['--force'] },
  },

  // 6. Stack traces.
  { id: 'a read-only project', class: CLASSES.traces, families: ['generate', 'setup'], build: (b) => (b.file('compose/stack.yaml', manifest()), b.readOnly()) },
  {
    id: 'a read-only project, migrate --out inside it',
    class: CLASSES.traces,
    families: ['migrate'],
    build: (b) => (b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`)), b.readOnly()),
    args: { migrate: ['--out', 'migrated'] },
  },
  { id: 'a directory where the compose file goes', class: CLASSES.traces, families: ['generate', 'setup'], build: (b) => (project(b), b.directory('docker-compose.yml')) },
  { id: 'a directory where config/common.env goes', class: CLASSES.traces, families: ['generate', 'setup'], build: (b) => (project(b), b.directory('config/common.env')) },
  { id: 'a directory where .gitignore goes', class: CLASSES.traces, families: ['generate', 'setup'], build: (b) => (project(b), b.directory('.gitignore')) },
  {
    id: 'a directory where a secret file goes',
    class: CLASSES.traces,
    families: ['generate', 'setup'],
    build: (b) => {
      b.file('compose/stack.yaml', manifest());
      b.generated();
      b.directory('secrets/db_password.txt');
    },
  },
  { id: 'secrets a regular file', class: CLASSES.traces, families: ['generate', 'setup'], build: (b) => (b.file('compose/stack.yaml', manifest()), b.file('secrets', 'not a directory\n')) },
  {
    id: 'migrate --out naming a file',
    class: CLASSES.traces,
    families: ['migrate'],
    build: (b) => {
      b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`));
      b.file(b.paths.out, 'a file\n');
    },
  },
  {
    id: 'migrate --force into an --out whose secrets is a file',
    class: CLASSES.traces,
    families: ['migrate'],
    build: (b) => {
      b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`));
      b.file(`${b.paths.out}/secrets`, 'a file\n');
    },
    args: { migrate: ['--force'] },
  },

  // 7. Not a file: each must end in bounded time with exit 2.
  { id: 'env_file: /dev/zero', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose('    env_file: /dev/zero\n')), expect: refusedEnvFile('/dev/zero') },
  { id: 'env_file a FIFO', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => (b.fifo('app.env'), b.file('compose.yaml', compose('    env_file: app.env\n'))), expect: refusedEnvFile('app.env') },
  { id: '.env a FIFO', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => (b.fifo('.env'), b.file('compose.yaml', compose(ENV_DB_PASSWORD))) },
  { id: 'the compose file a FIFO', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => b.fifo('compose.yaml'), expect: REFUSED },
  { id: 'the manifest a FIFO', class: CLASSES.notAFile, families: ['generate', 'setup', 'plan', 'check'], build: (b) => b.fifo('compose/stack.yaml'), expect: REFUSED },
  { id: 'the Dockerfile a FIFO', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => (b.fifo('Dockerfile'), b.file('compose.yaml', compose('    build: .\n'))) },
  {
    id: 'a config file a FIFO',
    class: CLASSES.notAFile,
    families: ['check', 'migrate'],
    build: (b) => (b.fifo('app.conf'), b.file('compose.yaml', compose('    configs: [app]\n', 'configs:\n  app:\n    file: ./app.conf\n'))),
  },
  {
    id: 'an extends file a FIFO',
    class: CLASSES.notAFile,
    families: ['check', 'migrate'],
    build: (b) => (b.fifo('base.yaml'), b.file('compose.yaml', compose('    extends: { file: base.yaml, service: base }\n'))),
    expect: REFUSED,
  },
  { id: 'a secret file a FIFO', class: CLASSES.notAFile, families: ['check', 'migrate'], build: (b) => (b.fifo('db.txt'), b.file('compose.yaml', compose('    secrets: [db]\n', 'secrets:\n  db:\n    file: ./db.txt\n'))) },
  { id: '--env-file /dev/zero', class: CLASSES.notAFile, families: ['check', 'migrate'], build: dotenvUsedIn(ENV_DB_PASSWORD), args: { check: ['--env-file', '/dev/zero'], migrate: ['--env-file', '/dev/zero'] }, expect: REFUSED },
  { id: '-f /dev/null', class: CLASSES.notAFile, families: ['check', 'migrate'], build: dotenvUsedIn(ENV_DB_PASSWORD), args: { check: ['-f', '/dev/null'], migrate: ['-f', '/dev/null'] }, expect: REFUSED },
  { id: '-f /dev/zero', class: CLASSES.notAFile, families: ['check', 'migrate'], build: dotenvUsedIn(ENV_DB_PASSWORD), args: { check: ['-f', '/dev/zero'], migrate: ['-f', '/dev/zero'] }, expect: REFUSED },
  { id: '-f a directory', class: CLASSES.notAFile, families: ['check', 'migrate'], build: dotenvUsedIn(ENV_DB_PASSWORD), args: { check: ['-f', '.'], migrate: ['-f', '.'] }, expect: REFUSED },

  // 8. Values: as written, or refused.
  // One value per input: a value refused would otherwise hide the others.
  ...[...Object.entries(NUMBERS).map(([key, value]) => ({ key, value, head: '' })), ...Object.entries(YAML11).map(([key, value]) => ({ key, value, head: '%YAML 1.1\n---\n' }))].map(
    ({ key, value, head }): HostileInput => ({
      id: `config ${key}: ${value}${head ? ' under %YAML 1.1' : ''}`,
      class: CLASSES.values,
      families: ['generate'],
      only: ['generate'],
      build: (b) => project(b, manifest({ head, config: `  ${key}: ${value}\n` })),
      expect: valuesAsWritten({ [key]: value }),
    }),
  ),

  // 9. Odd YAML and arguments.
  { id: 'config !!binary', class: CLASSES.odd, families: ['generate', 'plan'], build: (b) => project(b, manifest({ config: '  LOG_LEVEL: INFO\n  V_BINARY: !!binary aGVsbG8=\n' })) },
  { id: 'config ~', class: CLASSES.odd, families: ['generate', 'plan'], build: (b) => project(b, manifest({ config: '  LOG_LEVEL: INFO\n  V_NULL: ~\n' })) },
  { id: 'manifest nested 20000 deep', class: CLASSES.odd, families: ['generate', 'plan', 'check'], build: (b) => project(b, manifest({ apiExtra: `    command: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n` })) },
  { id: 'compose file nested 20000 deep', class: CLASSES.odd, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(ENV_DB_PASSWORD, `x-deep: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`)) },
  { id: 'manifest with two documents', class: CLASSES.odd, families: ['generate', 'plan'], build: (b) => project(b, manifest({ tail: '---\nname: other\n' })) },
  { id: 'compose file with two documents', class: CLASSES.odd, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', `${compose(`    environment:\n      DB_PASSWORD: ${b.canary}\n`)}---\nservices: {}\n`) },
  { id: 'an empty compose file', class: CLASSES.odd, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', '') },
  { id: '!!binary in environment', class: CLASSES.odd, families: ['check', 'migrate'], build: (b) => b.file('compose.yaml', compose(`    environment:\n      DB_PASSWORD: !!binary ${Buffer.from(b.canary).toString('base64')}\n`)) },
  {
    id: 'YAML alias bomb',
    class: CLASSES.odd,
    families: ['check', 'migrate'],
    build: (b) => {
      const levels = ['x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 9; i++) levels.push(`x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
      b.file('compose.yaml', `${levels.join('\n')}\n${compose('    command: *a8\n')}`);
    },
  },
];
