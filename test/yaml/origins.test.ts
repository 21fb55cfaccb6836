import { describe, expect, it } from 'vitest';
import { carry, copyNode, originOf, originsOf, put, remove, type Origin } from '../../src/yaml/origins.js';
import { parseYaml } from '../../src/yaml/parse.js';

const at = (line: number): Origin => ({ key: { file: 'f.yml', line, column: 1 }, value: { file: 'f.yml', line, column: 5 } });

describe('origins table', () => {
  it('records entries by container and key, mapping keys and list indexes apart', () => {
    const list = ['a'];
    const mapping = { a: 1 };
    put(list, 0, 'a', at(1));
    put(mapping, 'a', 1, at(2));
    expect(originOf(list, 0)).toEqual(at(1));
    expect(originOf(list, '0')).toBeUndefined();
    expect(originOf(mapping, 'a')).toEqual(at(2));
    expect(originOf({}, 'a')).toBeUndefined();
  });

  it('keeps a container plain data: its table is invisible to keys, JSON and symbols, and a spread or Object.assign copy has none', () => {
    const mapping: Record<string, unknown> = { a: 1 };
    const list: unknown[] = ['x'];
    put(mapping, 'a', 1, at(1));
    put(list, 0, 'x', at(2));
    expect(Object.keys(mapping)).toEqual(['a']);
    expect(Reflect.ownKeys(mapping)).toEqual(['a']);
    expect(Reflect.ownKeys(list)).toEqual(['0', 'length']);
    expect(JSON.stringify({ mapping, list })).toBe('{"mapping":{"a":1},"list":["x"]}');
    for (const copy of [{ ...mapping }, Object.assign({}, mapping), structuredClone(mapping)]) {
      expect(originsOf(copy).size).toBe(0);
      put(copy, 'a', 2, at(3));
      expect(originOf(mapping, 'a')).toEqual(at(1));
    }
    expect(originsOf([...list]).size).toBe(0);
  });

  it('copies entries to new containers, under the same or a new key', () => {
    const from = {};
    put(from, 'a', 1, at(1));
    put(from, 'b', 2, at(2));
    const to = copyNode(from);
    expect([...originsOf(to).keys()]).toEqual(['a', 'b']);
    const list: unknown[] = [];
    carry(from, 'b', list, 0);
    expect(originOf(list, 0)).toEqual(at(2));
    remove(to, 'a');
    expect(originOf(to, 'a')).toBeUndefined();
    expect(originOf(from, 'a')).toEqual(at(1));
  });
});

describe('writing entries with their origins', () => {
  it('carries a value with its origin, or a new value standing where the old one was written', () => {
    const from = { a: 'x', b: 'y' };
    put(from, 'a', 'x', at(1));
    put(from, 'b', 'y', at(2));
    const to: Record<string, unknown> = {};
    carry(from, 'a', to);
    carry(from, 'b', to, 'c', '/abs/y');
    expect(to).toEqual({ a: 'x', c: '/abs/y' });
    expect(originOf(to, 'a')).toBe(originOf(from, 'a'));
    expect(originOf(to, 'c')).toBe(originOf(from, 'b'));
  });

  it('drops the old origin when a value from nowhere known replaces it', () => {
    const mapping = {};
    put(mapping, 'a', 1, at(1));
    carry({ a: 2 }, 'a', mapping);
    expect(mapping).toEqual({ a: 2 });
    expect(originOf(mapping, 'a')).toBeUndefined();
  });

  it('copies a mapping or a list with every origin, !reset entries that have no value included', () => {
    const [document] = parseYaml('a: 1\nb: !reset null\nc: [x, y]\n', 'f.yml') as [Record<string, unknown[]>];
    const mapping = copyNode(document);
    expect(mapping).toEqual({ a: 1, c: ['x', 'y'] });
    expect([...originsOf(mapping)]).toEqual([...originsOf(document)]);
    expect(originOf(mapping, 'b')?.tag).toBe('!reset');
    const list = copyNode(document['c'] as unknown[]);
    expect(list).toEqual(['x', 'y']);
    expect(originOf(list, 1)).toBe(originOf(document['c'] as unknown[], 1));
    put(mapping, 'a', 2, at(9));
    expect(originOf(document, 'a')?.key?.line).toBe(1);
  });

  it('writes a __proto__ key as an entry, not as the prototype', () => {
    const mapping: Record<string, unknown> = {};
    put(mapping, '__proto__', { polluted: true }, at(1));
    expect(Object.getPrototypeOf(mapping)).toBe(Object.prototype);
    expect(Object.keys(copyNode(mapping))).toEqual(['__proto__']);
    expect(originOf(mapping, '__proto__')).toEqual(at(1));
  });
});
