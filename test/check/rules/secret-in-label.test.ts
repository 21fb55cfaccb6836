import { describe, expect, it } from 'vitest';
import { secretInLabelRule } from '../../../src/check/rules/secret-in-label.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

const TOKEN = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';

function found(key: string, needle: string, path: string, options: { severity?: Expected['severity']; message?: string[]; file?: string } = {}): Expected {
  return {
    rule: 'secret-in-label',
    severity: options.severity ?? 'error',
    key,
    service: 'app',
    at: { file: options.file ?? 'compose.yaml', needle },
    path,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

const ROWS: Row[] = [
  {
    name: 'list form',
    files: { 'compose.yaml': service('app', `    labels:\n      - "com.example.tier=web"\n      - "com.example.token=${TOKEN}"\n`) },
    expected: [found('com.example.token', '"com.example.token', 'services.app.labels["com.example.token"]', { message: ['label com.example.token holds a secret: GitHub token', 'docker inspect'] })],
    secrets: [TOKEN],
  },
  {
    name: 'build labels',
    files: { 'compose.yaml': service('app', `    build:\n      context: .\n      labels:\n        org.opencontainers.image.source: https://ci:${TOKEN}@github.com/acme/app\n`), Dockerfile: 'FROM alpine:3\n' },
    expected: [found('org.opencontainers.image.source', 'org.opencontainers', 'services.app.build.labels["org.opencontainers.image.source"]')],
    secrets: [TOKEN],
  },
  {
    name: 'Swarm service labels, mapping form',
    files: { 'compose.yaml': service('app', '    deploy:\n      labels:\n        com.example.dsn: postgres://app:S3cr3tPassw0rd@db/app\n') },
    expected: [found('com.example.dsn', 'com.example.dsn', 'services.app.deploy.labels["com.example.dsn"]', { message: ['URL with a password'] })],
    secrets: ['S3cr3tPassw0rd'],
  },
  {
    name: 'Swarm service labels, list form',
    files: { 'compose.yaml': service('app', `    deploy:\n      labels:\n        - com.example.tier=web\n        - com.example.key=${TOKEN}\n`) },
    expected: [found('com.example.key', 'com.example.key', 'services.app.deploy.labels["com.example.key"]')],
    secrets: [TOKEN],
  },
  {
    name: 'label names are metadata: only values are judged',
    files: { 'compose.yaml': service('app', '    labels:\n      com.example.password: hunter2secret\n      traefik.http.middlewares.auth.basicauth.realm: admin\n') },
    expected: [],
  },
  {
    name: 'a secret variable interpolated into a label',
    files: { 'compose.yaml': service('app', '    labels:\n      traefik.http.middlewares.a.basicauth.users: "admin:${TRAEFIK_USERS}"\n      com.example.auth: "admin:${ADMIN_PASSWORD}"\n'), '.env': 'ADMIN_PASSWORD=Qv7hLm2xRt9wZk4nBy\n' },
    expected: [found('com.example.auth', 'com.example.auth', 'services.app.labels["com.example.auth"]', { message: ['${ADMIN_PASSWORD}', 'filled from .env:1'] })],
    secrets: ['Qv7hLm2xRt9wZk4nBy'],
  },
  {
    name: 'a bcrypt hash is a warning',
    files: { 'compose.yaml': service('app', '    labels:\n      caddy.basicauth.admin: "$$2a$$14$$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG"\n') },
    expected: [found('caddy.basicauth.admin', 'caddy.basicauth.admin', 'services.app.labels["caddy.basicauth.admin"]', { severity: 'warning', message: ['password hash'] })],
    secrets: ['Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT'],
  },
];

describe('secret-in-label', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInLabelRule.severity).toBe('error');
    expect(secretInLabelRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInLabelRule], row);
  });
});
