import { describe, expect, it } from 'vitest';
import { secretInBuildArgRule } from '../../../src/check/rules/secret-in-build-arg.js';
import { checkRow, type Expected, type Row } from './secret-table.js';

const SECRET = 'Qv7hLm2xRt9wZk4nBy';

function found(key: string, file: string, needle: string, message: string[] = []): Expected {
  return { rule: 'secret-in-build-arg', severity: 'error', key, service: 'app', at: { file, needle }, path: `services.app.build.args.${key}`, message: ['build.secrets', ...message] };
}

/** A compose file whose service `app` builds `.` with these lines under `build:`. */
function build(lines: string): Record<string, string> {
  return { 'compose.yaml': `services:\n  app:\n    build:\n      context: .\n${lines}`, Dockerfile: 'FROM alpine:3\n' };
}

const ROWS: Row[] = [
  {
    name: 'a literal secret',
    files: build(`      args:\n        NPM_TOKEN: ${SECRET}\n`),
    expected: [found('NPM_TOKEN', 'compose.yaml', 'NPM_TOKEN:', ['build arg NPM_TOKEN holds a secret (Qv***********By, 18 chars)', 'id=npm_token'])],
    secrets: [SECRET],
  },
  {
    name: 'a bare list entry passes the host value to the build',
    files: build('      args:\n        - NODE_VERSION=20\n        - NPM_TOKEN\n'),
    expected: [found('NPM_TOKEN', 'compose.yaml', 'NPM_TOKEN', ["passes the host's NPM_TOKEN through"])],
  },
  {
    name: 'list form filled from .env: on the compose item, naming the .env line',
    files: { ...build('      args:\n        - GITHUB_TOKEN=${GITHUB_TOKEN}\n'), '.env': 'GITHUB_TOKEN=ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\n' },
    expected: [found('GITHUB_TOKEN', 'compose.yaml', 'GITHUB_TOKEN=', ['filled from .env:1'])],
    secrets: ['ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5'],
  },
  {
    name: 'an index URL with a password, whatever the name',
    files: build('      args:\n        PIP_INDEX_URL: https://ci:S3cr3tPassw0rd@pypi.example.com/simple\n'),
    expected: [found('PIP_INDEX_URL', 'compose.yaml', 'PIP_INDEX_URL:', ['URL with a password'])],
    secrets: ['S3cr3tPassw0rd'],
  },
  {
    name: 'an arg added by an override file is located there',
    files: { ...build('      args:\n        GIT_SHA: abc123\n'), 'compose.override.yaml': `services:\n  app:\n    build:\n      args:\n        SENTRY_AUTH_TOKEN: ${SECRET}\n` },
    expected: [found('SENTRY_AUTH_TOKEN', 'compose.override.yaml', 'SENTRY_AUTH_TOKEN:')],
    secrets: [SECRET],
  },
  {
    name: 'harmless args and a path to a secret',
    files: build('      args:\n        GIT_SHA: abc123\n        NODE_VERSION: "20"\n        NPM_TOKEN_FILE: /run/secrets/npm\n        NPM_TOKEN: ""\n'),
    expected: [],
  },
];

describe('secret-in-build-arg', () => {
  it('is an error rule with a one-line description', () => {
    expect(secretInBuildArgRule.severity).toBe('error');
    expect(secretInBuildArgRule.description).not.toContain('\n');
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    checkRow([secretInBuildArgRule], row);
  });
});
