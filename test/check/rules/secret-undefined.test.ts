import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/report/finding.js';
import { secretUndefinedRule } from '../../../src/check/rules/secret-undefined.js';
import { findingsOf, type RunOptions } from './harness.js';

type Expected = Pick<Finding, 'file' | 'line' | 'column' | 'service' | 'key' | 'path'>;

const where = ({ rule, severity, file, line, column, service, key, path }: Finding) => ({ rule, severity, file, line, column, service, key, path });
const expected = (entries: Expected[]) => entries.map((entry) => ({ rule: 'secret-undefined', severity: 'error', ...entry }));

const cases: { name: string; files: Record<string, string>; options?: RunOptions; findings: Expected[] }[] = [
  {
    name: 'every use defined: file, environment and external sources',
    files: {
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: api',
        '    secrets: [db_password, { source: api_key, target: key }]',
        '    build:',
        '      context: .',
        '      secrets: [npm_token]',
        'secrets:',
        '  db_password: { file: ./db.txt }',
        '  api_key: { external: true }',
        '  npm_token: { environment: NPM_TOKEN }',
        '',
      ].join('\n'),
      Dockerfile: 'FROM scratch\n',
    },
    findings: [],
  },
  {
    name: 'short form without any top-level secrets: at the list item',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\n    secrets:\n      - db_password\n' },
    findings: [{ file: 'compose.yaml', line: 5, column: 9, service: 'api', key: 'db_password', path: 'services.api.secrets[0]' }],
  },
  {
    name: 'long form with a misspelt source: at the source value',
    files: {
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: api',
        '    secrets:',
        '      - db_password',
        '      - source: db_pasword',
        '        target: password',
        'secrets:',
        '  db_password: { file: ./db.txt }',
        '',
      ].join('\n'),
    },
    findings: [{ file: 'compose.yaml', line: 6, column: 17, service: 'api', key: 'db_pasword', path: 'services.api.secrets[1]' }],
  },
  {
    name: 'a build secret',
    files: {
      'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      secrets: [npm_token]\n',
      Dockerfile: 'FROM scratch\n',
    },
    findings: [{ file: 'compose.yaml', line: 5, column: 17, service: 'api', key: 'npm_token', path: 'services.api.build.secrets[0]' }],
  },
  {
    name: 'a service named build is not a build',
    files: { 'compose.yaml': 'services:\n  build:\n    image: x\n    secrets: [token]\n' },
    findings: [{ file: 'compose.yaml', line: 4, column: 15, service: 'build', key: 'token', path: 'services.build.secrets[0]' }],
  },
  {
    name: 'the use written in the override file is located there',
    files: {
      'compose.yaml': 'services:\n  api:\n    image: api\nsecrets:\n  db_password: { file: ./db.txt }\n',
      'compose.override.yaml': 'services:\n  api:\n    secrets: [db_password, jwt_key]\n',
    },
    findings: [{ file: 'compose.override.yaml', line: 3, column: 28, service: 'api', key: 'jwt_key', path: 'services.api.secrets[1]' }],
  },
  {
    name: 'a use written once in an anchor is reported for each service that uses it',
    files: {
      'compose.yaml': [
        'x-common: &common',
        '  secrets: [shared]',
        'services:',
        '  api:',
        '    <<: *common',
        '    image: api',
        '  worker:',
        '    <<: *common',
        '    image: worker',
        '',
      ].join('\n'),
    },
    findings: [
      { file: 'compose.yaml', line: 2, column: 13, service: 'api', key: 'shared', path: 'services.api.secrets[0]' },
      { file: 'compose.yaml', line: 2, column: 13, service: 'worker', key: 'shared', path: 'services.worker.secrets[0]' },
    ],
  },
  {
    name: 'an interpolated name is judged by its value',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: ["${SECRET_NAME}"]\nsecrets:\n  db_password: { file: ./db.txt }\n' },
    options: { environment: { SECRET_NAME: 'db_password' } },
    findings: [],
  },
  {
    name: 'a top-level secrets: that is not a mapping is left to the schema rule',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [db_password]\nsecrets: [db_password]\n' },
    findings: [],
  },
];

describe('secret-undefined', () => {
  it.each(cases)('$name', ({ files, options, findings }) => {
    expect(findingsOf(secretUndefinedRule, files, options).map(where)).toEqual(expected(findings));
  });

  it('says which secret and how to define it', () => {
    const [finding] = findingsOf(secretUndefinedRule, { 'compose.yaml': 'services:\n  api:\n    build: { context: ., secrets: [npm_token] }\n', Dockerfile: 'FROM scratch\n' });
    expect(finding?.message).toBe('the build of api uses the secret npm_token, which no top-level secrets: entry defines; define it there (file:, environment: or external:) or correct the name');
  });
});
