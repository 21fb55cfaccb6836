import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_ENV_SCRIPT } from '../../src/generate/secret-env.js';

const dir = mkdtempSync(join(tmpdir(), 'planes-secret-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = join(dir, 'secret-env.sh');
writeFileSync(script, SECRET_ENV_SCRIPT);
const secret = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/sh', [script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the wrapper of secrets given as variables (POSIX sh)', () => {
  it('sets each variable to its file, without trailing newlines, and runs the rest with its arguments intact', () => {
    const key = secret('key', 'k3y with $pecial "chars"\n\n');
    const other = secret('other', 'second');
    const result = run([`API_KEY=${key}`, `OTHER=${other}`, '--', '/bin/sh', '-c', 'printf "[%s][%s][%s]" "$API_KEY" "$OTHER" "$1"', 'sh', 'an argument with spaces']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('[k3y with $pecial "chars"][second][an argument with spaces]');
  });

  it('refuses a file it cannot read, naming it and the variable, without running anything', () => {
    const result = run([`API_KEY=${join(dir, 'missing')}`, '--', '/bin/echo', 'ran']);
    expect(result.status).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`cannot read ${join(dir, 'missing')} for API_KEY`);
  });

  it('refuses to start nothing', () => {
    expect(run([`API_KEY=${secret('k', 'v')}`, '--']).status).toBe(78);
  });
});
