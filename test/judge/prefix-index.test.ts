import { describe, expect, it } from 'vitest';
import { PrefixIndex } from '../../src/judge/index.js';

describe('PrefixIndex', () => {
  const index = new PrefixIndex<string>(4, (value) => value);
  for (const value of ['pw', 'Zq8vN2', 'Zq8vN2mLp4', 'Zq8vXXXX', 'tail']) index.add(value);

  it.each([
    { text: 'Zq8vN2mLp4', start: 0, found: ['Zq8vN2', 'Zq8vN2mLp4'] },
    { text: 'x Zq8vN2 x', start: 2, found: ['Zq8vN2'] },
    { text: 'x Zq8vN2 x', start: 1, found: [] },
    { text: 'pwZq8vXXXX', start: 0, found: ['pw'] },
    { text: 'pwZq8vXXXX', start: 2, found: ['Zq8vXXXX'] },
    { text: 'a pw', start: 2, found: ['pw'] },
    { text: 'tail', start: 0, found: ['tail'] },
    { text: 'tai', start: 0, found: [] },
  ])('finds what "$text" holds at $start', ({ text, start, found }) => {
    expect([...index.startingAt(text, start)].sort()).toEqual([...found].sort());
  });

  it('finds nothing where nothing was added', () => {
    expect(new PrefixIndex<string>(8, (value) => value).startingAt('anything at all', 0)).toEqual([]);
  });
});
