import { describe, expect, it } from 'vitest';
import { secretInEnvFileRule } from '../../../src/check/rules/secret-in-env-file.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

const SECRET = 'Qv7hLm2xRt9wZk4nBy';

function found(key: string, file: string, needle: string, options: { service?: string | null; severity?: Expected['severity']; message?: string[] } = {}): Expected {
  return {
    rule: 'secret-in-env-file',
    severity: options.severity ?? 'error',
    key,
    service: options.service === undefined ? 'app' : options.service,
    at: { file, needle },
    path: null,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

const ROWS: Row[] = [
  {
    name: 'env_file long form',
    files: { 'compose.yaml': service('app', '    env_file:\n      - path: ./config/app.env\n        required: true\n'), 'config/app.env': `LOG_LEVEL=info\nDB_PASSWORD=${SECRET}\n` },
    expected: [found('DB_PASSWORD', 'config/app.env', 'DB_PASSWORD', { message: ['DB_PASSWORD holds a secret (Qv***********By, 18 chars)', 'DB_PASSWORD_FILE=/run/secrets/db_password'] })],
    secrets: [SECRET],
  },
  {
    name: 'an env file read by two services: one finding for its line, naming both readers',
    files: {
      'compose.yaml': 'services:\n  api:\n    image: example/api\n    env_file: shared.env\n  worker:\n    image: example/worker\n    env_file: [shared.env]\n',
      'shared.env': `API_TOKEN=${SECRET}\n`,
    },
    expected: [found('API_TOKEN', 'shared.env', 'API_TOKEN', { service: null, message: ['(read by api, worker)'] })],
    secrets: [SECRET],
  },
  {
    name: 'a multi-line double-quoted private key',
    files: {
      'compose.yaml': service('app', '    env_file: app.env\n'),
      'app.env': 'NAME=app\nTLS_CERT_KEY="-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----"\nPORT=8080\n',
    },
    expected: [found('TLS_CERT_KEY', 'app.env', 'TLS_CERT_KEY', { message: ['private key block'] })],
    secrets: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'],
  },
  {
    name: '${VAR} filled from .env: located in the env file, naming the .env line',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': 'SMTP_PASSWORD=${SMTP_PASSWORD}\n', '.env': `SMTP_PASSWORD=${SECRET}\n` },
    expected: [found('SMTP_PASSWORD', 'app.env', 'SMTP_PASSWORD', { message: ['filled from .env:1'] })],
    secrets: [SECRET],
  },
  {
    name: '${VAR} filled from a line above in the same env file',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': `DB_USER=app\nDB_PASS=${SECRET}\nDATABASE_URL=postgres://\${DB_USER}:\${DB_PASS}@db/app\n` },
    expected: [found('DB_PASS', 'app.env', 'DB_PASS='), found('DATABASE_URL', 'app.env', 'DATABASE_URL', { message: ['URL with a password', 'filled from app.env:1 and app.env:2'] })],
    secrets: [SECRET],
  },
  {
    name: "${VAR} filled from the service's earlier env file, before the project environment",
    files: {
      'compose.yaml': service('app', '    env_file: [db.env, app.env]\n'),
      'db.env': `DB_PASS=${SECRET}\n`,
      'app.env': 'DATABASE_URL=postgres://app:${DB_PASS}@db/app\n',
      '.env': 'DB_PASS=\n',
    },
    expected: [found('DB_PASS', 'db.env', 'DB_PASS'), found('DATABASE_URL', 'app.env', 'DATABASE_URL', { message: ['URL with a password', 'filled from db.env:1'] })],
    secrets: [SECRET],
  },
  {
    name: 'format: raw takes the value as written: quotes kept, ${VAR} not filled',
    files: {
      'compose.yaml': service('app', '    env_file:\n      - path: app.env\n        format: raw\n'),
      'app.env': `API_TOKEN="${SECRET}"\nDATABASE_URL=postgres://app:\${DB_PASS}@db/app\n`,
      '.env': `DB_PASS=${SECRET}\n`,
    },
    expected: [found('API_TOKEN', 'app.env', 'API_TOKEN')],
    secrets: [SECRET],
  },
  {
    name: 'single quotes are literal',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': "DB_PASSWORD='p@ss$word12'\n" },
    expected: [found('DB_PASSWORD', 'app.env', 'DB_PASSWORD')],
    secrets: ['p@ss$word12'],
  },
  {
    name: 'a bare KEY line passes the host value through',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': 'LOG_LEVEL=info\nGITHUB_TOKEN\nPORT=80\n' },
    options: { environment: { GITHUB_TOKEN: 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5' } },
    expected: [found('GITHUB_TOKEN', 'app.env', 'GITHUB_TOKEN', { message: ["passes the host's GITHUB_TOKEN through", 'from the shell'] })],
    secrets: ['ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5'],
  },
  {
    name: 'KEY: value syntax, export and a trailing comment',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': `# app\nexport  API_KEY: ${SECRET} # rotate monthly\n` },
    expected: [found('API_KEY', 'app.env', 'API_KEY')],
    secrets: [SECRET],
  },
  {
    name: 'empty values, flags, limits and paths',
    files: {
      'compose.yaml': service('app', '    env_file: app.env\n'),
      'app.env': 'DB_PASSWORD=\nDB_PASSWORD_FILE=/run/secrets/db_password\nTOKEN_TTL=3600\nREDIS_AUTH_ENABLED=true\nJWT_SECRET=""\n',
    },
    expected: [],
  },
  {
    name: 'a missing optional env file is no finding',
    files: { 'compose.yaml': service('app', '    env_file:\n      - path: ./local.env\n        required: false\n') },
    expected: [],
  },
  {
    name: 'a placeholder in an env file is a warning',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': 'OPENAI_API_KEY=sk-your-key-here\n' },
    expected: [found('OPENAI_API_KEY', 'app.env', 'OPENAI_API_KEY', { severity: 'warning' })],
  },
  {
    name: 'a bare line passes through a credential from .env under a harmless name',
    files: { 'compose.yaml': service('app', '    env_file: app.env\n'), 'app.env': 'LOG_LEVEL=info\nSTORAGE\n', '.env': 'STORAGE=s3://AKIAZ3MSJV7WLXQ4TB6N:Pl4nesS3Key9@bucket/\n' },
    expected: [found('STORAGE', 'app.env', 'STORAGE', { message: ['STORAGE', 'from .env:1'] })],
    secrets: ['Pl4nesS3Key9', 'AKIAZ3MSJV7WLXQ4TB6N'],
  },
  {
    name: 'a line equal to a secret another env file holds under a secret name',
    files: {
      'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    env_file: db.env\n  app:\n    image: example/app\n    env_file: app.env\n',
      'db.env': 'POSTGRES_PASSWORD=Pl4nesEnvReuse9\n',
      'app.env': 'DB_HOST=db\nDB_LOGIN_SECOND=Pl4nesEnvReuse9\n',
    },
    expected: [
      found('POSTGRES_PASSWORD', 'db.env', 'POSTGRES_PASSWORD', { service: 'db' }),
      found('DB_LOGIN_SECOND', 'app.env', 'DB_LOGIN_SECOND', { message: ['holds the value of the secret POSTGRES_PASSWORD'] }),
    ],
    secrets: ['Pl4nesEnvReuse9'],
  },
];

describe('secret-in-env-file', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInEnvFileRule.severity).toBe('error');
    expect(secretInEnvFileRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInEnvFileRule], row);
  });
});
