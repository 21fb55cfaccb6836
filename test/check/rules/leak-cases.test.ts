/**
 * The public leak cases of /work/shared/leak-cases.md, each run through every secret-in-* rule
 * as `planes check` loads the project. Each row lists every finding the rules must report —
 * no other finding may appear — and the values no message may show.
 */
import { describe, it } from 'vitest';
import { secretInBuildArgRule } from '../../../src/check/rules/secret-in-build-arg.js';
import { secretInCommandRule } from '../../../src/check/rules/secret-in-command.js';
import { secretInDockerfileRule } from '../../../src/check/rules/secret-in-dockerfile.js';
import { secretInEnvFileRule } from '../../../src/check/rules/secret-in-env-file.js';
import { secretInEnvironmentRule } from '../../../src/check/rules/secret-in-environment.js';
import { secretInLabelRule } from '../../../src/check/rules/secret-in-label.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

const RULES = [secretInEnvironmentRule, secretInEnvFileRule, secretInBuildArgRule, secretInDockerfileRule, secretInLabelRule, secretInCommandRule];

const COMPOSE = 'compose.yaml';

/** An error (or warning) of secret-in-environment on `key` of `svc`, at `needle` in compose.yaml. */
function environment(key: string, needle: string, options: { service?: string; severity?: Expected['severity']; message?: string[]; occurrence?: number } = {}): Expected {
  const svc = options.service ?? 'app';
  return {
    rule: 'secret-in-environment',
    severity: options.severity ?? 'error',
    key,
    service: svc,
    at: { file: COMPOSE, needle, ...(options.occurrence === undefined ? {} : { occurrence: options.occurrence }) },
    path: `services.${svc}.environment.${key}`,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

/** A project of one service `app` with these environment lines (written under `environment:`). */
function withEnvironment(lines: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [COMPOSE]: service('app', `    environment:\n${lines}`), ...extra };
}

const GITHUB_TOKEN = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
const ADVICE = 'mount it as a secret and pass';

const CASES: Row[] = [
  {
    name: '1: secret name, literal (no entropy gate)',
    files: withEnvironment('      POSTGRES_PASSWORD: hunter2isverysecret\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ['hu***********et, 19 chars', 'POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password'] })],
    secrets: ['hunter2isverysecret'],
  },
  {
    name: '2: list form, special characters',
    files: { [COMPOSE]: service('app', '    environment: ["POSTGRES_PASSWORD=Xk9#mP2vQ7rT"]\n') },
    expected: [environment('POSTGRES_PASSWORD', '"POSTGRES_PASSWORD=', { message: ['12 chars', ADVICE] })],
    secrets: ['Xk9#mP2vQ7rT'],
  },
  {
    name: '3: ${VAR}, unset: injected at run time',
    files: withEnvironment('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ['${POSTGRES_PASSWORD}', 'unset here', ADVICE] })],
  },
  {
    name: '3, filled from .env: the finding stays on the compose entry and names the .env line',
    files: withEnvironment('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n', { '.env': '# local\nPOSTGRES_PASSWORD=Qv7hLm2xRt9wZk4nBy\n' }),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ['Qv***********By, 18 chars', 'filled from .env:2', ADVICE] })],
    secrets: ['Qv7hLm2xRt9wZk4nBy'],
  },
  {
    name: '3, filled from the shell',
    files: withEnvironment('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n'),
    options: { environment: { POSTGRES_PASSWORD: 'shellsecretvalue42' } },
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ["filled from the shell's POSTGRES_PASSWORD"] })],
    secrets: ['shellsecretvalue42'],
  },
  {
    name: '4: literal default',
    files: withEnvironment('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-devpass123}\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ['10 chars', 'the default written in ${POSTGRES_PASSWORD:-…}'] })],
    secrets: ['devpass123'],
  },
  {
    name: '5: ${VAR:?…} still ends up in the environment',
    files: withEnvironment('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:', { message: ['${POSTGRES_PASSWORD:?…}'] })],
  },
  {
    name: '6: a *_FILE path',
    files: withEnvironment('      POSTGRES_PASSWORD_FILE: /run/secrets/pg\n'),
    expected: [],
  },
  {
    name: '7: a *_FILE that is not a path',
    files: withEnvironment('      POSTGRES_PASSWORD_FILE: Sup3rS3cret!\n'),
    expected: [environment('POSTGRES_PASSWORD_FILE', 'POSTGRES_PASSWORD_FILE:', { message: ['path', 'POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password'] })],
    secrets: ['Sup3rS3cret!'],
  },
  {
    name: '8: empty',
    files: withEnvironment('      DB_PASSWORD: ""\n'),
    expected: [],
  },
  {
    name: '9: bare list entry passes the host value through',
    files: withEnvironment('      - DB_PASSWORD\n'),
    expected: [environment('DB_PASSWORD', 'DB_PASSWORD', { message: ["passes the host's DB_PASSWORD", 'unset here'] })],
  },
  {
    name: '9: null map entry passes the host value through',
    files: withEnvironment('      DB_PASSWORD:\n'),
    expected: [environment('DB_PASSWORD', 'DB_PASSWORD:')],
  },
  {
    name: '9: bare entry, the value Compose takes from .env is named',
    files: withEnvironment('      - DB_PASSWORD\n', { '.env': 'DB_PASSWORD=Qv7hLm2xRt9wZk4nBy\n' }),
    expected: [environment('DB_PASSWORD', 'DB_PASSWORD', { message: ['from .env:1'] })],
    secrets: ['Qv7hLm2xRt9wZk4nBy'],
  },
  {
    name: '10: $$ is a literal $',
    files: withEnvironment('      DB_PASSWORD: "$${NOT_A_VAR}x9"\n'),
    expected: [environment('DB_PASSWORD', 'DB_PASSWORD:', { message: ['14 chars'] })],
    secrets: ['NOT_A_VAR}x9'],
  },
  {
    name: '11: placeholder, still a secret slot',
    files: withEnvironment('      MYSQL_ROOT_PASSWORD: example\n'),
    expected: [environment('MYSQL_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD:', { severity: 'warning', message: ['placeholder'] })],
  },
  {
    name: '12: about a secret, not a secret',
    files: withEnvironment('      AUTH_ENABLED: "true"\n      TOKEN_TTL: 3600\n      KMS_KEY_ALIAS: alias/app\n'),
    expected: [],
  },
  {
    name: '13: format, whatever the name',
    files: withEnvironment('      APP_BUILD: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n'),
    expected: [environment('APP_BUILD', 'APP_BUILD:', { message: ['Stripe'] })],
    secrets: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  },
  {
    name: '14: credential URL',
    files: withEnvironment('      DATABASE_URL: postgres://app:S3cr3tPassw0rd@db/app\n'),
    expected: [environment('DATABASE_URL', 'DATABASE_URL:', { message: ['URL with a password'] })],
    secrets: ['S3cr3tPassw0rd'],
  },
  {
    name: '15: a secret variable interpolated into a URL, unset',
    files: withEnvironment('      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app\n'),
    expected: [environment('DATABASE_URL', 'DATABASE_URL:', { message: ['${DB_PASSWORD}', 'unset here'] })],
  },
  {
    name: '15, filled from .env: the .env line is named',
    files: withEnvironment('      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app\n', { '.env': 'DB_USER=app\nDB_PASSWORD=Qv7hLm2xRt9wZk4nBy\n' }),
    expected: [environment('DATABASE_URL', 'DATABASE_URL:', { message: ['filled from .env:2'] })],
    secrets: ['Qv7hLm2xRt9wZk4nBy'],
  },
  {
    name: '16: literal default inside a URL',
    files: withEnvironment('      DATABASE_URL: "postgres://app:${DB_PASSWORD:-Tr0ub4dor3}@db/app"\n'),
    expected: [environment('DATABASE_URL', 'DATABASE_URL:')],
    secrets: ['Tr0ub4dor3'],
  },
  {
    name: '17: empty user, password present',
    files: withEnvironment('      REDIS_URL: redis://:R3disPass99@redis:6379/0\n'),
    expected: [environment('REDIS_URL', 'REDIS_URL:')],
    secrets: ['R3disPass99'],
  },
  {
    name: '18: no credentials',
    files: withEnvironment('      REDIS_URL: redis://redis:6379/0\n'),
    expected: [],
  },
  {
    name: '19: one finding per service, both located at the anchor',
    files: {
      [COMPOSE]: [
        'x-env: &env {API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0}',
        'services:',
        '  api:',
        '    image: example/api',
        '    environment: *env',
        '  worker:',
        '    image: example/worker',
        '    environment: *env',
        '',
      ].join('\n'),
    },
    expected: [environment('API_TOKEN', 'API_TOKEN:', { service: 'api' }), environment('API_TOKEN', 'API_TOKEN:', { service: 'worker' })],
    secrets: ['9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  },
  {
    name: '20: env files use dotenv syntax',
    files: {
      [COMPOSE]: service('app', '    env_file: app.env\n'),
      'app.env': 'export SECRET_KEY_BASE="3f9a2c7e51b84d06a9e3f1c58b27d04e" # prod\n',
    },
    expected: [
      {
        rule: 'secret-in-env-file',
        severity: 'error',
        key: 'SECRET_KEY_BASE',
        service: 'app',
        at: { file: 'app.env', needle: 'SECRET_KEY_BASE' },
        path: null,
        message: ['32 chars', 'SECRET_KEY_BASE_FILE=/run/secrets/secret_key_base'],
      },
    ],
    secrets: ['3f9a2c7e51b84d06a9e3f1c58b27d04e'],
  },
  {
    name: '21: an empty value does not swallow the next line',
    files: { [COMPOSE]: service('app', '    env_file: app.env\n'), 'app.env': 'DB_PASSWORD=\nDB_ENABLED=1\n' },
    expected: [],
  },
  {
    name: '22: build args persist in the image; use build.secrets',
    files: { [COMPOSE]: service('app', '    build:\n      context: .\n      args: {NPM_TOKEN: "${NPM_TOKEN}"}\n'), Dockerfile: 'FROM node:20\n' },
    expected: [
      {
        rule: 'secret-in-build-arg',
        severity: 'error',
        key: 'NPM_TOKEN',
        service: 'app',
        at: { file: COMPOSE, needle: 'NPM_TOKEN:' },
        path: 'services.app.build.args.NPM_TOKEN',
        message: ['build.secrets', 'RUN --mount=type=secret,id=npm_token'],
      },
    ],
  },
  {
    name: '23: harmless build args',
    files: { [COMPOSE]: service('app', '    build:\n      context: .\n      args: ["GIT_SHA=abc123", "NODE_VERSION=20"]\n'), Dockerfile: 'FROM node:20\n' },
    expected: [],
  },
  {
    name: '24: Dockerfile ARG of a secret, even without a default',
    files: { [COMPOSE]: service('app', '    build: .\n'), Dockerfile: 'FROM node:20\nARG GITHUB_TOKEN\nRUN npm ci\n' },
    expected: [
      {
        rule: 'secret-in-dockerfile',
        severity: 'error',
        key: 'GITHUB_TOKEN',
        service: 'app',
        at: { file: 'Dockerfile', needle: 'GITHUB_TOKEN' },
        path: null,
        message: ['RUN --mount=type=secret,id=github_token'],
      },
    ],
  },
  {
    name: '25: Dockerfile ENV, space form',
    files: { [COMPOSE]: service('app', '    build: .\n'), Dockerfile: 'FROM node:20\nENV PASSWORD hunter2x\n' },
    expected: [{ rule: 'secret-in-dockerfile', severity: 'error', key: 'PASSWORD', service: 'app', at: { file: 'Dockerfile', needle: 'PASSWORD' }, path: null }],
    secrets: ['hunter2x'],
  },
  {
    name: '26: the build plane done right',
    files: { [COMPOSE]: service('app', '    build: .\n'), Dockerfile: 'FROM node:20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n' },
    expected: [],
  },
  {
    name: '27: password on a healthcheck command line',
    files: { [COMPOSE]: service('db', '    healthcheck:\n      test: ["CMD","mysqladmin","ping","-uroot","-pR00tPassw0rd!"]\n') },
    expected: [
      {
        rule: 'secret-in-command',
        severity: 'error',
        key: null,
        service: 'db',
        at: { file: COMPOSE, needle: '"-pR00tPassw0rd!"' },
        path: 'services.db.healthcheck.test[4]',
        message: ['healthcheck.test', '/run/secrets'],
      },
    ],
    secrets: ['R00tPassw0rd!'],
  },
  {
    name: '28: $$VAR is expanded inside the container',
    files: { [COMPOSE]: service('db', '    healthcheck:\n      test: "mysqladmin ping -uroot -p$$MYSQL_ROOT_PASSWORD"\n') },
    expected: [],
  },
  {
    name: '29: redis-server --requirepass',
    files: { [COMPOSE]: service('cache', '    command: redis-server --requirepass Hx7redisPass\n') },
    expected: [{ rule: 'secret-in-command', severity: 'error', key: null, service: 'cache', at: { file: COMPOSE, needle: 'redis-server' }, path: 'services.cache.command', message: ['--requirepass'] }],
    secrets: ['Hx7redisPass'],
  },
  {
    name: '30: token format in a label',
    files: { [COMPOSE]: service('app', `    labels:\n      com.example.deploy: ${GITHUB_TOKEN}\n`) },
    expected: [
      {
        rule: 'secret-in-label',
        severity: 'error',
        key: 'com.example.deploy',
        service: 'app',
        at: { file: COMPOSE, needle: 'com.example.deploy' },
        path: 'services.app.labels["com.example.deploy"]',
        message: ['GitHub token'],
      },
    ],
    secrets: [GITHUB_TOKEN],
  },
  {
    name: '31: a crackable hash in a label is a warning',
    files: { [COMPOSE]: service('proxy', '    labels:\n      traefik.http.middlewares.a.basicauth.users: "admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/"\n') },
    expected: [{ rule: 'secret-in-label', severity: 'warning', key: 'traefik.http.middlewares.a.basicauth.users', service: 'proxy', at: { file: COMPOSE, needle: 'traefik.' }, message: ['hash'] }],
    secrets: ['H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'],
  },
  {
    name: "32: AWS's documented example key passes, a real-shaped one fails",
    files: {
      [COMPOSE]: [
        'services:',
        '  docs:',
        '    image: example/docs',
        '    environment:',
        '      AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE',
        '  app:',
        '    image: example/app',
        '    environment:',
        '      AWS_ACCESS_KEY_ID: AKIAZ3MSJV7WLXQ4TB6N',
        '',
      ].join('\n'),
    },
    expected: [environment('AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY_ID:', { occurrence: 2, message: ['AWS access key ID'] })],
    secrets: ['AKIAZ3MSJV7WLXQ4TB6N'],
  },
  {
    name: '33: a compose secret sourced from a host variable is the secret plane',
    files: {
      [COMPOSE]: [
        'services:',
        '  db:',
        '    image: postgres:16',
        '    environment:',
        '      POSTGRES_PASSWORD_FILE: /run/secrets/db',
        '    secrets: [db]',
        'secrets:',
        '  db:',
        '    environment: DB_PASSWORD',
        '',
      ].join('\n'),
      '.env': 'DB_PASSWORD=Qv7hLm2xRt9wZk4nBy\n',
    },
    expected: [],
  },
  {
    name: '34: the rules report case 1 under a valid planes-ignore (the runner suppresses it)',
    files: withEnvironment('      # planes-ignore secret-in-environment -- CI fixture\n      POSTGRES_PASSWORD: hunter2isverysecret\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:')],
    secrets: ['hunter2isverysecret'],
  },
  {
    name: '35: the rules report case 1 under a bare planes-ignore',
    files: withEnvironment('      # planes-ignore\n      POSTGRES_PASSWORD: hunter2isverysecret\n'),
    expected: [environment('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD:')],
    secrets: ['hunter2isverysecret'],
  },
  {
    name: '36: file names never excuse a secret',
    files: { 'docker-compose.example.yml': service('app', `    environment:\n      GITHUB_TOKEN: ${GITHUB_TOKEN}\n`) },
    options: { files: ['docker-compose.example.yml'] },
    expected: [
      {
        rule: 'secret-in-environment',
        severity: 'error',
        key: 'GITHUB_TOKEN',
        service: 'app',
        at: { file: 'docker-compose.example.yml', needle: 'GITHUB_TOKEN' },
        message: ['GitHub token'],
      },
    ],
    secrets: [GITHUB_TOKEN],
  },
];

describe('leak-cases.md: every secret-in-* rule on each public vector', () => {
  it.each(CASES.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow(RULES, row);
  });
});
