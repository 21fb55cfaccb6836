import type { Finding, Report } from '../../src/report/finding.js';
import type { RuleDescription } from '../../src/report/index.js';

/**
 * A checked project: a compose file with secrets in every place the checker looks, a
 * Dockerfile, and a secret file whose text the formatter is never given. The raw secret
 * values below must never appear in any output format.
 */
export const rawSecrets = [
  '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  'Zq7!vR2#pL9@wX4',
  'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5',
  'Hx7redisPass',
  'Xk9#mP2vQ7rT',
  'hunter2x',
];

const composeLines = [
  'x-env: &env {API_TOKEN: 9f8e7d6c5b4a39281706f5e4d3c2b1a0, SESSION_SECRET: Zq7!vR2#pL9@wX4}',
  'services:',
  '  api:',
  '    image: shop/api',
  '    environment: *env',
  '    labels:',
  '      com.example.deploy: ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5',
  '    command: redis-server --requirepass Hx7redisPass',
  '  db:',
  '    image: postgres:16-alpine',
  '    environment:',
  '      - "POSTGRES_PASSWORD=Xk9#mP2vQ7rT"',
  '      - MYSQL_ROOT_PASSWORD=example',
];

const dockerfileLines = [
  '# syntax=docker/dockerfile:1',
  'FROM node:20-alpine AS build',
  'ARG NPM_TOKEN',
  'ENV PASSWORD hunter2x',
  'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci',
];

const COMPOSE = 'docker-compose.yml';
const DOCKERFILE = 'compose/api/Dockerfile';

export const sources: ReadonlyMap<string, string> = new Map([
  [COMPOSE, `${composeLines.join('\n')}\n`],
  [DOCKERFILE, `${dockerfileLines.join('\n')}\n`],
]);

export function readSource(file: string): string | undefined {
  return sources.get(file);
}

export const rules: RuleDescription[] = [
  { id: 'secret-in-environment', description: 'A secret is passed to a container in an environment variable.', severity: 'error' },
  { id: 'secret-in-label', description: 'A credential is written into a container or image label.', severity: 'error' },
  { id: 'secret-in-command', description: 'A password is passed on a command line.', severity: 'error' },
  { id: 'secret-in-dockerfile', description: 'A secret is baked into an image by a Dockerfile ARG or ENV.', severity: 'error' },
  { id: 'secret-file-permissions', description: 'A secret file can be read by other users.', severity: 'warning' },
  { id: 'invalid-ignore', description: 'A planes-ignore comment lacks a rule or a reason.', severity: 'error' },
];

/** A finding located where `needle` starts on the given 1-based line. */
function at(lines: readonly string[], line: number, needle: string): { line: number; column: number } {
  const column = (lines[line - 1] ?? '').indexOf(needle) + 1;
  if (column === 0) throw new Error(`fixture: ${needle} is not on line ${line}`);
  return { line, column };
}

const findings: Finding[] = [
  {
    rule: 'secret-in-environment',
    severity: 'error',
    file: COMPOSE,
    ...at(composeLines, 1, 'API_TOKEN'),
    service: 'api',
    key: 'API_TOKEN',
    path: 'x-env.API_TOKEN',
    message: 'API_TOKEN holds a secret (9f****************************a0, 32 chars); mount it as a secret and pass API_TOKEN_FILE=/run/secrets/api_token',
  },
  {
    rule: 'secret-in-environment',
    severity: 'error',
    file: COMPOSE,
    ...at(composeLines, 1, 'SESSION_SECRET'),
    service: 'api',
    key: 'SESSION_SECRET',
    path: 'x-env.SESSION_SECRET',
    message: 'SESSION_SECRET holds a secret (Zq***********X4, 15 chars); mount it as a secret and pass SESSION_SECRET_FILE=/run/secrets/session_secret',
  },
  {
    rule: 'secret-in-label',
    severity: 'error',
    file: COMPOSE,
    ...at(composeLines, 7, 'com.example.deploy'),
    service: 'api',
    key: 'com.example.deploy',
    path: 'services.api.labels.com.example.deploy',
    message: 'label com.example.deploy holds a GitHub token (gh************************************Y5, 40 chars); anyone who can inspect the container reads it',
  },
  {
    rule: 'secret-in-command',
    severity: 'error',
    file: COMPOSE,
    ...at(composeLines, 8, 'redis-server'),
    service: 'api',
    key: null,
    path: 'services.api.command',
    message: 'a password on the command line (--requirepass Hx********ss, 12 chars); read it from /run/secrets instead',
  },
  {
    rule: 'secret-in-environment',
    severity: 'error',
    file: COMPOSE,
    ...at(composeLines, 12, '"POSTGRES_PASSWORD'),
    service: 'db',
    key: 'POSTGRES_PASSWORD',
    path: 'services.db.environment.0',
    message: 'POSTGRES_PASSWORD holds a secret (Xk********rT, 12 chars); mount it as a secret and pass POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password',
  },
  {
    rule: 'secret-in-environment',
    severity: 'warning',
    file: COMPOSE,
    ...at(composeLines, 13, 'MYSQL_ROOT_PASSWORD'),
    service: 'db',
    key: 'MYSQL_ROOT_PASSWORD',
    path: 'services.db.environment.1',
    message: 'MYSQL_ROOT_PASSWORD holds a placeholder, but it is still a secret slot in the environment; pass MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql_root_password',
  },
  {
    rule: 'secret-in-dockerfile',
    severity: 'error',
    file: DOCKERFILE,
    ...at(dockerfileLines, 3, 'NPM_TOKEN'),
    service: null,
    key: 'NPM_TOKEN',
    path: null,
    message: 'build argument NPM_TOKEN stays in the image history; use RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN',
  },
  {
    rule: 'secret-in-dockerfile',
    severity: 'error',
    file: DOCKERFILE,
    ...at(dockerfileLines, 4, 'PASSWORD'),
    service: null,
    key: 'PASSWORD',
    path: null,
    message: 'PASSWORD holds a secret (hu****2x, 8 chars) in an image layer; read it from a secret mount at run time',
  },
  {
    rule: 'secret-file-permissions',
    severity: 'warning',
    file: 'secrets/db_password.txt',
    line: 1,
    column: 1,
    service: null,
    key: null,
    path: null,
    message: 'secrets/db_password.txt can be read by every user (mode 0644); run chmod 600 secrets/db_password.txt',
  },
];

export const report: Report = {
  version: 1,
  findings,
  summary: { errors: 7, warnings: 2, suppressed: 2, files: 4 },
};
