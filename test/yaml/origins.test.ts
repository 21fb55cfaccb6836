import { describe, expect, it } from 'vitest';
import { copyOrigin, copyOrigins, deleteOrigin, originOf, originsOf, setOrigin, type Origin } from '../../src/yaml/origins.js';

const at = (line: number): Origin => ({ key: { file: 'f.yml', line, column: 1 }, value: { file: 'f.yml', line, column: 5 } });

describe('origins table', () => {
  it('records entries by container and key, mapping keys and list indexes apart', () => {
    const list = ['a'];
    const mapping = { a: 1 };
    setOrigin(list, 0, at(1));
    setOrigin(mapping, 'a', at(2));
    expect(originOf(list, 0)).toEqual(at(1));
    expect(originOf(list, '0')).toBeUndefined();
    expect(originOf(mapping, 'a')).toEqual(at(2));
    expect(originOf({}, 'a')).toBeUndefined();
  });

  it('copies entries to new containers, under the same or a new key', () => {
    const from = { a: 1, b: 2 };
    setOrigin(from, 'a', at(1));
    setOrigin(from, 'b', at(2));
    const to = {};
    copyOrigins(from, to);
    expect([...originsOf(to).keys()]).toEqual(['a', 'b']);
    const list: unknown[] = [];
    copyOrigin(from, 'b', list, 0);
    expect(originOf(list, 0)).toEqual(at(2));
    deleteOrigin(to, 'a');
    expect(originOf(to, 'a')).toBeUndefined();
    expect(originOf(from, 'a')).toEqual(at(1));
  });
});
