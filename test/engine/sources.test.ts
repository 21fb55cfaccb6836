import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/engine/hash.js';
import { readSecretValue, SourceError, sourceOf, trimTrailingNewlines } from '../../src/engine/sources.js';
import type { Manifest } from '../../src/manifest/schema.js';

const root = mkdtempSync(join(tmpdir(), 'planes-sources-'));

function manifestWith(secrets: Manifest['secrets']): Manifest {
  return { name: 'shop', environments: {}, config: {}, secrets, build_secrets: {}, services: {} } as Manifest;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('sourceOf', () => {
  it('is the dev secret file when the manifest names no source', () => {
    expect(sourceOf(manifestWith({ db_password: { dev: 'required' } }), 'db_password')).toEqual({ file: 'secrets/db_password.txt' });
  });

  it('is the source the manifest names', () => {
    expect(sourceOf(manifestWith({ api_key: { dev: 'required', source: { env: 'API_KEY' } } }), 'api_key')).toEqual({ env: 'API_KEY' });
  });
});

describe('readSecretValue', () => {
  it('reads a file byte for byte, relative to the root', async () => {
    writeFileSync(join(root, 'value.txt'), 'line one\n');
    expect((await readSecretValue('s', { file: 'value.txt' }, root)).toString()).toBe('line one\n');
  });

  it('says which file is missing and how to create it', async () => {
    const error = await failure(readSecretValue('db_password', { file: 'secrets/db_password.txt' }, root));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toMatch(/secrets\/db_password\.txt does not exist.*planes setup/);
  });

  it('reads an environment variable, and says when it is not set', async () => {
    expect((await readSecretValue('s', { env: 'PLANES_TEST_VALUE' }, root, { PLANES_TEST_VALUE: 'v@lue' })).toString()).toBe('v@lue');
    expect((await failure(readSecretValue('s', { env: 'PLANES_TEST_VALUE' }, root, {}))).message).toMatch(/PLANES_TEST_VALUE is not set/);
  });

  it("takes a command's stdout without its trailing newlines, run by sh in the root", async () => {
    const value = await readSecretValue('s', { command: 'printf "%s\\n\\n" "$(basename "$PWD")-x"' }, root, { PATH: process.env.PATH });
    expect(value.toString()).toBe(`${root.split('/').at(-1)}-x`);
  });

  it('shows the stderr of a failing command, never its stdout', async () => {
    const error = await failure(readSecretValue('s', { command: 'printf "half-%s" printed-value; echo "vault: permission denied" >&2; exit 3' }, root, { PATH: process.env.PATH }));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.message).toMatch(/exited with status 3; it said:\nvault: permission denied/);
    expect(error.message).not.toContain('half-printed-value');
  });

  it('relays only the last lines of a failing command\'s stderr, a few hundred characters at most, credentials masked', async () => {
    const canary = 'CanaryEarly7Qx2Vb9';
    // A GitHub-token-shaped value, built so that no credential is written here.
    const token = `ghp_${'Synthetic0Token'.repeat(3).slice(0, 36)}`;
    // The canary is printed whole but written in two halves: the message quotes the command.
    const command = `printf '%s%s\\n' ${canary.slice(0, 6)} ${canary.slice(6)} >&2; i=0; while [ $i -lt 2000 ]; do echo "noise line $i" >&2; i=$((i+1)); done; echo "auth failed for ${token}" >&2; exit 5`;
    const error = await failure(readSecretValue('s', { command }, root, { PATH: process.env.PATH }));
    const said = error.message.slice(error.message.indexOf('it said:\n') + 'it said:\n'.length);
    expect(error.message).toMatch(/exited with status 5; it said:\n/);
    expect(said.split('\n').length).toBeLessThanOrEqual(5);
    expect(said.length).toBeLessThanOrEqual(301);
    expect(said).toContain('noise line 1999');
    expect(said).toMatch(/auth failed for <gh\*{11}\w\w, 40 chars>$/);
    expect(error.message).not.toContain(canary);
    expect(error.message).not.toContain(token);
  });

  it("masks, in a failing command's stderr, the values of the secret-named variables it runs with", async () => {
    const token = 'Vq3nX8pL2wR7tK9mZ4bY6cH1';
    const error = await failure(readSecretValue('s', { command: 'echo "vault: token $VAULT_TOKEN may not read secret/shop" >&2; exit 3' }, root, { PATH: process.env.PATH, VAULT_TOKEN: token, LOG_LEVEL: 'info' }));
    expect(error.message).toMatch(/it said:\nvault: token <Vq\*+H1, 24 chars> may not read secret\/shop$/);
    expect(error.message).not.toContain(token);
  });

  it('cuts one endless line of stderr without showing a word cut in half', async () => {
    const error = await failure(readSecretValue('s', { command: 'printf "%0500d" 7 >&2; printf " tail of the reason" >&2; exit 1' }, root, { PATH: process.env.PATH }));
    const said = error.message.slice(error.message.indexOf('it said:\n') + 'it said:\n'.length);
    expect(said).toBe('… tail of the reason');
  });

  it.each([['child_process'], ['net,child_process'], ['*']])('refuses to read a secret while NODE_DEBUG=%s would log what Node runs, and runs nothing', async (nodeDebug) => {
    const marker = join(root, `ran-${nodeDebug.replace(/\W/g, '')}`);
    const sources = [{ command: `touch ${marker}; echo value` }, { env: 'PLANES_TEST_VALUE' }, { file: 'value.txt' }];
    for (const source of sources) {
      const error = await failure(readSecretValue('s', source, root, { PATH: process.env.PATH, PLANES_TEST_VALUE: 'v', NODE_DEBUG: nodeDebug }));
      expect(error).toBeInstanceOf(SourceError);
      expect(error.message).toMatch(new RegExp(`^secret s: not read: NODE_DEBUG=.* unset NODE_DEBUG`));
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses to read a secret while DEBUG makes docker-modem log request bodies', async () => {
    const error = await failure(readSecretValue('s', { env: 'PLANES_TEST_VALUE' }, root, { PLANES_TEST_VALUE: 'v', DEBUG: 'modem' }));
    expect(error.message).toMatch(/DEBUG=modem makes docker-modem log request bodies/);
  });

  it('refuses an empty value', async () => {
    const error = await failure(readSecretValue('s', { env: 'EMPTY' }, root, { EMPTY: '' }));
    expect(error.message).toMatch(/empty value/);
  });
});

describe('trimTrailingNewlines and sha256Hex', () => {
  it('trims \\n and \\r\\n at the end only', () => {
    expect(trimTrailingNewlines(Buffer.from('a\nb\r\n\n')).toString()).toBe('a\nb');
  });

  it('hashes bytes as hex sha256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
