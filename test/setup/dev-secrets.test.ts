import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseManifest } from '../../src/manifest/load.js';
import { setupDevSecrets } from '../../src/setup/dev-secrets.js';
import { randomSecret } from '../../src/setup/random.js';
import { filesUnder } from '../support/project.js';

const MANIFEST = parseManifest(
  `name: shop
environments: { dev: { target: compose, file: docker-compose.yml } }
secrets:
  db_password: { generate: { length: 40 } }
  signing_key: { generate: { length: 64, charset: hex } }
  llm_api_key: { description: LLM key, example: sk-your-key, dev: example }
  payment_key: { description: Payment provider key }
services:
  api: { image: shop/api }
`,
  'stack.yaml',
);

function root(): string {
  return mkdtempSync(join(tmpdir(), 'planes-setup-'));
}

describe('planes setup', () => {
  it('creates random secrets of the asked length and charset, 0600 in a 0700 directory', () => {
    const dir = root();
    const result = setupDevSecrets(MANIFEST, dir);
    expect(result.created).toEqual(['secrets/db_password.txt', 'secrets/signing_key.txt']);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    for (const file of result.created) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secrets/db_password.txt'), 'utf8')).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(readFileSync(join(dir, 'secrets/signing_key.txt'), 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fills a dev secret from its example when the manifest allows it, and lists the ones an operator must provide', () => {
    const dir = root();
    const result = setupDevSecrets(MANIFEST, dir);
    expect(result.fromExample).toEqual(['secrets/llm_api_key.txt']);
    expect(readFileSync(join(dir, 'secrets/llm_api_key.txt'), 'utf8')).toBe('sk-your-key');
    expect(result.missing).toEqual([{ name: 'payment_key', file: 'secrets/payment_key.txt', example: 'secrets/payment_key.txt.example', description: 'Payment provider key' }]);
  });

  it('never overwrites an existing secret file and is idempotent', () => {
    const dir = root();
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(join(dir, 'secrets/db_password.txt'), 'kept-as-it-is', { mode: 0o600 });
    const first = setupDevSecrets(MANIFEST, dir);
    expect(first.existing).toEqual(['secrets/db_password.txt']);
    expect(readFileSync(join(dir, 'secrets/db_password.txt'), 'utf8')).toBe('kept-as-it-is');
    const signing = readFileSync(join(dir, 'secrets/signing_key.txt'), 'utf8');

    const second = setupDevSecrets(MANIFEST, dir);
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(3);
    expect(readFileSync(join(dir, 'secrets/signing_key.txt'), 'utf8')).toBe(signing);
    expect(readdirSync(join(dir, 'secrets')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('tightens a secrets directory that others can read', () => {
    const dir = root();
    mkdirSync(join(dir, 'secrets'));
    chmodSync(join(dir, 'secrets'), 0o755);
    expect(setupDevSecrets(MANIFEST, dir).tightenedDirectory).toBe(true);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
  });
});

describe('planes setup never goes through a link', () => {
  /** The refusal setup gets; no secret file is created anywhere. */
  function refusal(dir: string): string {
    let caught: unknown;
    try {
      setupDevSecrets(MANIFEST, dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect(filesUnder(dir).filter((file) => file.endsWith('.txt'))).toEqual([]);
    return (caught as UsageError).message;
  }

  it('refuses a secrets/ that is a link to a shared directory, and leaves that directory as it was', () => {
    const dir = root();
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    symlinkSync(shared, join(dir, 'secrets'));
    expect(refusal(dir)).toMatch(/secrets\/ is a symbolic link to .*shared; planes keeps secrets in a real directory of the project: replace the link with a directory .*secrets\//);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(readdirSync(shared)).toEqual([]);
  });

  it('refuses a dangling secrets/<name>.txt link instead of reporting it created', () => {
    const dir = root();
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    symlinkSync(join(dir, 'elsewhere', 'db.txt'), join(dir, 'secrets', 'db_password.txt'));
    expect(refusal(dir)).toMatch(/secrets\/db_password\.txt is a symbolic link to .*db\.txt, which does not exist; planes keeps each secret in a regular file and never writes through a link: remove the link/);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
    expect(readdirSync(join(dir, 'secrets'))).toEqual(['db_password.txt']);
  });

  it('refuses a secret file that is a link to a file, even one that exists', () => {
    const dir = root();
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(join(dir, 'value'), 'v');
    symlinkSync(join(dir, 'value'), join(dir, 'secrets', 'signing_key.txt'));
    expect(refusal(dir)).toMatch(/secrets\/signing_key\.txt is a symbolic link to .*value; .*remove the link and put the value in a file of that name/);
    expect(lstatSync(join(dir, 'secrets', 'signing_key.txt')).isSymbolicLink()).toBe(true);
  });

  it('refuses a secrets that is a file, and a secret file that is a directory', () => {
    const dir = root();
    writeFileSync(join(dir, 'secrets'), 'not a directory');
    expect(refusal(dir)).toMatch(/secrets is a file; planes keeps secrets in a directory .*secrets\//);

    const other = root();
    mkdirSync(join(other, 'secrets', 'db_password.txt'), { recursive: true });
    expect(refusal(other)).toMatch(/secrets\/db_password\.txt is not a regular file/);
  });
});

describe('the mode of a secret file', () => {
  const withMounts = (mounts: string) =>
    parseManifest(
      `name: shop
environments: { dev: { target: compose, file: docker-compose.yml } }
secrets:
  key: { generate: { length: 32 } }
services:
${mounts}`,
      'stack.yaml',
    );

  it.each([
    ['every service asks for 0400', '  a: { image: x, secrets: { key: { mode: "0400" } } }\n  b: { image: y, secrets: { key: { mode: "0400" } } }\n', 0o400],
    ['the services ask for different modes', '  a: { image: x, secrets: { key: { mode: "0400" } } }\n  b: { image: y, secrets: [key] }\n', 0o600],
    ['a mode others could read', '  a: { image: x, secrets: { key: { mode: "0444" } } }\n', 0o600],
    ['no mode', '  a: { image: x, secrets: [key] }\n', 0o600],
  ])('%s', (_, mounts, expected) => {
    const dir = root();
    setupDevSecrets(withMounts(mounts), dir);
    expect(statSync(join(dir, 'secrets/key.txt')).mode & 0o777).toBe(expected);
  });
});

describe('random secrets', () => {
  it('use every character of the alphabet and nothing else', () => {
    const sample = randomSecret(20_000, 'base64url');
    expect(sample).toMatch(/^[A-Za-z0-9_-]{20000}$/);
    expect(new Set(sample).size).toBe(64);
  });

  it('differ from one call to the next', () => {
    expect(randomSecret(32, 'alphanumeric')).not.toBe(randomSecret(32, 'alphanumeric'));
  });
});

describe('planes setup renders templated secrets', () => {
  const TEMPLATED = (password = '{ description: an operator value }') => `name: shop
environments:
  dev: { target: compose, file: docker-compose.yml }
config:
  USER: app
secrets:
  pw: ${password}
  url: { template: "postgresql://{{ config.USER }}:{{ secret.pw | urlencode }}@db/shop" }
services:
  api: { image: api:1, secrets: [url] }
`;
  const withPassword = (value: string): string => {
    const dir = root();
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(join(dir, 'secrets/pw.txt'), value, { mode: 0o600 });
    return dir;
  };

  it('renders the file 0600 from its parts, and renders it again only when a part changed', () => {
    const dir = withPassword('p@ss/word');
    const first = setupDevSecrets(parseManifest(TEMPLATED(), 'stack.yaml'), dir);
    expect(first.rendered).toEqual(['secrets/url.txt']);
    expect(readFileSync(join(dir, 'secrets/url.txt'), 'utf8') === 'postgresql://app:p%40ss%2Fword@db/shop').toBe(true);
    expect(statSync(join(dir, 'secrets/url.txt')).mode & 0o777).toBe(0o600);

    expect(setupDevSecrets(parseManifest(TEMPLATED(), 'stack.yaml'), dir).rendered).toEqual([]);
    writeFileSync(join(dir, 'secrets/pw.txt'), 'other');
    expect(setupDevSecrets(parseManifest(TEMPLATED(), 'stack.yaml'), dir).rendered).toEqual(['secrets/url.txt']);
    expect(readFileSync(join(dir, 'secrets/url.txt'), 'utf8') === 'postgresql://app:other@db/shop').toBe(true);
  });

  it('renders from a part it creates in the same run', () => {
    const dir = root();
    const result = setupDevSecrets(parseManifest(TEMPLATED('{ generate: { length: 20 } }'), 'stack.yaml'), dir);
    expect(result.created).toEqual(['secrets/pw.txt']);
    expect(result.rendered).toEqual(['secrets/url.txt']);
    expect(readFileSync(join(dir, 'secrets/url.txt'), 'utf8')).toContain(readFileSync(join(dir, 'secrets/pw.txt'), 'utf8'));
  });

  it('waits for a part an operator must provide, writing nothing for it', () => {
    const dir = root();
    const result = setupDevSecrets(parseManifest(TEMPLATED(), 'stack.yaml'), dir);
    expect(result.waiting).toEqual([{ file: 'secrets/url.txt', parts: ['pw'] }]);
    expect(existsSync(join(dir, 'secrets/url.txt'))).toBe(false);
  });

  it.each([
    ['a rendering past the 500 KB Swarm allows', 'x'.repeat(600 * 1024), /stack\.yaml:8:\d+: the template renders to \d+ bytes, more than the 500 KB/],
    ['a space urlencode cannot carry', 'two words', /stack\.yaml:8:\d+: secrets\/pw\.txt holds a space/],
  ])('refuses %s at the template, writing nothing', (_, value, message) => {
    const dir = withPassword(value);
    expect(() => setupDevSecrets(parseManifest(TEMPLATED(), 'stack.yaml'), dir)).toThrow(message);
    expect(existsSync(join(dir, 'secrets/url.txt'))).toBe(false);
  });
});
