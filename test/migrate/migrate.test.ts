import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { drift, generate } from '../../src/generate/index.js';
import { loadManifest } from '../../src/manifest/load.js';
import { formatReport, isClean } from '../../src/migrate/index.js';
import { filesUnder, projectWith } from '../support/project.js';
import { migrated, yamlOf } from './support.js';

const PASSWORD = 'Zq8-rT4m-Lw2x-9kPd';
const COMPOSE = `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: app
      POSTGRES_PASSWORD: ${PASSWORD}
    volumes: ["./init:/docker-entrypoint-initdb.d:ro"]
`;

describe('planes migrate', () => {
  it('writes a complete planes project: manifest, secret file 0600 in a 0700 directory, examples, config and both compose files', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE });
    const report = migrated(root);
    const out = join(root, 'out');
    expect(filesUnder(out)).toEqual([
      '.gitignore',
      'compose/stack.yaml',
      'config/common.env',
      'config/dev.env',
      'config/prod.env',
      'docker-compose.prod.yml',
      'docker-compose.yml',
      'secrets/postgres_password.txt',
      'secrets/postgres_password.txt.example',
    ]);
    expect(readFileSync(join(out, 'secrets/postgres_password.txt'), 'utf8')).toBe(PASSWORD);
    expect(statSync(join(out, 'secrets/postgres_password.txt')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'secrets')).mode & 0o777).toBe(0o700);
    const dev = yamlOf(readFileSync(join(out, 'docker-compose.yml'), 'utf8'));
    expect(dev['services']).toEqual({
      db: {
        image: 'postgres:16',
        env_file: ['./config/common.env', './config/dev.env'],
        environment: { POSTGRES_PASSWORD_FILE: '/run/secrets/postgres_password' },
        secrets: ['postgres_password'],
        volumes: ['../init:/docker-entrypoint-initdb.d:ro'],
      },
    });
    expect(readFileSync(join(out, 'config/common.env'), 'utf8')).toContain('POSTGRES_DB=app\n');
    expect(isClean(report)).toBe(true);
    expect(report.files).toContainEqual({ path: 'secrets/postgres_password.txt', mode: 0o600 });
  });

  it('never modifies the source files', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE, '.env': 'UNUSED=1\n' });
    migrated(root);
    expect(readFileSync(join(root, 'compose.yaml'), 'utf8')).toBe(COMPOSE);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('UNUSED=1\n');
  });

  it('puts the secret value only in secrets/*.txt', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE });
    migrated(root);
    const out = join(root, 'out');
    const holders = filesUnder(out).filter((file) => readFileSync(join(out, file), 'utf8').includes(PASSWORD));
    expect(holders).toEqual(['secrets/postgres_password.txt']);
  });

  it('--dry-run writes nothing and reports what it would write', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE });
    const report = migrated(root, { dryRun: true });
    expect(filesUnder(root)).toEqual(['compose.yaml']);
    expect(report.written).toBe(false);
    expect(formatReport(report)).toMatch(/dry run: nothing written[\s\S]*Files it would write:/);
  });

  it('refuses a non-empty directory unless forced, and never writes over an input file', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE, 'out/notes.txt': 'mine\n' });
    expect(() => migrated(root)).toThrow(UsageError);
    expect(() => migrated(root)).toThrow(/is not empty; .* --force/);
    migrated(root, { force: true });
    expect(readFileSync(join(root, 'out/notes.txt'), 'utf8')).toBe('mine\n');
    expect(filesUnder(join(root, 'out'))).toContain('docker-compose.yml');

    const inPlace = projectWith({ 'docker-compose.yml': COMPOSE });
    expect(() => migrated(inPlace, { out: '.', force: true })).toThrow(/is an input of the migration/);
    expect(readFileSync(join(inPlace, 'docker-compose.yml'), 'utf8')).toBe(COMPOSE);
  });

  it('reports every setting with its place, plane and reasons, and never a secret value', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE });
    const report = migrated(root, { dryRun: true });
    expect(report.settings.map(({ key, plane, where }) => `${key} ${plane} ${where.file}:${where.line}`)).toEqual(['POSTGRES_DB config compose.yaml:5', 'POSTGRES_PASSWORD secret compose.yaml:6']);
    const text = formatReport(report);
    expect(text).toMatch(/POSTGRES_PASSWORD {2}\(compose\.yaml:6:7\) {2}→ secret: secrets\/postgres_password\.txt, read by postgres through POSTGRES_PASSWORD_FILE/);
    expect(text).toMatch(/why: name rule: "password"/);
    expect(text).not.toContain(PASSWORD);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('writes the files planes generate makes from the manifest: generate --check finds no drift', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE });
    migrated(root);
    const out = join(root, 'out');
    expect(drift(generate(loadManifest(join(out, 'compose/stack.yaml'), out), out), out)).toBe('');
  });
});
