import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverComposeFiles } from '../../src/compose/discover.js';
import { UsageError } from '../../src/errors.js';
import { projectWith } from '../support/project.js';

const noVariables = (): undefined => undefined;

function discover(root: string, files?: string[], variables: Record<string, string> = {}, from = root): string[] {
  return discoverComposeFiles({ files, searchFrom: from, cwd: root, lookup: (name) => variables[name] }).map((file) => file.slice(root.length + 1));
}

describe('discoverComposeFiles', () => {
  it("takes the first of Compose's default names, in Compose's order", () => {
    const all = projectWith({ 'docker-compose.yaml': '', 'docker-compose.yml': '', 'compose.yml': '', 'compose.yaml': '' });
    expect(discover(all)).toEqual(['compose.yaml']);
    expect(discover(projectWith({ 'docker-compose.yaml': '', 'docker-compose.yml': '', 'compose.yml': '' }))).toEqual(['compose.yml']);
    expect(discover(projectWith({ 'docker-compose.yaml': '', 'docker-compose.yml': '' }))).toEqual(['docker-compose.yml']);
    expect(discover(projectWith({ 'docker-compose.yaml': '' }))).toEqual(['docker-compose.yaml']);
  });

  it('adds the first override file found beside it', () => {
    expect(discover(projectWith({ 'compose.yaml': '', 'compose.override.yaml': '', 'compose.override.yml': '' }))).toEqual(['compose.yaml', 'compose.override.yml']);
    expect(discover(projectWith({ 'docker-compose.yml': '', 'docker-compose.override.yml': '' }))).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
  });

  it('looks in parent directories, as Compose does', () => {
    const root = projectWith({ 'compose.yaml': '', 'deep/down/.keep': '' });
    expect(discoverComposeFiles({ searchFrom: 'deep/down', cwd: root, lookup: noVariables })).toEqual([join(root, 'compose.yaml')]);
  });

  it('takes -f files in the order given, and COMPOSE_FILE when there is no -f', () => {
    const root = projectWith({ 'compose.yaml': '', 'a.yml': '', 'b.yml': '' });
    expect(discover(root, ['b.yml', 'a.yml'])).toEqual(['b.yml', 'a.yml']);
    expect(discover(root, [], { COMPOSE_FILE: 'a.yml:b.yml' })).toEqual(['a.yml', 'b.yml']);
    expect(discover(root, [], { COMPOSE_FILE: 'b.yml;a.yml', COMPOSE_PATH_SEPARATOR: ';' })).toEqual(['b.yml', 'a.yml']);
  });

  it('refuses a missing -f file, and a project without any compose file', () => {
    const root = projectWith({ 'compose.yaml': '' });
    expect(() => discover(root, ['missing.yml'])).toThrow(new UsageError('compose file missing.yml not found'));
    expect(() => discover(root, ['.'])).toThrow(new UsageError('compose file . is a directory, not a file; name a compose file with -f'));
    expect(() => discover(root, ['/dev/null'])).toThrow(new UsageError('compose file /dev/null is a character device, not a file; name a compose file with -f'));
    const empty = projectWith({ '.keep': '' });
    expect(() => discoverComposeFiles({ searchFrom: empty, cwd: empty, lookup: noVariables })).toThrow(UsageError);
  });
});
