import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/report/finding.js';
import { secretUnusedRule } from '../../../src/check/rules/secret-unused.js';
import { findingsOf } from './harness.js';

type Expected = Pick<Finding, 'file' | 'line' | 'column' | 'key' | 'path'>;

const where = ({ rule, severity, file, line, column, service, key, path }: Finding) => ({ rule, severity, file, line, column, service, key, path });
const expected = (entries: Expected[]) => entries.map((entry) => ({ rule: 'secret-unused', severity: 'warning', service: null, ...entry }));

const cases: { name: string; files: Record<string, string>; findings: Expected[] }[] = [
  {
    name: 'each secret mounted by a service or a build',
    files: {
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: api',
        '    secrets: [{ source: db_password, target: db }]',
        '  web:',
        '    build: { context: ., secrets: [npm_token] }',
        'secrets:',
        '  db_password: { file: ./db.txt }',
        '  npm_token: { environment: NPM_TOKEN }',
        '',
      ].join('\n'),
      Dockerfile: 'FROM scratch\n',
    },
    findings: [],
  },
  {
    name: 'one of two unused: at its top-level key',
    files: {
      'compose.yaml': [
        'services:',
        '  api:',
        '    image: api',
        '    secrets: [db_password]',
        'secrets:',
        '  db_password:',
        '    file: ./db.txt',
        '  old_password:',
        '    file: ./old.txt',
        '',
      ].join('\n'),
    },
    findings: [{ file: 'compose.yaml', line: 8, column: 3, key: 'old_password', path: 'secrets.old_password' }],
  },
  {
    name: 'no services use any: every one, in order',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\nsecrets:\n  a: { external: true }\n  b: { environment: B }\n' },
    findings: [
      { file: 'compose.yaml', line: 5, column: 3, key: 'a', path: 'secrets.a' },
      { file: 'compose.yaml', line: 6, column: 3, key: 'b', path: 'secrets.b' },
    ],
  },
  {
    name: 'defined in the override file, used in the base file',
    files: {
      'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [jwt_key]\n',
      'compose.override.yaml': 'secrets:\n  jwt_key: { file: ./jwt.txt }\n  spare: { file: ./spare.txt }\n',
    },
    findings: [{ file: 'compose.override.yaml', line: 3, column: 3, key: 'spare', path: 'secrets.spare' }],
  },
  {
    name: 'a use of an undefined secret does not make another used',
    files: { 'compose.yaml': 'services:\n  api:\n    image: api\n    secrets: [typo]\nsecrets:\n  token: { external: true }\n' },
    findings: [{ file: 'compose.yaml', line: 6, column: 3, key: 'token', path: 'secrets.token' }],
  },
];

describe('secret-unused', () => {
  it.each(cases)('$name', ({ files, findings }) => {
    expect(findingsOf(secretUnusedRule, files).map(where)).toEqual(expected(findings));
  });

  it('says how to resolve it', () => {
    const [finding] = findingsOf(secretUnusedRule, { 'compose.yaml': 'services:\n  api:\n    image: api\nsecrets:\n  token: { external: true }\n' });
    expect(finding?.message).toBe('no service or build uses the secret token; mount it where it is needed (secrets: [token]) or remove it');
  });
});
