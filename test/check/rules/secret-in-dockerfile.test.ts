import { describe, expect, it } from 'vitest';
import { secretInDockerfileRule } from '../../../src/check/rules/secret-in-dockerfile.js';
import { checkRow, service, type Expected, type Row } from './secret-table.js';

const SECRET = 'Qv7hLm2xRt9wZk4nBy';

function found(key: string, needle: string, options: { file?: string; service?: string; severity?: Expected['severity']; message?: string[]; occurrence?: number } = {}): Expected {
  return {
    rule: 'secret-in-dockerfile',
    severity: options.severity ?? 'error',
    key,
    service: options.service ?? 'app',
    at: { file: options.file ?? 'Dockerfile', needle, ...(options.occurrence === undefined ? {} : { occurrence: options.occurrence }) },
    path: null,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
}

/** A project whose service `app` builds this Dockerfile. */
function dockerfile(text: string): Record<string, string> {
  return { 'compose.yaml': service('app', '    build: .\n'), Dockerfile: text };
}

const ROWS: Row[] = [
  {
    name: 'continuation lines: located where the key was written',
    files: dockerfile(`FROM node:20\nENV NODE_ENV=production \\\n    DB_PASSWORD=${SECRET} \\\n    PORT=8080\n`),
    expected: [found('DB_PASSWORD', 'DB_PASSWORD', { message: ['ENV DB_PASSWORD holds a secret (Qv***********By, 18 chars)', 'ENV persists in the image'] })],
    secrets: [SECRET],
  },
  {
    name: 'continuation lines with a backtick escape directive',
    files: dockerfile(`# escape=\`\nFROM mcr.microsoft.com/windows/servercore\nARG VERSION=1 \`\n    API_KEY=${SECRET}\n`),
    expected: [found('API_KEY', 'API_KEY', { message: ['as its default'] })],
    secrets: [SECRET],
  },
  {
    name: 'an ARG with a secret default',
    files: dockerfile(`FROM node:20\nARG NPM_TOKEN=${SECRET}\nRUN npm ci\n`),
    expected: [found('NPM_TOKEN', 'NPM_TOKEN', { message: ['RUN --mount=type=secret,id=npm_token'] })],
    secrets: [SECRET],
  },
  {
    name: 'ONBUILD ENV lands in child images',
    files: dockerfile(`FROM node:20\nONBUILD ENV SESSION_SECRET=${SECRET}\n`),
    expected: [found('SESSION_SECRET', 'SESSION_SECRET')],
    secrets: [SECRET],
  },
  {
    name: 'an ENV built from a secret build argument',
    files: dockerfile('FROM node:20\nARG DB_PASSWORD_FILE\nENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n'),
    expected: [found('DATABASE_URL', 'DATABASE_URL', { message: ['${DB_PASSWORD} (a build argument)'] })],
  },
  {
    name: 'an ENV of a credential format, whatever the name',
    files: dockerfile('FROM node:20\nENV DEPLOY_HOOK="https://hooks.slack.com/services/T0000ABCD/B0000EFGH/abcdefghijklmnopqrstuvwx"\n'),
    expected: [found('DEPLOY_HOOK', 'DEPLOY_HOOK', { message: ['Slack'] })],
    secrets: ['abcdefghijklmnopqrstuvwx'],
  },
  {
    name: 'harmless ARG and ENV',
    files: dockerfile('FROM node:20\nARG NODE_VERSION=20\nARG NPM_TOKEN_FILE\nENV NODE_ENV=production DB_PASSWORD_FILE=/run/secrets/db_password\nENV GITHUB_TOKEN=""\n'),
    expected: [],
  },
  {
    name: 'a secret ARG in a builder stage still persists in its history',
    files: dockerfile('FROM golang:1.22 AS build\nARG GOPRIVATE_TOKEN\nRUN go build ./...\nFROM scratch\nCOPY --from=build /app /app\n'),
    expected: [found('GOPRIVATE_TOKEN', 'GOPRIVATE_TOKEN')],
  },
  {
    name: 'a Dockerfile built by two services: one finding per service',
    files: {
      'compose.yaml': 'services:\n  api:\n    build: .\n  worker:\n    build: .\n',
      Dockerfile: 'FROM node:20\nARG GITHUB_TOKEN\n',
    },
    expected: [found('GITHUB_TOKEN', 'GITHUB_TOKEN', { service: 'api' }), found('GITHUB_TOKEN', 'GITHUB_TOKEN', { service: 'worker' })],
  },
  {
    name: 'three Dockerfiles of the same text: each finding names its own file',
    files: {
      'compose.yaml': 'services:\n  api:\n    build: api\n  worker:\n    build: worker\n  cron:\n    build: cron\n',
      'api/Dockerfile': 'FROM node:20\nARG GITHUB_TOKEN\n',
      'worker/Dockerfile': 'FROM node:20\nARG GITHUB_TOKEN\n',
      'cron/Dockerfile': 'FROM node:20\nARG GITHUB_TOKEN\n',
    },
    expected: [
      found('GITHUB_TOKEN', 'GITHUB_TOKEN', { service: 'api', file: 'api/Dockerfile' }),
      found('GITHUB_TOKEN', 'GITHUB_TOKEN', { service: 'worker', file: 'worker/Dockerfile' }),
      found('GITHUB_TOKEN', 'GITHUB_TOKEN', { service: 'cron', file: 'cron/Dockerfile' }),
    ],
  },
  {
    name: 'build.dockerfile names another file: it is the one reported',
    files: {
      'compose.yaml': service('app', '    build:\n      context: .\n      dockerfile: docker/app.Dockerfile\n'),
      'docker/app.Dockerfile': 'FROM python:3.12\nENV PIP_INDEX_URL=https://ci:S3cr3tPassw0rd@pypi.example.com/simple\n',
    },
    expected: [found('PIP_INDEX_URL', 'PIP_INDEX_URL', { file: 'docker/app.Dockerfile' })],
    secrets: ['S3cr3tPassw0rd'],
  },
  {
    name: 'a placeholder ENV is a warning',
    files: dockerfile('FROM node:20\nENV API_TOKEN=changeme\n'),
    expected: [found('API_TOKEN', 'API_TOKEN', { severity: 'warning' })],
  },
];

describe('secret-in-dockerfile', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInDockerfileRule.severity).toBe('error');
    expect(secretInDockerfileRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInDockerfileRule], row);
  });
});
