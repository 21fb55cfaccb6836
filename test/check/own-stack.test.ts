import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/manifest.js';
import { writeFilesAtomically } from '../../src/fs/atomic.js';
import { generate } from '../../src/generate/index.js';
import { loadManifest } from '../../src/manifest/load.js';
import { setupDevSecrets } from '../../src/setup/dev-secrets.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reference stack as a new user has it after `just setup`: generated files and dev secrets. */
function referenceProject({ secrets = true } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'planes-own-'));
  cpSync(join(REPO, 'compose'), join(root, 'compose'), { recursive: true });
  const loaded = loadManifest(join(root, 'compose', 'stack.yaml'), root);
  writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })), { root });
  if (secrets) setupDevSecrets(loaded, root);
  return root;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=planes test', '-c', 'user.email=planes@example.test', ...args], { cwd, stdio: 'ignore' });
}

describe("the repository's own stack", () => {
  it('checks clean: dev file, Swarm stack file, env files, Dockerfile and drift', () => {
    const { report } = checkProject({ cwd: referenceProject(), environment: {} });
    expect(report.findings).toEqual([]);
    // docker-compose.yml, docker-compose.prod.yml, config/common.env, dev.env, prod.env, compose/api/Dockerfile
    expect(report.summary.files).toBe(6);
  });

  it('passes on a fresh clone, before planes setup: each missing dev secret file is a note', () => {
    const root = referenceProject({ secrets: false });
    git(root, 'init', '--quiet');
    git(root, 'add', '--all');
    git(root, 'commit', '--quiet', '-m', 'clone');
    const { report } = checkProject({ cwd: root, environment: {} });
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.findings.map((f) => `${f.rule} ${f.severity} ${f.key}`).sort()).toEqual(
      ['database_url', 'llm_api_key', 'postgres_password', 'redis_password', 'session_signing_key'].map((name) => `secret-file note ${name}`),
    );
  });

  it('is caught when a secret is put back into the environment of the generated file', () => {
    const root = referenceProject();
    const { report } = checkProject({ cwd: root, environment: {}, files: ['docker-compose.yml'], manifestPath: 'compose/stack.yaml' });
    expect(report.summary.errors).toBe(0);
    cpSync(join(REPO, 'test', 'check', 'fixtures', 'leaky-override.yml'), join(root, 'docker-compose.override.yml'));
    const leaky = checkProject({ cwd: root, environment: {}, files: ['docker-compose.yml', 'docker-compose.override.yml'] }).report;
    expect(leaky.findings.map((f) => [f.rule, f.file, f.key])).toEqual([['secret-in-environment', 'docker-compose.override.yml', 'DB_PASSWORD']]);
  });
});
