import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Realistic Compose projects of any size for the benchmarks (and scaling tests): one
 * `compose.yaml` with anchors, `<<` merges, `${VAR:-default}` interpolation fed by `.env`,
 * env files, a Dockerfile per build context, and a few planted leaks so a checker has
 * something to find. The same options always give byte-identical files.
 */

export interface ComposeProjectOptions {
  services: number;
  seed?: number;
}

export type LeakKind =
  | 'env-literal'
  | 'env-default'
  | 'env-from-dotenv'
  | 'credential-url'
  | 'build-arg'
  | 'label-token'
  | 'healthcheck-password'
  | 'command-password'
  | 'value-format'
  | 'aws-key'
  | 'dockerfile-arg'
  | 'env-file';

/** Where a secret was written on purpose: `planes check` must report an error there. */
export interface PlantedLeak {
  kind: LeakKind;
  /** Relative to the project directory. */
  file: string;
  /** 1-based. */
  line: number;
  /** null for a leak in a file every service reads. */
  service: string | null;
  /** null for command lines. */
  key: string | null;
}

export interface GeneratedFile {
  /** Relative to the project directory, `/`-separated. */
  path: string;
  content: string;
  mode?: number;
}

export interface ComposeProject {
  /** Relative to the project directory. */
  composeFile: string;
  composeLines: number;
  files: GeneratedFile[];
  leaks: PlantedLeak[];
}

export const COMPOSE_FILE = 'compose.yaml';

const TEAMS = ['payments', 'billing', 'search', 'catalog', 'identity', 'orders', 'shipping', 'notify', 'analytics', 'platform'];
const ROLES = ['api', 'worker', 'web', 'cron', 'gateway', 'consumer'];

/**
 * Services come in stacks of STACK_SIZE, one team each, and every anchor belongs to one stack:
 * dclint 3.1.0 gives up on a file ("Excessive alias count", nothing linted) once an anchor is
 * referenced more than 100 times, and the bench must time its full lint.
 */
const STACK_SIZE = 50;

/** Every service is built from the same template; one in LEAK_EVERY also carries a leak, cycling through the kinds. */
const LEAK_EVERY = 40;
const SERVICE_LEAK_KINDS: readonly LeakKind[] = [
  'env-literal',
  'env-default',
  'env-from-dotenv',
  'credential-url',
  'build-arg',
  'label-token',
  'healthcheck-password',
  'command-password',
  'value-format',
  'aws-key',
  'dockerfile-arg',
];

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

