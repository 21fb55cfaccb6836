import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { filesUnder, projectWith } from '../support/project.js';
import { migrated } from './support.js';

const PASSWORD = 'canary-Migrate-4a8e2f60-only-in-its-file';
const COMPOSE = `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PASSWORD}\n`;

function refusal(action: () => unknown): string {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as Error).message).not.toContain(PASSWORD);
  return (caught as Error).message;
}

describe('planes migrate writes its project', () => {
  it('never overwrites a secret file, even with --force; one holding the same value is left alone', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE, 'out/secrets/postgres_password.txt': 'theirs' });
    expect(refusal(() => migrated(root, { force: true }))).toMatch(/out\/secrets\/postgres_password\.txt already exists; planes never overwrites a secret file/);
    expect(filesUnder(join(root, 'out'))).toEqual(['secrets/postgres_password.txt']);
    expect(readFileSync(join(root, 'out/secrets/postgres_password.txt'), 'utf8')).toBe('theirs');

    // Migrating again over its own output, forced: the same value, so nothing to refuse.
    const again = projectWith({ 'compose.yaml': COMPOSE });
    migrated(again);
    migrated(again, { force: true });
    expect(readFileSync(join(again, 'out/secrets/postgres_password.txt'), 'utf8')).toBe(PASSWORD);
  });

  it('refuses an --out whose secrets/ is a link, and leaves what it points at as it was', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE, 'out/notes.txt': 'mine\n' });
    mkdirSync(join(root, 'shared'));
    chmodSync(join(root, 'shared'), 0o755);
    symlinkSync(join(root, 'shared'), join(root, 'out', 'secrets'));
    expect(refusal(() => migrated(root, { force: true }))).toMatch(/out\/secrets\/ is a symbolic link to .*shared; planes keeps secrets in a real directory of the project/);
    expect(statSync(join(root, 'shared')).mode & 0o777).toBe(0o755);
    expect(readdirSync(join(root, 'shared'))).toEqual([]);
    expect(filesUnder(join(root, 'out'))).toEqual(['notes.txt']);
  });

  it('refuses an --out that is a file', () => {
    const root = projectWith({ 'compose.yaml': COMPOSE, out: 'a file\n' });
    expect(refusal(() => migrated(root))).toMatch(/--out .*out is not a directory; name a new or empty directory/);
    expect(readFileSync(join(root, 'out'), 'utf8')).toBe('a file\n');
  });
});
