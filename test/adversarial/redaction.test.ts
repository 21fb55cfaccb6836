/**
 * One redaction path for everything planes prints or writes outside secrets/: whatever the
 * command and the output format, a canary secret planted in the input appears nowhere in what
 * planes prints (stdout, stderr) nor in what it writes but secrets/*.txt. Each case is run
 * through the built CLI, as a user (or a CI log) sees it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planes, type CliResult } from '../support/cli.js';
import { filesUnder, projectWith } from '../support/project.js';

const CANARY = 'Cnry2Wd7Kq4Xs9Rb';
// An AWS-access-key-shaped canary, built so that no credential is written here.
const ACCESS_KEY = `AKIA${'CNRY0SYNTHETIC0KEY'.slice(0, 16)}`;
const FORMATS = ['text', 'json', 'sarif', 'github'];

function expectNowhere(result: CliResult, what: string): void {
  for (const canary of [CANARY, ACCESS_KEY]) {
    expect(result.stdout, `${what}: stdout`).not.toContain(canary);
    expect(result.stderr, `${what}: stderr`).not.toContain(canary);
  }
  // Not even the part after a "${" that a parser would read as a variable name.
  expect(`${result.stdout}${result.stderr}`, what).not.toContain(CANARY.slice(5));
}

/** Compose projects whose messages would embed the canary: a value filled from a secret-named variable, a raw excerpt around a bad "${". */
const CHECKED: Record<string, Record<string, string>> = {
  'a "${" inside a secret in .env': { '.env': `DB_PASSWORD=${CANARY.slice(0, 5)}\${${CANARY.slice(5)}\n`, 'compose.yaml': 'services:\n  a: { image: x }\n' },
  'a "${" inside an inline value': { 'compose.yaml': `services:\n  a:\n    image: x\n    labels: { note: "${CANARY.slice(0, 5)}\${${CANARY.slice(5)}:-x" }\n` },
  'an env_file filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    env_file: ["${DB_PASSWORD}"]\n' },
  'extends.file filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: { file: "${DB_PASSWORD}", service: b }\n' },
  'extends.service filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    extends: { service: "${DB_PASSWORD}" }\n' },
  'a secret file filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    secrets: [s]\nsecrets:\n  s: { file: "${DB_PASSWORD}" }\n' },
  'an undefined secret filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    secrets: ["${DB_PASSWORD}"]\n' },
  'a Dockerfile filled from a secret': { '.env': `DB_PASSWORD=${CANARY}\n`, 'compose.yaml': 'services:\n  a:\n    image: x\n    build: { context: ., dockerfile: "${DB_PASSWORD}" }\n' },
  'a credential in a label and in an env_file path': { 'compose.yaml': `services:\n  a:\n    image: x\n    labels: { db: "postgres://app:${CANARY}@db/app" }\n    env_file: ["envs/${ACCESS_KEY}.env"]\n` },
};

describe('planes check never prints a secret, in any format', () => {
  it.each(Object.entries(CHECKED).flatMap(([name, files]) => FORMATS.map((format) => [name, format, files] as const)))('%s (--format %s)', (name, format, files) => {
    const root = projectWith(files);
    const result = planes(['check', '--format', format], root);
    expect(result.status, `${name}: ${result.stderr}`).not.toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expectNowhere(result, name);
  });
});

describe('planes migrate never prints nor writes a secret it cannot move', () => {
  const files = {
    '.env': `DB_PASSWORD=${CANARY}\n`,
    'compose.yaml': `services:
  app:
    image: myorg/app:1
    restart: "\${DB_PASSWORD}"
    labels: { db: "postgres://app:${CANARY}@db/app" }
    healthcheck: { test: ["CMD", "redis-cli", "-a", "${CANARY}", "ping"] }
    configs: [app]
configs:
  app: { content: "url=https://admin:${CANARY}@db.internal/x" }
`,
  };

  it.each([[[]], [['--json']], [['--dry-run']]])('%j', (flags) => {
    const root = projectWith(files);
    const result = planes(['migrate', '--out', 'out', ...flags], root);
    expect(result.status, result.stderr).toBe(1);
    expectNowhere(result, `migrate ${flags.join(' ')}`);
    const written = flags.includes('--dry-run') ? [] : filesUnder(join(root, 'out'));
    for (const path of written) {
      if (!/^secrets\/[^/]+\.txt$/.test(path)) expect(readFileSync(join(root, 'out', path), 'utf8'), path).not.toContain(CANARY);
    }
  });

  it('refuses an interpolation error in a secret as Compose would, without quoting it', () => {
    const root = projectWith({ '.env': `DB_PASSWORD=${CANARY.slice(0, 5)}\${${CANARY.slice(5)}\n`, 'compose.yaml': 'services:\n  a: { image: x }\n' });
    const result = planes(['migrate', '--out', 'out'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^planes: \.env:1:13: invalid interpolation format in the value of DB_PASSWORD, at its character 6/);
    expectNowhere(result, 'migrate');
  });
});

describe('planes generate --check never prints a secret added by hand to a generated file', () => {
  it('names the line and masks the value', () => {
    const root = projectWith({
      'compose/stack.yaml': 'name: shop\nenvironments:\n  dev: { target: compose, file: docker-compose.yml }\nconfig:\n  LOG_LEVEL: INFO\nservices:\n  api:\n    image: shop/api:1\n    config: [LOG_LEVEL]\n',
    });
    expect(planes(['generate'], root).status).toBe(0);
    const env = join(root, 'config/common.env');
    writeFileSync(env, `${readFileSync(env, 'utf8')}DB_PASSWORD=${CANARY}\n`);
    const result = planes(['generate', '--check'], root);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^config\/common\.env:\d+: differs\n {2}current: {2}DB_PASSWORD=•••••\n/m);
    expectNowhere(result, 'generate --check');
  });
});

describe('an empty compose file', () => {
  it.each(FORMATS)('is a load problem of planes check (--format %s), as Compose refuses it', (format) => {
    const root = projectWith({ 'compose.yaml': '# nothing yet\n' });
    const result = planes(['check', '--format', format], root);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('empty compose file');
  });

  it('is refused by planes migrate, which writes nothing', () => {
    const root = projectWith({ 'compose.yaml': '' });
    const result = planes(['migrate', '--out', 'out'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^planes: compose\.yaml:1:1: the compose file is empty, .*"empty compose file".*planes migrate needs a compose setup that Compose itself accepts/);
    expect(filesUnder(root)).toEqual(['compose.yaml']);
  });
});
