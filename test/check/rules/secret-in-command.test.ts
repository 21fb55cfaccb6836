import { describe, expect, it } from 'vitest';
import { secretInCommandRule } from '../../../src/check/rules/secret-in-command.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

function found(needle: string, path: string, options: { severity?: Expected['severity']; message?: string[]; file?: string; service?: string } = {}): Expected {
  return {
    rule: 'secret-in-command',
    severity: options.severity ?? 'error',
    key: null,
    service: options.service ?? 'app',
    at: { file: options.file ?? 'compose.yaml', needle },
    path,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

const ROWS: Row[] = [
  {
    name: 'entrypoint, string form, --password=…',
    files: { 'compose.yaml': service('app', '    entrypoint: /app/server --password=hunter2secret --port 80\n') },
    expected: [found('/app/server', 'services.app.entrypoint', { message: ['entrypoint puts on the command line a secret', '--password'] })],
    secrets: ['hunter2secret'],
  },
  {
    name: 'healthcheck CMD-SHELL: located at the script',
    files: { 'compose.yaml': service('cache', '    healthcheck:\n      test: ["CMD-SHELL", "redis-cli -a Hx7redisPass ping | grep PONG"]\n') },
    expected: [found('"redis-cli', 'services.cache.healthcheck.test[1]', { service: 'cache', message: ['-a'] })],
    secrets: ['Hx7redisPass'],
  },
  {
    name: 'a secret variable Compose interpolates into the command, filled from .env',
    files: { 'compose.yaml': service('cache', '    command: redis-server --requirepass ${REDIS_PASSWORD}\n'), '.env': 'REDIS_PASSWORD=Hx7redisPass\n' },
    expected: [found('redis-server', 'services.cache.command', { service: 'cache', message: ['filled from .env:1'] })],
    secrets: ['Hx7redisPass'],
  },
  {
    name: 'a secret variable Compose interpolates, unset',
    files: { 'compose.yaml': service('db', '    healthcheck:\n      test: ["CMD-SHELL", "mysqladmin ping -p${MYSQL_ROOT_PASSWORD}"]\n') },
    expected: [found('"mysqladmin', 'services.db.healthcheck.test[1]', { service: 'db', message: ['${MYSQL_ROOT_PASSWORD} (unset here)', '$$(cat /run/secrets/mysql_root_password)'] })],
  },
  {
    name: '$$VAR and $(cat /run/secrets/…) are expanded in the container',
    files: { 'compose.yaml': service('cache', '    command: ["sh", "-c", "redis-server --requirepass \\"$$(cat /run/secrets/redis)\\" --masterauth $$REDIS_PASSWORD"]\n') },
    expected: [],
  },
  {
    name: 'a token in the list form',
    files: { 'compose.yaml': service('app', '    command: ["deploy", "--token", "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"]\n') },
    expected: [found('"ghp_', 'services.app.command[2]', { message: ['GitHub token'] })],
    secrets: ['ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5'],
  },
  {
    name: 'curl -u user:password in a healthcheck',
    files: { 'compose.yaml': service('app', '    healthcheck:\n      test: ["CMD", "curl", "-fs", "-u", "admin:S3cretPw9", "http://localhost/health"]\n') },
    expected: [found('"admin:', 'services.app.healthcheck.test[4]')],
    secrets: ['S3cretPw9'],
  },
  {
    name: 'an override file replaces the command: only the effective one counts',
    files: {
      'compose.yaml': service('cache', '    command: redis-server --requirepass Hx7redisPass\n'),
      'compose.override.yaml': 'services:\n  cache:\n    command: redis-server --requirepass-file /run/secrets/redis\n',
    },
    expected: [],
  },
  {
    name: 'an override file that adds the password: located there',
    files: {
      'compose.yaml': service('cache', '    command: redis-server\n'),
      'compose.override.yaml': 'services:\n  cache:\n    command: ["redis-server", "--requirepass", "Hx7redisPass"]\n',
    },
    expected: [found('"Hx7redisPass"', 'services.cache.command[2]', { service: 'cache', file: 'compose.override.yaml' })],
    secrets: ['Hx7redisPass'],
  },
  {
    name: 'a placeholder password is a warning',
    files: { 'compose.yaml': service('app', '    command: app --password changeme\n') },
    expected: [found('app --password', 'services.app.command', { severity: 'warning' })],
  },
];

describe('secret-in-command', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInCommandRule.severity).toBe('error');
    expect(secretInCommandRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInCommandRule], row);
  });
});
