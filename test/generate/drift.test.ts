/**
 * What `generate --check` prints for a generated file that drifted: which lines differ, as they
 * are and as expected, every value the judgement calls a secret masked — the CI drift check
 * publishes it, and a hand-edited file may hold one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { drift, generate, type Generation } from '../../src/generate/index.js';
import { parseManifest } from '../../src/manifest/index.js';
import { projectWith } from '../support/project.js';

const MANIFEST = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: INFO
secrets:
  api_key: { description: the API key, example: sk-your-key-here }
services:
  api:
    image: shop/api:1
    config: [LOG_LEVEL]
    secrets:
      api_key: { env: API_KEY_FILE }
`;
const CANARY = 'Cnry5Tq8Wm3Zp6Yd';

let root: string;
let generation: Generation;

beforeEach(() => {
  root = projectWith({ 'compose/stack.yaml': MANIFEST });
  generation = generate(parseManifest(MANIFEST, 'compose/stack.yaml'), root);
  for (const file of generation.files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
});

function edit(path: string, change: (text: string) => string): void {
  writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8')));
}

function composeFile(): string {
  return 'docker-compose.yml';
}

describe('generate --check output', () => {
  it('is empty when every file is up to date', () => {
    expect(drift(generation, root)).toBe('');
  });

  it('names each differing line, with the current and the expected text', () => {
    edit('config/common.env', (text) => text.replace(/^(\w+)=(.*)$/m, '$1=changed by hand'));
    const expected = readFileSync(join(root, 'config/common.env'), 'utf8');
    const line = expected.split('\n').findIndex((text) => text.endsWith('=changed by hand')) + 1;
    const original = (generation.files.find((file) => file.path === 'config/common.env')?.content ?? '').split('\n')[line - 1];
    expect(drift(generation, root)).toBe(
      `config/common.env:${line}: differs\n  current:  ${expected.split('\n')[line - 1]}\n  expected: ${original}\n`,
    );
  });

  it('says a generated file is missing', () => {
    rmSync(join(root, composeFile()));
    expect(drift(generation, root)).toBe(`${composeFile()}: missing\n`);
  });

  it('masks a secret added by hand to an env file, as a finding masks it', () => {
    edit('config/common.env', (text) => `${text}DB_PASSWORD=${CANARY}\nAPI_TOKEN="${CANARY}\nsecond line ${CANARY}"\n`);
    const output = drift(generation, root);
    expect(output).not.toContain(CANARY);
    expect(output).toContain('  current:  DB_PASSWORD=•••••\n');
    expect(output).toContain('  current:  API_TOKEN=•••••\n  current:  •••••\n');
  });

  it('masks a secret-named key, a credential and what their values go on with in a compose file', () => {
    const file = composeFile();
    edit(file, (text) =>
      text.replace(
        /^(\s+)environment:\n/m,
        (all, indent: string) =>
          `${all}${indent}  DB_PASSWORD: ${CANARY}\n${indent}  CACHE_URL: redis://:${CANARY}@cache:6379\n${indent}  SIGNING_KEY: |\n${indent}    ${CANARY}\n${indent}    ${CANARY}\n` +
          `${indent}  TLS: |\n${indent}    -----BEGIN PRIVATE KEY-----\n${indent}    ${CANARY}\n${indent}    -----END PRIVATE KEY-----\n${indent}  NOTE: |\n${indent}    plain text\n`,
      ),
    );
    const output = drift(generation, root);
    expect(output).not.toContain(CANARY);
    expect(output).toMatch(/^ {2}current: {2}\s+DB_PASSWORD: •••••$/m);
    expect(output).toMatch(/^ {2}current: {2}\s+CACHE_URL: •••••$/m);
    expect(output).toMatch(/^ {2}current: {2}\s+SIGNING_KEY: •••••\n {2}current: {2}\s+•••••\n {2}current: {2}\s+•••••$/m);
    expect(output).toMatch(/^ {2}current: {2}\s+TLS: \|\n(?: {2}current: {2}\s+•••••\n){3}/m);
    // What the judgement does not call a secret stays readable.
    expect(output).toMatch(/^ {2}current: {2}\s+plain text$/m);
  });

  it('masks every line of a secret example file', () => {
    const example = generation.files.find((file) => file.path.startsWith('secrets/'))?.path;
    expect(example).toBeDefined();
    edit(example as string, () => `${CANARY}\n`);
    const output = drift(generation, root);
    expect(output).not.toContain(CANARY);
    expect(output).toContain(`${example}:1: differs\n  current:  •••••\n`);
  });
});
