/**
 * `planes check` as a user runs it, on a stack that hides its secrets the ways issue 11 lists:
 * a credential passed through from .env under a harmless name (class 3), the database password
 * repeated on a healthcheck and in another service (class 6), a password and a hash in labels
 * (class 7). Each finding at its file:line, the values masked in every format.
 */
import { describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { projectWith } from '../support/project.js';

const DSN_PASSWORD = 'Pl4nesCliDsn9';
const SA_PASSWORD = 'Pl4nes-Cli-Sa9';
const LABEL_PASSWORD = 'Pl4nesCliLabel9';

const COMPOSE = [
  'services:', // 1
  '  db:',
  '    image: mcr.microsoft.com/mssql/server:2022-latest',
  '    environment:',
  '      ACCEPT_EULA: "Y"', // 5
  '      MSSQL_SA_PASSWORD: ${MSSQL_SA_PASSWORD}',
  '    healthcheck:',
  `      test: ["CMD-SHELL", "/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P ${SA_PASSWORD} -Q 'SELECT 1'"]`,
  '  api:',
  '    image: example/api', // 10
  '    environment:',
  '      - DATABASE',
  `      - LEGACY_LOGIN=${SA_PASSWORD}`,
  '    labels:',
  '      traefik.enable: "true"', // 15
  '      traefik.http.middlewares.api-auth.basicauth.users: "admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/"',
  `      com.example.db.password: ${LABEL_PASSWORD}`,
  '      com.docker.compose.config-hash: 3f1a9b6e0c2d4f8a7b5c9e1d3f2a4b6c',
  '',
].join('\n');

const ENV = `MSSQL_SA_PASSWORD=${SA_PASSWORD}\nDATABASE=sqlserver://sa:${DSN_PASSWORD}@db:1433/app\n`;

describe('planes check judges effective values, reuse and labels', () => {
  const root = projectWith({ 'compose.yaml': COMPOSE, '.env': ENV });

  it('reports each at its line, with the value masked (--format json)', () => {
    const result = planes(['check', '--format', 'json'], root);
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    const found = report.findings.map((f: { rule: string; severity: string; file: string; line: number; key: string | null }) => `${f.file}:${f.line} ${f.rule} ${f.severity} ${f.key}`);
    expect(found).toEqual([
      'compose.yaml:6 secret-in-environment error MSSQL_SA_PASSWORD',
      'compose.yaml:8 secret-in-command error null',
      'compose.yaml:12 secret-in-environment error DATABASE',
      'compose.yaml:13 secret-in-environment error LEGACY_LOGIN',
      'compose.yaml:16 secret-in-label warning traefik.http.middlewares.api-auth.basicauth.users',
      'compose.yaml:17 secret-in-label error com.example.db.password',
    ]);
    const messages = report.findings.map((f: { message: string }) => f.message).join('\n');
    expect(messages).toContain('DATABASE holds a secret: URL with a password in it (Pl***********n9, 13 chars) filled from .env:2');
    expect(messages).toContain('LEGACY_LOGIN holds the value of the secret MSSQL_SA_PASSWORD');
    expect(messages).toContain('password hash, crackable offline');
  });

  it.each(['text', 'json', 'sarif', 'github'])('never prints a value (--format %s)', (format) => {
    const result = planes(['check', '--format', format], root);
    expect(result.status).toBe(1);
    for (const secret of [DSN_PASSWORD, SA_PASSWORD, LABEL_PASSWORD]) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
