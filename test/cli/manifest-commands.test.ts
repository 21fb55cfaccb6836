import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { filesUnder } from '../support/project.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A copy of the reference stack's manifest in a fresh project directory. */
function project(manifest?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'planes-cli-'));
  mkdirSync(join(root, 'compose'));
  if (manifest === undefined) cpSync(join(REPO, 'compose', 'stack.yaml'), join(root, 'compose', 'stack.yaml'));
  else writeFileSync(join(root, 'compose', 'stack.yaml'), manifest);
  return root;
}

describe('planes generate', () => {
  it('writes every file of the reference stack, byte for byte the committed ones', () => {
    const root = project();
    const result = planes(['generate'], root);
    expect(result.status, result.stderr).toBe(0);
    for (const file of ['docker-compose.yml', 'docker-compose.prod.yml', 'config/common.env', 'config/dev.env', 'config/prod.env', 'secrets/llm_api_key.txt.example']) {
      expect(readFileSync(join(root, file), 'utf8'), file).toBe(readFileSync(join(REPO, file), 'utf8'));
    }
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toContain('secrets/*.txt\n');
  });

  it('--check passes on an up-to-date project and writes nothing', () => {
    const root = project();
    planes(['generate'], root);
    const before = filesUnder(root);
    const result = planes(['generate', '--check'], root);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(filesUnder(root)).toEqual(before);
  });

  it('--check exits 1 naming each line that drifted, as it is and as expected, and writes nothing', () => {
    const root = project();
    planes(['generate'], root);
    const edited = readFileSync(join(root, 'config/common.env'), 'utf8').replace('LOG_LEVEL=INFO', 'LOG_LEVEL=DEBUG');
    writeFileSync(join(root, 'config/common.env'), edited);
    const result = planes(['generate', '--check'], root);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('config/common.env:4: differs\n  current:  LOG_LEVEL=DEBUG\n  expected: LOG_LEVEL=INFO\n');
    expect(result.stderr).toContain('run `planes generate`');
    expect(readFileSync(join(root, 'config/common.env'), 'utf8')).toBe(edited);
  });

  it('--check reports a missing generated file', () => {
    const root = project();
    const result = planes(['generate', '--check'], root);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^docker-compose\.prod\.yml: missing$/m);
    expect(existsSync(join(root, 'docker-compose.prod.yml'))).toBe(false);
  });

  it.each([
    ['an empty manifest', ''],
    ['a manifest that is not YAML', 'name: [shop\n'],
    ['a manifest with an unknown key', readFileSync(join(REPO, 'compose', 'stack.yaml'), 'utf8') + 'extra: 1\n'],
  ])('refuses %s with file:line, exit 2, no stack trace, nothing written', (_, manifest) => {
    const root = project(manifest);
    const result = planes(['generate'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^planes: compose\/stack\.yaml:\d+:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(filesUnder(root)).toEqual(['compose/stack.yaml']);
  });

  it('refuses a missing manifest with exit 2', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-cli-'));
    const result = planes(['generate'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('compose/stack.yaml: no manifest here');
  });

  it('leaves the previous files whole when the new manifest is bad', () => {
    const root = project();
    planes(['generate'], root);
    const before = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    writeFileSync(join(root, 'compose', 'stack.yaml'), readFileSync(join(root, 'compose', 'stack.yaml'), 'utf8').replace('LOG_LEVEL: INFO', 'LOG_PASSWORD: hunter2isverysecret'));
    const result = planes(['generate'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('compose/stack.yaml:');
    expect(result.stderr).not.toContain('hunter2isverysecret');
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toBe(before);
  });
});

describe('planes setup', () => {
  it('creates the dev secrets of the reference stack owner-only in a 0700 directory, and never overwrites them', () => {
    const root = project();
    const first = planes(['setup'], root);
    expect(first.status, first.stderr).toBe(0);
    const files = ['postgres_password', 'redis_password', 'session_signing_key', 'database_url', 'llm_api_key'].map((n) => join(root, 'secrets', `${n}.txt`));
    expect(statSync(join(root, 'secrets')).mode & 0o777).toBe(0o700);
    // 0400 where every service that mounts the secret asks for it (Compose bind-mounts the file), else 0600.
    expect(files.map((file) => statSync(file).mode & 0o777)).toEqual([0o600, 0o600, 0o400, 0o400, 0o400]);
    const values = files.map((file) => readFileSync(file, 'utf8'));
    for (const value of values) expect(first.stderr).not.toContain(value);
    const second = planes(['setup'], root);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('0 created, 5 already there');
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(values);
  });

  it('exits 1 and says which file to copy when an operator must provide a secret', () => {
    const root = project(readFileSync(join(REPO, 'compose', 'stack.yaml'), 'utf8').replace('    dev: example\n', ''));
    const result = planes(['setup'], root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('secrets/llm_api_key.txt (API key of the LLM provider, provided by an operator): cp secrets/llm_api_key.txt.example secrets/llm_api_key.txt');
    expect(existsSync(join(root, 'secrets', 'postgres_password.txt'))).toBe(true);
  });
});

describe('planes plan', () => {
  it('prints every setting of every environment with its plane and where it lands', () => {
    const result = planes(['plan'], REPO);
    expect(result.status, result.stderr).toBe(0);
    const dev = result.stdout.slice(0, result.stdout.indexOf('prod:'));
    const prod = result.stdout.slice(result.stdout.indexOf('prod:'));
    // db reads only POSTGRES_USER and POSTGRES_DB, but env files are per environment: it receives DEBUG too.
    expect(dev).toMatch(/DEBUG\s+config\s+api,worker,db\s+env_file config\/dev\.env: DEBUG/);
    expect(dev).toMatch(/database_url\s+secret\s+worker\s+\/run\/secrets\/database_url \(DATABASE_URL_FILE\) <- file secrets\/database_url\.txt, rendered by planes setup from the template of postgres_password/);
    expect(dev).toMatch(/postgres_password\s+secret\s+api,db\s+\/run\/secrets\/postgres_password \(DB_PASSWORD_FILE\), \/run\/secrets\/postgres_password \(POSTGRES_PASSWORD_FILE\) <- file secrets\/postgres_password\.txt/);
    expect(dev).toMatch(/pip_index_token\s+build\s+api,worker\s+BuildKit secret id=pip_index_token <- variable PIP_INDEX_TOKEN/);
    expect(prod).toMatch(/llm_api_key\s+external\s+api,worker\s+\/run\/secrets\/llm_api_key \(LLM_API_KEY_FILE\) <- Swarm secret shop_llm_api_key/);
    expect(prod).toMatch(/pip_index_token\s+build\s+api,worker\s+not in the stack file; CI builds with docker buildx build --secret id=pip_index_token,env=PIP_INDEX_TOKEN/);
  });

  it('--json gives the same rows to programs', () => {
    const rows = JSON.parse(planes(['plan', '--json'], REPO).stdout) as { environment: string; setting: string; plane: string }[];
    expect(rows.filter((r) => r.environment === 'prod' && r.plane === 'external').map((r) => r.setting)).toEqual(['postgres_password', 'redis_password', 'session_signing_key', 'database_url', 'llm_api_key']);
  });
});

describe('planes schema', () => {
  it('prints the committed JSON Schema', () => {
    expect(planes(['schema'], REPO).stdout).toBe(readFileSync(join(REPO, 'schema', 'stack.schema.json'), 'utf8'));
  });
});

describe('templated secrets through the commands', () => {
  const MANIFEST = `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  USER: app
secrets:
  pw: { description: an operator value }
  url: { template: "postgresql://{{ config.USER }}:{{ secret.pw | urlencode }}@db/shop" }
services:
  api: { image: api:1, secrets: [url] }
`;
  const canaries = ['canary-one-7f3a9c', 'canary-two-51be0d'];

  it('setup renders, check reports a rendering its inputs left behind without showing either value, and setup renders it anew', () => {
    const root = project(MANIFEST);
    expect(planes(['generate'], root).status).toBe(0);
    mkdirSync(join(root, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, 'secrets/pw.txt'), canaries[0]!, { mode: 0o600 });
    const setup = planes(['setup'], root);
    expect(setup.status, setup.stderr).toBe(0);
    expect(setup.stderr).toContain('rendered secrets/url.txt from its template');
    expect(planes(['check'], root).status).toBe(0);

    writeFileSync(join(root, 'secrets/pw.txt'), canaries[1]!, { mode: 0o600 });
    const stale = planes(['check', '--format', 'json'], root);
    expect(stale.status).toBe(1);
    expect(JSON.parse(stale.stdout).findings).toMatchObject([{ rule: 'drift', file: 'secrets/url.txt', line: 1, message: expect.stringContaining('run planes setup') }]);
    for (const canary of canaries) expect(`${stale.stdout}${stale.stderr}${setup.stdout}${setup.stderr}`.includes(canary)).toBe(false);

    expect(planes(['setup'], root).status).toBe(0);
    expect(readFileSync(join(root, 'secrets/url.txt'), 'utf8')).toContain(canaries[1]!);
    expect(planes(['check'], root).status).toBe(0);
  });

  it('plan shows the templated secret in the secret plane with the secrets it is built from', () => {
    const root = project(MANIFEST);
    const result = planes(['plan', '--json'], root);
    expect(result.status, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { setting: string; plane: string; lands: string }[];
    const url = rows.filter((row) => row.setting === 'url');
    expect(url.length).toBeGreaterThan(0);
    expect(JSON.stringify(url)).toContain('template of pw');
  });
});
