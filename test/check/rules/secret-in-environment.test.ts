import { describe, expect, it } from 'vitest';
import { secretInEnvironmentRule } from '../../../src/check/rules/secret-in-environment.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

const RULE = 'secret-in-environment';
const SECRET = 'Qv7hLm2xRt9wZk4nBy';

function found(key: string, file: string, needle: string, options: { service?: string; severity?: Expected['severity']; message?: string[]; occurrence?: number } = {}): Expected {
  const svc = options.service ?? 'app';
  return {
    rule: RULE,
    severity: options.severity ?? 'error',
    key,
    service: svc,
    at: { file, needle, ...(options.occurrence === undefined ? {} : { occurrence: options.occurrence }) },
    path: `services.${svc}.environment.${key}`,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

const ROWS: Row[] = [
  {
    name: 'list form: located at the list item',
    files: { 'compose.yaml': service('app', `    environment:\n      - LOG_LEVEL=info\n      - DB_PASSWORD=${SECRET}\n`) },
    expected: [found('DB_PASSWORD', 'compose.yaml', 'DB_PASSWORD=', { message: ['DB_PASSWORD holds a secret (Qv***********By, 18 chars)'] })],
    secrets: [SECRET],
  },
  {
    name: 'list form filled from .env: on the compose item, naming the .env line',
    files: { 'compose.yaml': service('app', '    environment:\n      - DB_PASSWORD=${DB_PASSWORD}\n'), '.env': `# dev\n\nDB_PASSWORD=${SECRET}\n` },
    expected: [found('DB_PASSWORD', 'compose.yaml', 'DB_PASSWORD=', { message: ['filled from .env:3'] })],
    secrets: [SECRET],
  },
  {
    name: 'nested interpolation: a default that is itself filled from .env',
    files: { 'compose.yaml': service('app', '    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-${LEGACY_PW}}\n'), '.env': `LEGACY_PW=${SECRET}\n` },
    expected: [found('DB_PASSWORD', 'compose.yaml', 'DB_PASSWORD:', { message: ['the default written in ${DB_PASSWORD:-…}', '.env:1'] })],
    secrets: [SECRET],
  },
  {
    name: 'nested interpolation: a secret variable inside a default inside a URL',
    files: { 'compose.yaml': service('app', '    environment:\n      DATABASE_URL: postgres://app:${DB_PASS_OVERRIDE:-${DB_PASSWORD}}@db/app\n') },
    expected: [found('DATABASE_URL', 'compose.yaml', 'DATABASE_URL:', { message: ['${DB_PASS_OVERRIDE:-…}'] })],
  },
  {
    name: '$$ in a secret-named value is a literal',
    files: { 'compose.yaml': service('app', '    environment:\n      JWT_SECRET: "s3cr3t$$val"\n') },
    expected: [found('JWT_SECRET', 'compose.yaml', 'JWT_SECRET:')],
    secrets: ['s3cr3t$val'],
  },
  {
    name: 'a credential filled from .env into a name that says nothing',
    files: { 'compose.yaml': service('app', '    environment:\n      APP_CONFIG: ${APP_CONFIG}\n'), '.env': 'APP_CONFIG=postgres://app:S3cr3tPassw0rd@db/app\n' },
    expected: [found('APP_CONFIG', 'compose.yaml', 'APP_CONFIG:', { message: ['URL with a password', 'filled from .env:1'] })],
    secrets: ['S3cr3tPassw0rd'],
  },
  {
    name: 'a bare entry filled from the shell',
    files: { 'compose.yaml': service('app', '    environment:\n      - STRIPE_API_KEY\n') },
    options: { environment: { STRIPE_API_KEY: 'rk_live_Q8w7E6r5T4y3U2i1O0pA' } },
    expected: [found('STRIPE_API_KEY', 'compose.yaml', 'STRIPE_API_KEY\n', { message: ['from the shell'] })],
    secrets: ['rk_live_Q8w7E6r5T4y3U2i1O0pA'],
  },
  {
    name: 'an override file: located in the file that wrote the entry',
    files: {
      'compose.yaml': service('app', '    environment:\n      LOG_LEVEL: info\n'),
      'compose.override.yaml': `services:\n  app:\n    environment:\n      DB_PASSWORD: ${SECRET}\n`,
    },
    expected: [found('DB_PASSWORD', 'compose.override.yaml', 'DB_PASSWORD:')],
    secrets: [SECRET],
  },
  {
    name: 'an override file that empties the secret: the effective value counts',
    files: {
      'compose.yaml': service('app', `    environment:\n      DB_PASSWORD: ${SECRET}\n`),
      'compose.override.yaml': 'services:\n  app:\n    environment:\n      DB_PASSWORD: ""\n',
    },
    expected: [],
  },
  {
    name: '-f files in order, the later one resets the secret',
    files: {
      'base.yml': service('app', `    environment:\n      DB_PASSWORD: ${SECRET}\n      API_TOKEN: ${SECRET}x\n`),
      'prod.yml': 'services:\n  app:\n    environment:\n      DB_PASSWORD: !reset null\n',
    },
    options: { files: ['base.yml', 'prod.yml'] },
    expected: [found('API_TOKEN', 'base.yml', 'API_TOKEN:')],
    secrets: [SECRET],
  },
  {
    name: 'extends in the same file: the base and the extending service, both at the base entry',
    files: {
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: example/app',
        '    environment:',
        `      SECRET_KEY: ${SECRET}`,
        '  web:',
        '    extends: base',
        '    environment:',
        '      LOG_LEVEL: info',
        '',
      ].join('\n'),
    },
    expected: [found('SECRET_KEY', 'compose.yaml', 'SECRET_KEY:', { service: 'base' }), found('SECRET_KEY', 'compose.yaml', 'SECRET_KEY:', { service: 'web' })],
    secrets: [SECRET],
  },
  {
    name: 'extends from another file: located in that file',
    files: {
      'compose.yaml': 'services:\n  web:\n    extends:\n      file: common.yml\n      service: app\n',
      'common.yml': service('app', `    environment:\n      API_KEY: ${SECRET}\n`),
    },
    expected: [found('API_KEY', 'common.yml', 'API_KEY:', { service: 'web' })],
    secrets: [SECRET],
  },
  {
    name: 'a << merge of an anchored map: located at the anchor, once per service',
    files: {
      'compose.yaml': [
        'x-common: &common',
        `  REDIS_PASSWORD: ${SECRET}`,
        'services:',
        '  api:',
        '    image: example/api',
        '    environment:',
        '      <<: *common',
        '      LOG_LEVEL: info',
        '  worker:',
        '    image: example/worker',
        '    environment:',
        '      <<: *common',
        '',
      ].join('\n'),
    },
    expected: [found('REDIS_PASSWORD', 'compose.yaml', 'REDIS_PASSWORD:', { service: 'api' }), found('REDIS_PASSWORD', 'compose.yaml', 'REDIS_PASSWORD:', { service: 'worker' })],
    secrets: [SECRET],
  },
  {
    name: 'include: located in the included file',
    files: {
      'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  app:\n    image: example/app\n',
      'db/compose.yaml': service('db', `    environment:\n      MYSQL_ROOT_PASSWORD: ${SECRET}\n`),
    },
    expected: [found('MYSQL_ROOT_PASSWORD', 'db/compose.yaml', 'MYSQL_ROOT_PASSWORD:', { service: 'db' })],
    secrets: [SECRET],
  },
  {
    name: 'placeholders are warnings',
    files: { 'compose.yaml': service('app', '    environment:\n      JWT_SECRET: <your-jwt-secret>\n      SMTP_PASS: changeme\n') },
    expected: [found('JWT_SECRET', 'compose.yaml', 'JWT_SECRET:', { severity: 'warning' }), found('SMTP_PASS', 'compose.yaml', 'SMTP_PASS:', { severity: 'warning' })],
  },
  {
    name: 'settings about secrets, and secret-manager references',
    files: {
      'compose.yaml': service(
        'app',
        [
          '    environment:',
          '      PASSWORD_MIN_LENGTH: 12',
          '      ALLOW_EMPTY_PASSWORD: "yes"',
          '      VAULT_TOKEN_PATH: /vault/token',
          '      DB_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
          '      JWT_SECRET: vault:secret/data/app#jwt',
          '      REDIS_URL: redis://redis:6379/0',
          '',
        ].join('\n'),
      ),
    },
    expected: [],
  },
  {
    name: 'a number too long for a limit is a PIN',
    files: { 'compose.yaml': service('app', '    environment:\n      DB_PASSWORD: 12345678\n') },
    expected: [found('DB_PASSWORD', 'compose.yaml', 'DB_PASSWORD:')],
  },
  {
    name: 'an interpolated *_FILE that is a path is fine, one that is not is the secret',
    files: {
      'compose.yaml': service('app', '    environment:\n      DB_PASSWORD_FILE: ${PW_FILE:-/run/secrets/db}\n      API_KEY_FILE: ${API_KEY_FILE}\n'),
      '.env': 'API_KEY_FILE=Sup3rS3cretK3y\n',
    },
    expected: [found('API_KEY_FILE', 'compose.yaml', 'API_KEY_FILE:', { message: ['should hold the path', 'filled from .env:1', 'API_KEY_FILE=/run/secrets/api_key'] })],
    secrets: ['Sup3rS3cretK3y'],
  },
  // Pass-through values: the effective value is judged, whatever route it took.
  {
    name: 'a bare list item filled from .env with a credential URL under a harmless name',
    files: { 'compose.yaml': service('app', '    environment:\n      - NODE_ENV=production\n      - DATABASE\n'), '.env': 'DATABASE=postgres://app:Pl4nesPassThru9@db/app\n' },
    expected: [found('DATABASE', 'compose.yaml', 'DATABASE\n', { message: ['DATABASE holds a secret: URL with a password in it (Pl***********u9, 15 chars) filled from .env:1'] })],
    secrets: ['Pl4nesPassThru9'],
  },
  {
    name: 'a bare mapping key filled from the shell',
    files: { 'compose.yaml': service('app', '    environment:\n      BROKER:\n') },
    options: { environment: { BROKER: 'amqp://app:Pl4nesAmqp9x@rabbitmq:5672/' } },
    expected: [found('BROKER', 'compose.yaml', 'BROKER:', { message: ["filled from the shell's BROKER"] })],
    secrets: ['Pl4nesAmqp9x'],
  },
  {
    name: '${VAR} and ${VAR:-default} under harmless names',
    files: {
      'compose.yaml': service('app', '    environment:\n      DATABASE: ${DATABASE}\n      CACHE: ${CACHE:-redis://:Pl4nesDefault9@cache:6379/0}\n'),
      '.env': 'DATABASE=mysql://app:Pl4nesInterp9@db/app\n',
    },
    expected: [
      found('DATABASE', 'compose.yaml', 'DATABASE:', { message: ['URL with a password', 'filled from .env:1'] }),
      found('CACHE', 'compose.yaml', 'CACHE:', { message: ['URL with a password'] }),
    ],
    secrets: ['Pl4nesInterp9', 'Pl4nesDefault9'],
  },
  {
    name: 'look-alikes: pass-through values without a credential',
    files: { 'compose.yaml': service('app', '    environment:\n      - DATABASE\n      - TZ\n      - UNSET_HERE\n'), '.env': 'DATABASE=postgres://db:5432/app\nTZ=Europe/Paris\n' },
    expected: [],
  },
];

describe('secret-in-environment', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInEnvironmentRule.severity).toBe('error');
    expect(secretInEnvironmentRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInEnvironmentRule], row);
  });
});
