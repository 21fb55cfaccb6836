/**
 * Reuse (issue 11, class 6): a value equal to a secret the project gives away by name is a
 * secret wherever else it is written. Each row is a project shaped like a real one; every
 * secret-in-* rule runs on it, and every finding must be listed.
 */
import { describe, expect, it } from 'vitest';
import { projectSecrets } from '../../../src/check/known-secrets.js';
import { loadComposeProject } from '../../../src/compose/index.js';
import { secretInBuildArgRule } from '../../../src/check/rules/secret-in-build-arg.js';
import { secretInCommandRule } from '../../../src/check/rules/secret-in-command.js';
import { secretInEnvFileRule } from '../../../src/check/rules/secret-in-env-file.js';
import { secretInEnvironmentRule } from '../../../src/check/rules/secret-in-environment.js';
import { secretInLabelRule } from '../../../src/check/rules/secret-in-label.js';
import { isDistinctiveSecret, KnownSecretValues } from '../../../src/judge/index.js';
import { projectWith } from '../../support/project.js';
import { checkRow, type Expected, type Row } from './secret-table.js';

const RULES = [secretInEnvironmentRule, secretInEnvFileRule, secretInBuildArgRule, secretInLabelRule, secretInCommandRule];
const COMPOSE = 'compose.yaml';

function at(rule: string, key: string | null, service: string, needle: string, message: string[] = [], severity: Expected['severity'] = 'error'): Expected {
  return { rule, severity, key, service, at: { file: COMPOSE, needle }, message };
}

const SA = 'Pl4nes-Sa-Reuse9';

const ROWS: Row[] = [
  {
    name: 'the SQL Server password from .env repeated on the healthcheck (sqlcmd -P) and under a harmless name',
    files: {
      [COMPOSE]: [
        'services:',
        '  db:',
        '    image: mcr.microsoft.com/mssql/server:2022-latest',
        '    environment:',
        '      ACCEPT_EULA: "Y"',
        '      MSSQL_SA_PASSWORD: ${MSSQL_SA_PASSWORD}',
        '    healthcheck:',
        `      test: ["CMD-SHELL", "/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P ${SA} -Q 'SELECT 1' || exit 1"]`,
        '  api:',
        '    image: example/api',
        '    environment:',
        '      ConnectionStrings__Login: sa',
        `      ConnectionStrings__Extra: ${SA}`,
        '',
      ].join('\n'),
      '.env': `MSSQL_SA_PASSWORD=${SA}\n`,
    },
    expected: [
      at('secret-in-environment', 'MSSQL_SA_PASSWORD', 'db', 'MSSQL_SA_PASSWORD:', ['filled from .env:1']),
      at('secret-in-command', null, 'db', '"/opt/mssql-tools18', ['with -P']),
      at('secret-in-environment', 'ConnectionStrings__Extra', 'api', 'ConnectionStrings__Extra', ['holds the value of the secret MSSQL_SA_PASSWORD']),
    ],
    secrets: [SA],
  },
  {
    name: 'a secret file repeated on a command line no password option explains',
    files: {
      [COMPOSE]: [
        'services:',
        '  backend:',
        '    image: example/backend',
        '    secrets: [db-password]',
        `    command: ["/app/migrate", "--dsn-extra", "${SA}"]`,
        'secrets:',
        '  db-password:',
        '    file: db/password.txt',
        '',
      ].join('\n'),
      'db/password.txt': `${SA}\n`,
    },
    expected: [at('secret-in-command', null, 'backend', `"${SA}"`, ['the value of the secret db-password'])],
    secrets: [SA],
  },
  {
    name: 'a secret variable of the secret plane repeated in a build arg',
    files: {
      [COMPOSE]: [
        'services:',
        '  app:',
        '    build:',
        '      context: .',
        '      args:',
        `        REGISTRY_MIRROR_LOGIN: ${SA}`,
        'secrets:',
        '  registry:',
        '    environment: REGISTRY_PASSWORD',
        '',
      ].join('\n'),
      Dockerfile: 'FROM alpine:3\n',
      '.env': `REGISTRY_PASSWORD=${SA}\n`,
    },
    expected: [{ rule: 'secret-in-build-arg', severity: 'error', key: 'REGISTRY_MIRROR_LOGIN', service: 'app', at: { file: COMPOSE, needle: 'REGISTRY_MIRROR_LOGIN' }, message: ['the value of the secret registry'] }],
    secrets: [SA],
  },
  {
    name: 'look-alikes: a weak shared value, a reference, the user name',
    files: {
      [COMPOSE]: [
        'services:',
        '  db:',
        '    image: postgres:16',
        '    environment:',
        '      POSTGRES_USER: postgres',
        '      POSTGRES_DB: postgres',
        '      POSTGRES_PASSWORD: postgres',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "pg_isready -U postgres -d postgres -p 5432"]',
        '  app:',
        '    image: example/app',
        '    environment:',
        '      DB_USER: postgres',
        '      FEATURE_FLAG: "true"',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "PGPASSWORD=$$DB_PASSWORD psql -h db -U postgres -c \'select 1\'"]',
        '',
      ].join('\n'),
    },
    expected: [at('secret-in-environment', 'POSTGRES_PASSWORD', 'db', 'POSTGRES_PASSWORD:')],
  },
];

