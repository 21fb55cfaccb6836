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
    name: 'a label named for a password holds one',
    files: { 'compose.yaml': service('app', '    labels:\n      com.example.db.password: Pl4nesLabelPw9\n      traefik.http.middlewares.auth.basicauth.realm: admin\n') },
    expected: [found('com.example.db.password', 'com.example.db.password', 'services.app.labels["com.example.db.password"]', { message: ['label com.example.db.password holds a secret (Pl***********w9, 14 chars)'] })],
    secrets: ['Pl4nesLabelPw9'],
  },
  {
    name: 'traefik basic auth: a plain password is an error, at its label',
    files: {
      'compose.yaml': service(
        'app',
        '    labels:\n      - "traefik.enable=true"\n      - "traefik.http.routers.app.rule=Host(`app.example.com`)"\n      - "traefik.http.routers.app.middlewares=app-auth"\n      - "traefik.http.middlewares.app-auth.basicauth.users=admin:Pl4nesTraefik9"\n      - "traefik.http.services.app.loadbalancer.server.port=8080"\n',
      ),
    },
    expected: [found('traefik.http.middlewares.app-auth.basicauth.users', '"traefik.http.middlewares.app-auth', 'services.app.labels["traefik.http.middlewares.app-auth.basicauth.users"]', { message: ['basic auth password in the clear'] })],
    secrets: ['Pl4nesTraefik9'],
  },
  {
    name: 'caddy basic auth with a base64-wrapped bcrypt hash is a warning',
    files: {
      'compose.yaml': service(
        'app',
        `    labels:\n      caddy: app.example.com\n      caddy.reverse_proxy: "{{upstreams 8080}}"\n      caddy.basicauth: /admin/*\n      caddy.basicauth.alice: ${Buffer.from('$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG').toString('base64')}\n`,
      ),
    },
    expected: [found('caddy.basicauth.alice', 'caddy.basicauth.alice', 'services.app.labels["caddy.basicauth.alice"]', { severity: 'warning', message: ['password hash', 'base64-encoded'] })],
  },
  {
    name: 'the database password repeated in a label of another service',
    files: {
      'compose.yaml': `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}\n  backup:\n    image: example/backup\n    labels:\n      com.example.backup.target: "postgres db:5432 Pl4nesPgReuse9"\n`,
      '.env': 'POSTGRES_PASSWORD=Pl4nesPgReuse9\n',
    },
    expected: [{ rule: 'secret-in-label', severity: 'error', key: 'com.example.backup.target', service: 'backup', at: { file: 'compose.yaml', needle: 'com.example.backup.target' }, message: ['holds the value of the secret POSTGRES_PASSWORD'] }],
    secrets: ['Pl4nesPgReuse9'],
  },
  {
    name: 'look-alikes: real labels of traefik, compose, watchtower and homepage',
    files: {
      'compose.yaml': service(
        'app',
        [
          '    labels:',
          '      traefik.enable: "true"',
          '      traefik.http.routers.app.tls.certresolver: letsencrypt',
          '      traefik.http.routers.app.middlewares: authelia@docker',
          '      traefik.http.middlewares.authelia.forwardauth.address: http://authelia:9091/api/verify?rd=https://auth.example.com/',
          '      traefik.http.middlewares.authelia.forwardauth.trustForwardHeader: "true"',
          '      traefik.http.middlewares.authelia.forwardauth.authResponseHeaders: Remote-User,Remote-Groups,Remote-Email',
          '      traefik.http.middlewares.auth.basicauth.usersfile: /etc/traefik/.htpasswd',
          '      traefik.http.middlewares.auth.basicauth.removeheader: "true"',
          '      com.centurylinklabs.watchtower.enable: "true"',
          '      com.example.roles: alice:admin,bob:viewer',
          '      homepage.widget.type: gitea',
          '      homepage.widget.url: http://gitea:3000',
          '      org.opencontainers.image.revision: 3f1a9b6e0c2d4f8a7b5c9e1d3f2a4b6c8e0d2f4a',
          '      com.example.token.ttl: 3600',
          '',
        ].join('\n'),
      ),
    },
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
