import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { finishInterruptedWrite, writeFilesAtomically, type PlannedWrite, type WriteOptions } from '../../src/fs/index.js';
import { filesUnder, projectWith } from '../support/project.js';
import { snapshot } from '../support/faults.js';

const CANARY = 'canary-Atomic-0b7d4c19-must-appear-nowhere';

/** A directory outside every project of these tests. */
const ELSEWHERE = projectWith({});

/**
 * The writes with their paths made absolute under `root` (writeFilesAtomically takes both
 * forms; absolute paths keep a broken implementation from writing into the working directory).
 */
function under(root: string, writes: PlannedWrite[]): PlannedWrite[] {
  return writes.map((write) => ({ ...write, path: isAbsolute(write.path) ? write.path : join(root, write.path) }));
}

/** The refusal a write gets; the project must be as it was, with nothing staged left behind. */
function refusal(root: string, writes: PlannedWrite[], options: Partial<WriteOptions> = {}): string {
  const before = snapshot(root);
  let caught: unknown;
  try {
    writeFilesAtomically(under(root, writes), { root, ...options });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UsageError);
  const message = (caught as UsageError).message;
  expect(message).not.toContain(CANARY);
  expect(snapshot(root)).toEqual(before);
  return message;
}

describe('writeFilesAtomically', () => {
  it('writes every file, creating directories, and leaves nothing staged behind', () => {
    const root = projectWith({ 'compose/stack.yaml': 'name: x\n' });
    writeFilesAtomically(
      under(root, [
        { path: 'docker-compose.yml', content: 'a\n' },
        { path: 'config/common.env', content: 'B=1\n' },
        { path: 'deploy/x/prod.yml', content: 'c\n' },
      ]),
      { root },
    );
    expect(filesUnder(root)).toEqual(['compose/stack.yaml', 'config/common.env', 'deploy/x/prod.yml', 'docker-compose.yml']);
    expect(readFileSync(join(root, 'deploy/x/prod.yml'), 'utf8')).toBe('c\n');
    expect(readdirSync(root)).not.toContain('.planes-staging');
  });

  it('creates secrets/ owner-only, even when only an example goes there', () => {
    const root = projectWith({});
    writeFilesAtomically(under(root, [{ path: 'secrets/db.txt.example', content: 'example\n' }]), { root });
    expect(statSync(join(root, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['a path out of the project', '../escaped.yml', /escaped\.yml is outside the project/],
    ['an absolute path elsewhere', join(ELSEWHERE, 'escaped.yml'), /escaped\.yml is outside the project/],
    ['the project directory itself', '.', /is the project directory itself/],
    ['a directory', 'config', /config is a directory, where planes writes a file/],
    ['a secret file', 'secrets/db.txt', /secrets\/db\.txt is where planes keeps a secret file \(secrets\/\*\.txt\); planes never writes a generated file there/],
    ['the staging directory', '.planes-staging/x', /inside \.planes-staging\/, where planes stages its writes/],
  ])('refuses %s, writing none of the files', (_, path, message) => {
    const root = projectWith({ 'config/common.env': 'old\n', 'secrets/db.txt': CANARY });
    expect(refusal(root, [{ path: 'docker-compose.yml', content: 'new\n' }, { path, content: 'new\n' }])).toMatch(message);
    expect(existsSync(join(root, '..', 'escaped.yml'))).toBe(false);
    expect(existsSync(join(ELSEWHERE, 'escaped.yml'))).toBe(false);
  });

  it('refuses a symbolic link leading out of the project, at any component', () => {
    const outside = projectWith({ 'victim.yml': 'theirs\n' });
    const root = projectWith({});
    symlinkSync(join(outside, 'victim.yml'), join(root, 'docker-compose.yml'));
    symlinkSync(outside, join(root, 'config'));
    expect(refusal(root, [{ path: 'docker-compose.yml', content: 'new\n' }])).toMatch(/docker-compose\.yml is a symbolic link to .*victim\.yml, outside the project; planes writes only inside the project/);
    expect(refusal(root, [{ path: 'config/common.env', content: 'new\n' }])).toMatch(/config is a symbolic link to .*, outside the project/);
    expect(filesUnder(outside)).toEqual(['victim.yml']);
    expect(readFileSync(join(outside, 'victim.yml'), 'utf8')).toBe('theirs\n');
  });

  it('refuses a dangling link where a file goes', () => {
    const root = projectWith({});
    symlinkSync(join(root, 'nowhere', 'x.yml'), join(root, 'docker-compose.yml'));
    expect(refusal(root, [{ path: 'docker-compose.yml', content: 'new\n' }])).toMatch(/docker-compose\.yml is a symbolic link to .*, which does not exist: remove the link/);
  });

  it('follows a link that stays in the project, and then sees what it really writes', () => {
    const root = projectWith({ 'deploy/compose.yml': 'old\n', 'secrets/db.txt': CANARY, 'compose/stack.yaml': 'name: x\n' });
    symlinkSync('deploy/compose.yml', join(root, 'docker-compose.yml'));
    writeFilesAtomically(under(root, [{ path: 'docker-compose.yml', content: 'new\n' }]), { root });
    expect(readFileSync(join(root, 'deploy/compose.yml'), 'utf8')).toBe('new\n');

    symlinkSync('secrets', join(root, 'alias'));
    expect(refusal(root, [{ path: 'alias/db.txt', content: 'new\n' }])).toMatch(/alias\/db\.txt is where planes keeps a secret file/);
    expect(refusal(root, [{ path: 'deploy/compose.yml', content: 'a\n' }, { path: 'docker-compose.yml', content: 'b\n' }])).toMatch(/would be written twice/);
    symlinkSync('compose', join(root, 'manifests'));
    expect(refusal(root, [{ path: 'manifests/stack.yaml', content: 'new\n' }], { protect: [{ path: 'compose/stack.yaml', as: 'the manifest' }] })).toMatch(
      /manifests\/stack\.yaml is the manifest; planes never writes over it/,
    );
  });

  it('refuses the same file twice under two spellings', () => {
    const root = projectWith({});
    expect(refusal(root, [{ path: 'a.yml', content: '1\n' }, { path: 'x/../a.yml', content: '2\n' }])).toMatch(/a\.yml would be written twice/);
  });

  it('never follows a link to write a secret file, and never changes the mode of what a link points at', () => {
    const shared = projectWith({});
    chmodSync(shared, 0o755);
    const root = projectWith({});
    symlinkSync(shared, join(root, 'secrets'));
    expect(refusal(root, [{ path: 'secrets/db.txt', content: CANARY, mode: 0o600, secret: true }])).toMatch(
      /secrets is a symbolic link to .*; planes keeps secrets in real files and directories of the project and never writes through a link/,
    );
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(readdirSync(shared)).toEqual([]);
  });

  it('never overwrites a secret file; one that already holds the same value is left alone', () => {
    const root = projectWith({ 'secrets/db.txt': 'theirs' });
    expect(refusal(root, [{ path: 'docker-compose.yml', content: 'x\n' }, { path: 'secrets/db.txt', content: CANARY, mode: 0o600, secret: true }])).toMatch(
      /secrets\/db\.txt already exists; planes never overwrites a secret file/,
    );
    writeFilesAtomically(under(root, [{ path: 'secrets/db.txt', content: 'theirs', mode: 0o600, secret: true }]), { root });
    expect(readFileSync(join(root, 'secrets/db.txt'), 'utf8')).toBe('theirs');
  });

  it('creates a secret file with exactly its mode, in a directory it tightens to 0700', () => {
    const root = projectWith({});
    mkdirSync(join(root, 'secrets'));
    chmodSync(join(root, 'secrets'), 0o755);
    writeFilesAtomically(under(root, [{ path: 'secrets/db.txt', content: CANARY, mode: 0o400, secret: true }]), { root });
    expect(statSync(join(root, 'secrets/db.txt')).mode & 0o777).toBe(0o400);
    expect(statSync(join(root, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it('has nothing to finish in a project no planes command was interrupted in', () => {
    expect(finishInterruptedWrite(projectWith({}))).toBeUndefined();
  });
});