describe('known secrets: a secret is a secret wherever it is written again', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow(RULES, row);
  });

  it('gathers the declared secrets and the secret-named values of every file, and nothing from the shell alone', () => {
    const cwd = projectWith({
      [COMPOSE]: 'services:\n  app:\n    image: example/app\n    environment:\n      - API_TOKEN=Pl4nesLiteral9\n      - SESSION_SECRET\n    env_file: app.env\nsecrets:\n  db:\n    file: db.txt\n',
      'app.env': 'SMTP_PASSWORD=Pl4nesEnvFile9\n',
      '.env': 'SESSION_SECRET=Pl4nesDotEnv9\n',
      'db.txt': 'Pl4nesFile9\n',
    });
    const project = loadComposeProject({ cwd, environment: { CI_JOB_TOKEN: 'Pl4nesShellOnly9' } });
    const known = projectSecrets(project, (path) => path);
    const secretOf = (text: string): string | undefined => known.find(text)?.secret;
    expect([secretOf('Pl4nesLiteral9'), secretOf('Pl4nesEnvFile9'), secretOf('x Pl4nesDotEnv9 y'), secretOf('Pl4nesFile9')]).toEqual(['API_TOKEN', 'SMTP_PASSWORD', 'SESSION_SECRET', 'db']);
    expect(secretOf('Pl4nesShellOnly9')).toBeUndefined();
  });
});

describe('isDistinctiveSecret: only values that cannot turn up by chance become known', () => {
  it.each([
    ['Pl4nesReuse9', true],
    ['correcthorsebatterystaple', true],
    ['admin123', true],
    ['postgres', false],
    ['password', false],
    ['true', false],
    ['hunter2', false],
    ['20240101', false],
    ['changeme', false],
    ['example_123', false],
    ['/run/secrets/db', false],
    ['./secrets/db.txt', false],
    ['${DB_PASSWORD}', false],
    ['$$DB_PASSWORD', false],
    [' padded-Secret9 ', false],
    ['<!doctype html>\n<html lang="en">', false],
  ])('%s → %s', (value, expected) => {
    expect(isDistinctiveSecret(value)).toBe(expected);
  });

  it('finds the longest value where two start alike, and every name once', () => {
    const known = new KnownSecretValues();
    known.add('SHORT_TOKEN', 'Pl4nesPrefix9');
    known.add('LONG_TOKEN', 'Pl4nesPrefix9-and-more');
    known.add('SAME_TOKEN', 'Pl4nesPrefix9');
    expect(known.size).toBe(2);
    expect(known.find('x=Pl4nesPrefix9-and-more;')).toEqual({ secret: 'LONG_TOKEN', start: 2, end: 24 });
    expect(known.find('x=Pl4nesPrefix9;')).toEqual({ secret: 'SHORT_TOKEN', start: 2, end: 15 });
    expect(known.find('nothing here')).toBeUndefined();
  });
});
