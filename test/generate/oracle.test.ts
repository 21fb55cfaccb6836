import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFilesAtomically } from '../../src/fs/atomic.js';
import { generate } from '../../src/generate/index.js';
import { parseManifest } from '../../src/manifest/load.js';
import { acceptedByTheirTool, dockerTools, run } from '../support/engine.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const available = dockerTools('generated files against docker compose config / docker stack config', ['compose', 'stack']);
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const manifests = [
  { name: 'the reference stack', text: readFileSync(join(REPO, 'compose', 'stack.yaml'), 'utf8') },
  ...readdirSync(FIXTURES).map((name) => ({ name, text: readFileSync(join(FIXTURES, name, 'stack.yaml'), 'utf8') })),
];

describe.skipIf(!available)('the real Docker tools accept what planes generates', () => {
  it.each(manifests)('$name', ({ text }) => {
    const root = mkdtempSync(join(tmpdir(), 'planes-oracle-'));
    roots.push(root);
    const loaded = parseManifest(text, 'compose/stack.yaml');
    writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })), { root });
    for (const environment of Object.values(loaded.manifest.environments)) {
      const verdict = acceptedByTheirTool(root, environment);
      expect(verdict.status, `${environment.file}: ${verdict.stderr}`).toBe(0);
    }
  });

  it('the committed files of the reference stack', () => {
    expect(run('docker', ['compose', '-f', 'docker-compose.yml', 'config', '-q'], REPO).status).toBe(0);
    expect(run('docker', ['stack', 'config', '-c', 'docker-compose.prod.yml'], REPO).status).toBe(0);
  });

  it('Compose reads the config plane from env_file and the secret plane from files', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-oracle-'));
    roots.push(root);
    const loaded = parseManifest(readFileSync(join(FIXTURES, 'swarm-conversions', 'stack.yaml'), 'utf8'), 'compose/stack.yaml');
    writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })), { root });
    const effective = JSON.parse(run('docker', ['compose', '-f', 'deploy/compose.yaml', 'config', '--format', 'json'], root).stdout);
    const app = effective.services.app;
    expect(app.environment).toEqual({
      GREETING: 'hello world',
      PORT: '8080',
      FEATURE_X: 'on',
      // Read literally (single quotes); `config` prints a literal $ as $$ so its output stays loadable.
      PATTERN: 'a $$dollar and #hash',
      DB_PASSWORD_FILE: '/run/secrets/db.pw',
      API_KEY_FILE: '/run/secrets/api_key',
    });
    expect(app.secrets).toEqual([
      // mode/uid/gid are Swarm's: Compose would ignore them on a bind-mounted file.
      { source: 'db_password', target: 'db.pw' },
      { source: 'api_key', target: '/run/secrets/api_key' },
    ]);
    expect(effective.secrets.db_password.file).toBe(join(root, 'secrets', 'db_password.txt'));
    // Paths the manifest gives from the project root reach the same places from deploy/.
    expect(effective.configs.site.file).toBe(join(root, 'app', 'site.conf'));
    const binds = (effective.services.db.volumes as { type: string; source: string }[]).filter((volume) => volume.type === 'bind');
    expect(binds.map((volume) => volume.source)).toEqual([join(root, 'db', 'init'), join(root, 'db', 'conf')]);
  });

  it('Swarm reads the config plane literally and the secrets as external', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-oracle-'));
    roots.push(root);
    const loaded = parseManifest(readFileSync(join(FIXTURES, 'swarm-conversions', 'stack.yaml'), 'utf8'), 'compose/stack.yaml');
    writeFilesAtomically(generate(loaded, root).files.map((f) => ({ ...f, path: join(root, f.path) })), { root });
    const stack = run('docker', ['stack', 'config', '-c', 'deploy/prod.yml'], root);
    expect(stack.status, stack.stderr).toBe(0);
    expect(stack.stdout).toContain('GREETING: hello world');
    expect(stack.stdout).toMatch(/api_key:\n\s+name: conv_api_key_v3\n\s+external: true/);
    expect(stack.stdout).not.toContain('container_name');
  });
});
