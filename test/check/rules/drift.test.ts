import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRules } from '../../../src/check/apply-rules.js';
import { buildContext } from '../../../src/check/context.js';
import type { Finding } from '../../../src/report/finding.js';
import { manifestForCheck } from '../../../src/check/manifest.js';
import { driftRule } from '../../../src/check/rules/drift.js';
import { writeFilesAtomically } from '../../../src/fs/atomic.js';
import { generate } from '../../../src/generate/index.js';
import { parseManifest, type LoadedManifest } from '../../../src/manifest/load.js';


const MANIFEST = [
  'name: demo',
  'environments:',
  '  dev: { target: compose, file: docker-compose.yml }',
  '  prod: { target: swarm, file: docker-compose.prod.yml }',
  'config:',
  '  LOG_LEVEL: INFO',
  '  DEBUG: { dev: "true", prod: "false" }',
  'secrets:',
  '  db_password: { generate: { length: 32 } }',
  '  api_key: { example: sk-your-key, source: { env: API_KEY } }',
  'services:',
  '  api:',
  '    image: demo/api:1',
  '    config: [LOG_LEVEL, DEBUG]',
  '    secrets:',
  '      db_password: { env: DB_PASSWORD_FILE }',
  '      api_key: { env: API_KEY_FILE }',
  '',
].join('\n');

/** A project as `planes generate` leaves it, then changed by `edit`; its manifest, loaded once. */
function generatedProject(edit: (root: string) => void = () => {}): { root: string; loaded: LoadedManifest } {
  const root = mkdtempSync(join(tmpdir(), 'planes-drift-'));
  const loaded = parseManifest(MANIFEST, 'compose/stack.yaml');
  writeFilesAtomically(generate(loaded, root).files.map((file) => ({ ...file, path: join(root, file.path) })), { root });
  edit(root);
  return { root, loaded };
}

function drifted(root: string, loaded: LoadedManifest, files = ['docker-compose.yml']): Finding[] {
  const { context } = buildContext({ files, swarm: false }, { cwd: root, environment: {}, manifest: manifestForCheck(loaded, root) });
  return applyRules([driftRule], context);
}

function replaceIn(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

/** 1-based line of the first line of `path` that contains `needle`. */
function lineOf(root: string, path: string, needle: string): number {
  return readFileSync(join(root, path), 'utf8').split('\n').findIndex((line) => line.includes(needle)) + 1;
}

const OUT_OF_DATE = 'out of date with compose/stack.yaml; run planes generate';
const MISSING = 'missing: it is generated from compose/stack.yaml; run planes generate';

const where = ({ rule, severity, file, line, column, service, key, path, message }: Finding) => ({ rule, severity, file, line, column, service, key, path, message });
const at = (file: string, line: number, column: number, message = OUT_OF_DATE) => ({ rule: 'drift', severity: 'error', file, line, column, service: null, key: null, path: null, message });

const cases: { name: string; edit: (root: string) => void; findings: (root: string) => ReturnType<typeof at>[] }[] = [
  { name: 'freshly generated', edit: () => {}, findings: () => [] },
  {
    name: 'a hand edit in the compose file: at the first character that differs',
    edit: (root) => replaceIn(join(root, 'docker-compose.yml'), 'image: demo/api:1', 'image: demo/api:2'),
    findings: (root) => [at('docker-compose.yml', lineOf(root, 'docker-compose.yml', 'image: demo/api:'), 21)],
  },
  {
    name: 'a hand edit in the stack file, checked from the dev context',
    edit: (root) => replaceIn(join(root, 'docker-compose.prod.yml'), 'external: true', 'file: ./secrets/db_password.txt'),
    findings: (root) => [at('docker-compose.prod.yml', lineOf(root, 'docker-compose.prod.yml', 'file: ./secrets'), 5)],
  },
  {
    name: 'a config file missing',
    edit: (root) => rmSync(join(root, 'config/common.env')),
    findings: () => [at('config/common.env', 1, 1, MISSING)],
  },
  {
    name: 'a line added at the end of an env file: at the end of what the manifest generates',
    edit: (root) => writeFileSync(join(root, 'config/dev.env'), `${readFileSync(join(root, 'config/dev.env'), 'utf8')}EXTRA=1\n`),
    findings: (root) => [at('config/dev.env', lineOf(root, 'config/dev.env', 'EXTRA=1'), 1)],
  },
  {
    name: 'a value changed in the prod env file and a secret example rewritten',
    edit: (root) => {
      replaceIn(join(root, 'config/prod.env'), 'DEBUG=false', 'DEBUG=true');
      writeFileSync(join(root, 'secrets/api_key.txt.example'), 'sk-another\n');
    },
    findings: (root) => [at('config/prod.env', lineOf(root, 'config/prod.env', 'DEBUG='), 7), at('secrets/api_key.txt.example', 1, 4)],
  },
  {
    name: 'the .gitignore entry removed: where planes would append it',
    edit: (root) => writeFileSync(join(root, '.gitignore'), 'node_modules/\n'),
    findings: () => [at('.gitignore', 2, 1)],
  },
  {
    name: "the .gitignore entry kept among the user's own lines",
    edit: (root) => writeFileSync(join(root, '.gitignore'), 'node_modules/\n/secrets/*.txt\ndist/\n'),
    findings: () => [],
  },
];

describe('drift', () => {
  it.each(cases)('$name', ({ edit, findings }) => {
    const { root, loaded } = generatedProject(edit);
    expect(drifted(root, loaded).map(where)).toEqual(findings(root));
  });

  it('nothing to compare without a manifest', () => {
    const { root } = generatedProject((root) => rmSync(join(root, 'config/common.env')));
    const { context } = buildContext({ files: ['docker-compose.yml'], swarm: false }, { cwd: root, environment: {} });
    expect(applyRules([driftRule], context)).toEqual([]);
  });

  it('reports a shared generated file once per context, the same way', () => {
    const { root, loaded } = generatedProject((root) => rmSync(join(root, 'config/prod.env')));
    const dev = drifted(root, loaded, ['docker-compose.yml']);
    const prod = drifted(root, loaded, ['docker-compose.prod.yml']);
    expect(prod).toEqual(dev);
    expect(dev.map(where)).toEqual([at('config/prod.env', 1, 1, MISSING)]);
  });
});
