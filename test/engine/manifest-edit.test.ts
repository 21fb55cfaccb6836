import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { setSecretVersion } from '../../src/engine/manifest-edit.js';

function changedLines(before: string, after: string): string[] {
  return createTwoFilesPatch('a', 'b', before, after, undefined, undefined, { context: 0 })
    .split('\n')
    .filter((line) => /^[+-][^+-]/.test(line));
}

describe('setSecretVersion', () => {
  it('adds one line to a block mapping of the reference manifest and changes nothing else', () => {
    const text = readFileSync('compose/stack.yaml', 'utf8');
    const edited = setSecretVersion(text, 'postgres_password', 2);
    expect(changedLines(text, edited)).toEqual(['+    version: 2']);
    expect(edited.indexOf('version: 2')).toBeLessThan(edited.indexOf('redis_password:'));
  });

  it('replaces an existing version in place', () => {
    const text = 'secrets:\n  a:\n    version: 2 # bumped by rotate\n    example: x\n';
    expect(setSecretVersion(text, 'a', 3)).toBe('secrets:\n  a:\n    version: 3 # bumped by rotate\n    example: x\n');
  });

  it('extends a flow mapping, keeping its spacing', () => {
    expect(setSecretVersion('secrets:\n  a: { source: { env: A } } # comment\n', 'a', 2)).toBe('secrets:\n  a: { source: { env: A }, version: 2 } # comment\n');
    expect(setSecretVersion('secrets:\n  a: {}\n', 'a', 2)).toBe('secrets:\n  a: { version: 2 }\n');
  });

  it('appends after a nested last value and at the end of a file without a final newline', () => {
    const text = '# top\nsecrets:\n  a:\n    generate:\n      length: 32\n  b:\n    example: y';
    expect(setSecretVersion(text, 'a', 2)).toBe('# top\nsecrets:\n  a:\n    generate:\n      length: 32\n    version: 2\n  b:\n    example: y');
    expect(setSecretVersion(text, 'b', 2)).toBe('# top\nsecrets:\n  a:\n    generate:\n      length: 32\n  b:\n    example: y\n    version: 2\n');
  });

  it('refuses a secret that is not a mapping of the manifest', () => {
    expect(() => setSecretVersion('secrets:\n  a: {}\n', 'b', 2)).toThrow(/secrets\.b/);
  });
});