/** mulberry32: tiny, fast and stable across Node versions, unlike anything seeded through Math.random. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Text {
  readonly lines: string[] = [];

  /** Returns the 1-based line number of the line written. */
  add(line: string): number {
    this.lines.push(line);
    return this.lines.length;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

interface Service {
  index: number;
  name: string;
  team: string;
  /** Prefix of the anchors of its stack. */
  stack: string;
  listEnv: boolean;
  leak: LeakKind | null;
}

export function renderComposeProject(options: ComposeProjectOptions): ComposeProject {
  const seed = options.seed ?? 1;
  const random = makeRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const token = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet.charAt(Math.floor(random() * alphabet.length));
    return out;
  };

  const stacks: Array<{ team: string; stack: string }> = [];
  for (let first = 0; first < options.services; first += STACK_SIZE) {
    const team = pick(TEAMS);
    stacks.push({ team, stack: `${team}-${String(stacks.length).padStart(3, '0')}` });
  }
  const services: Service[] = [];
  for (let index = 0; index < options.services; index += 1) {
    const { team, stack } = stacks[Math.floor(index / STACK_SIZE)] as { team: string; stack: string };
    services.push({
      index,
      name: `${team}-${pick(ROLES)}-${String(index).padStart(4, '0')}`,
      team,
      stack,
      listEnv: chance(0.4),
      leak: index % LEAK_EVERY === 0 ? (SERVICE_LEAK_KINDS[(index / LEAK_EVERY) % SERVICE_LEAK_KINDS.length] as LeakKind) : null,
    });
  }

  const leaks: PlantedLeak[] = [];
  const files: GeneratedFile[] = [];
  const dotenv = new Text();
  dotenv.add('# Project defaults; the shell overrides them.');
  dotenv.add('TAG=1.4.2');
  dotenv.add('NODE_VERSION=20');
  dotenv.add('LOG_LEVEL=info');
  dotenv.add(`GIT_SHA=${token(HEX, 12)}`);
  dotenv.add(`JWT_SIGNING_KEY=${token(ALNUM, 48)}`);
  if (services.some((s) => s.leak === 'env-from-dotenv')) dotenv.add(`DB_ROOT_PASSWORD=${token(ALNUM, 20)}`);
  if (services.some((s) => s.leak === 'build-arg')) dotenv.add(`NPM_TOKEN=npm_${token(ALNUM, 36)}`);
  files.push({ path: '.env', content: dotenv.toString() });

  const common = new Text();
  common.add('# Read by every service.');
  common.add('TZ=UTC');
  common.add('LANG=C.UTF-8');
  common.add('METRICS_PORT=9102');
  common.add('DB_PASSWORD=');
  common.add('DB_ENABLED=1');
  const envFileLeakLine = common.add(`export SECRET_KEY_BASE="${token(HEX, 64)}" # prod`);
  leaks.push({ kind: 'env-file', file: 'env/common.env', line: envFileLeakLine, service: null, key: 'SECRET_KEY_BASE' });
  common.add('SESSION_TTL=3600');
  files.push({ path: 'env/common.env', content: common.toString() });
  for (const team of TEAMS) {
    files.push({
      path: `env/${team}.env`,
      content: `# Team ${team}\nTEAM=${team}\nQUEUE_URL=amqp://rabbitmq:5672/${team}\nCACHE_TTL_SECONDS=300\n`,
    });
  }
  files.push({ path: 'secrets/db_password.txt', content: `${token(ALNUM, 24)}\n`, mode: 0o600 });
  files.push({ path: 'secrets/api_key.txt', content: `${token(ALNUM, 32)}\n`, mode: 0o600 });
  files.push({ path: '.gitignore', content: 'secrets/*.txt\n' });

  const doc = new Text();
  doc.add(`# Generated by the planes bench (seed ${seed}, ${options.services} services).`);
  doc.add('name: bench');
  doc.add('');
  for (const { team, stack } of stacks) {
    doc.add(`x-${stack}: &${stack}`);
    doc.add('  restart: unless-stopped');
    doc.add(`  logging: {driver: json-file, options: {max-size: "10m", max-file: "3", tag: ${stack}}}`);
    doc.add('  networks: [backend]');
    doc.add(`x-${stack}-healthcheck: &${stack}-healthcheck {interval: 30s, timeout: 5s, retries: 3, start_period: 15s}`);
    doc.add(`x-${stack}-otel: &${stack}-otel {OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4317", OTEL_SERVICE_NAMESPACE: ${team}}`);
    doc.add('');
  }
  doc.add('services:');

  for (const service of services) {
    const { name, team, stack, leak } = service;
    const at = (kind: LeakKind, line: number, key: string | null, file = COMPOSE_FILE): void => {
      leaks.push({ kind, file, line, service: name, key });
    };

    doc.add(`  ${name}:`);
    if (chance(0.8)) doc.add(`    <<: *${stack}`);
    doc.add(`    image: \${REGISTRY:-registry.acme.internal}/${name}:\${TAG:-1.0.0}`);
    if (leak === 'command-password') at(leak, doc.add(`    command: redis-server --appendonly yes --requirepass ${token(ALNUM, 16)}`), null);

    doc.add('    build:');
    doc.add(`      context: ./apps/${name}`);
    if (leak === 'build-arg' || chance(0.5)) {
      doc.add('      args:');
      doc.add('        NODE_VERSION: ${NODE_VERSION:-20}');
      doc.add('        GIT_SHA: ${GIT_SHA:-unknown}');
      if (leak === 'build-arg') at(leak, doc.add('        NPM_TOKEN: ${NPM_TOKEN}'), 'NPM_TOKEN');
    } else {
      doc.add('      args: ["NODE_VERSION=${NODE_VERSION:-20}"]');
    }

    const secrets = chance(0.7) ? ['db_password'] : ['api_key'];
    if (chance(0.15)) secrets.push('jwt_signing_key');
    const env: Array<[string, string]> = [['PORT', '8080']];
    if (chance(0.4)) env.push(['LOG_LEVEL', '${LOG_LEVEL:-info}']);
    env.push(secrets[0] === 'db_password' ? ['DB_PASSWORD_FILE', '/run/secrets/db_password'] : ['API_KEY_FILE', '/run/secrets/api_key']);
    if (chance(0.2)) env.push(['REDIS_URL', `redis://${team}-redis:6379/0`]);
    if (chance(0.2)) env.push(pick<[string, string]>([['TOKEN_TTL', '3600'], ['AUTH_ENABLED', 'true'], ['KMS_KEY_ALIAS', `alias/${team}`]]));
    const envLeak = ((): [string, string] | null => {
      switch (leak) {
        case 'env-literal':
          return ['POSTGRES_PASSWORD', token(ALNUM, 18)];
        case 'env-default':
          return ['SESSION_SECRET', `\${SESSION_SECRET:-${token(ALNUM, 20)}}`];
        case 'env-from-dotenv':
          return ['DB_ROOT_PASSWORD', '${DB_ROOT_PASSWORD}'];
        case 'credential-url':
          return ['DATABASE_URL', `postgres://app:${token(ALNUM, 16)}@${team}-db:5432/app`];
        case 'value-format':
          return ['APP_BUILD', `sk_live_${token(ALNUM, 24)}`];
        case 'aws-key':
          return ['AWS_ACCESS_KEY_ID', `AKIA${token(UPPER_ALNUM, 16)}`];
        default:
          return null;
      }
    })();
    doc.add('    environment:');
    if (service.listEnv) {
      for (const [key, value] of env) doc.add(`      - ${key}=${value}`);
      if (envLeak && leak) at(leak, doc.add(`      - ${envLeak[0]}=${envLeak[1]}`), envLeak[0]);
    } else {
      if (chance(0.5)) doc.add(`      <<: *${stack}-otel`);
      for (const [key, value] of env) doc.add(`      ${key}: ${/^\d+$|^true$/.test(value) ? `"${value}"` : value}`);
      if (envLeak && leak) at(leak, doc.add(`      ${envLeak[0]}: ${envLeak[1]}`), envLeak[0]);
    }

    doc.add(`    env_file: [./env/common.env, ./env/${team}.env]`);
    if (leak === 'label-token' || chance(0.3)) {
      doc.add('    labels:');
      doc.add(`      com.acme.team: ${team}`);
      doc.add(`      traefik.http.routers.${name}.rule: Host(\`${name}.acme.internal\`)`);
      if (leak === 'label-token') at(leak, doc.add(`      com.acme.deploy: ghp_${token(ALNUM, 36)}`), 'com.acme.deploy');
    } else {
      doc.add(`    labels: [com.acme.team=${team}]`);
    }
    doc.add(`    ports: ["${10000 + service.index}:8080"]`);
    if (chance(0.3)) {
      doc.add('    volumes:');
      doc.add(`      - ./data/${name}:/var/lib/app`);
      doc.add('      - cache:/cache:ro');
    } else {
      doc.add(`    volumes: [./data/${name}:/var/lib/app]`);
    }
    doc.add('    healthcheck:');
    doc.add(`      <<: *${stack}-healthcheck`);
    if (leak === 'healthcheck-password') {
      at(leak, doc.add(`      test: ["CMD", "mysqladmin", "ping", "-uroot", "-p${token(ALNUM, 14)}"]`), null);
    } else if (chance(0.2)) {
      doc.add('      test: ["CMD-SHELL", "mysqladmin ping -uroot -p$$MYSQL_ROOT_PASSWORD || exit 1"]');
    } else {
      doc.add('      test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]');
    }
    if (service.index > 0) {
      const dependency = services[Math.floor(random() * service.index)] as Service;
      if (chance(0.1)) {
        doc.add('    depends_on:');
        doc.add(`      ${dependency.name}:`);
        doc.add('        condition: service_healthy');
      } else {
        doc.add(`    depends_on: [${dependency.name}]`);
      }
    }
    doc.add(`    secrets: [${secrets.join(', ')}]`);

    const dockerfile = new Text();
    dockerfile.add('# syntax=docker/dockerfile:1');
    dockerfile.add('ARG NODE_VERSION=20');
    dockerfile.add('FROM node:${NODE_VERSION}-alpine');
    dockerfile.add('ARG GIT_SHA');
    dockerfile.add('WORKDIR /app');
    dockerfile.add('COPY package*.json ./');
    if (leak === 'dockerfile-arg') at(leak, dockerfile.add('ARG GITHUB_TOKEN'), 'GITHUB_TOKEN', `apps/${name}/Dockerfile`);
    dockerfile.add('RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci --omit=dev');
    dockerfile.add('COPY . .');
    dockerfile.add('ENV NODE_ENV=production PORT=8080');
    dockerfile.add('LABEL org.opencontainers.image.revision=$GIT_SHA');
    dockerfile.add('USER node');
    dockerfile.add('CMD ["node", "server.js"]');
    files.push({ path: `apps/${name}/Dockerfile`, content: dockerfile.toString() });
  }

  doc.add('');
  doc.add('networks:');
  doc.add('  backend: {}');
  doc.add('');
  doc.add('volumes:');
  doc.add('  cache: {}');
  doc.add('');
  doc.add('secrets:');
  doc.add('  db_password:');
  doc.add('    file: ./secrets/db_password.txt');
  doc.add('  api_key:');
  doc.add('    file: ./secrets/api_key.txt');
  doc.add('  jwt_signing_key:');
  doc.add('    environment: JWT_SIGNING_KEY');
  files.push({ path: COMPOSE_FILE, content: doc.toString() });

  return { composeFile: COMPOSE_FILE, composeLines: doc.lines.length, files, leaks };
}

/** Writes the project into `dir` (created when missing) and describes what it wrote. */
export async function writeComposeProject(dir: string, options: ComposeProjectOptions): Promise<ComposeProject> {
  const project = renderComposeProject(options);
  const dirs = new Set(project.files.map((file) => dirname(join(dir, file.path))));
  await Promise.all([...dirs].map((path) => mkdir(path, { recursive: true })));
  // One file at a time: thousands of concurrent writes would run out of file descriptors.
  for (const file of project.files) {
    const path = join(dir, file.path);
    await writeFile(path, file.content);
    // writeFile's mode is filtered by the umask; secret files must end up exactly 0600.
    if (file.mode !== undefined) await chmod(path, file.mode);
  }
  return project;
}
