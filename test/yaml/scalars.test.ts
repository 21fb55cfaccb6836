import { describe, expect, it } from 'vitest';
import { formatGoNumber, resolvePlain, resolveTagged, ScalarTagError } from '../../src/yaml/scalars.js';

describe('resolvePlain', () => {
  it.each<[string, string | number | boolean | null, boolean]>([
    ['', null, false],
    ['TRUE', true, false],
    ['y', 'y', false],
    ['0', 0, false],
    ['-0x1F', -31, false],
    ['0x_1F', 31, false],
    ['012', 10, false],
    ['1_0.5', 10.5, true],
    ['0.', 0, true],
    ['+.5', 0.5, true],
    ['3.0e-5', 0.00003, true],
    ['.', '.', false],
    ['-', '-', false],
    ['+Inf', '+Inf', false],
    ['0x1p-2', 0.25, true],
    ['99999999999999999999', 1e20, true],
    ['1.0', 1, true],
  ])('%j', (text, value, float) => {
    expect(resolvePlain(text)).toEqual({ value, float });
  });

  it('reads .nan as NaN', () => {
    expect(Number.isNaN(resolvePlain('.NaN').value)).toBe(true);
  });
});

describe('resolveTagged', () => {
  it('refuses text that does not fit the tag', () => {
    expect(() => resolveTagged('abc', 'tag:yaml.org,2002:int')).toThrow(ScalarTagError);
    expect(() => resolveTagged('maybe', 'tag:yaml.org,2002:bool')).toThrow(ScalarTagError);
    expect(() => resolveTagged('x', 'tag:yaml.org,2002:null')).toThrow(ScalarTagError);
  });

  it('leaves the text of other tags as it is', () => {
    expect(resolveTagged('12', '!override')).toEqual({ value: '12', float: false });
    expect(resolveTagged('2001-12-14', 'tag:yaml.org,2002:timestamp')).toEqual({ value: '2001-12-14', float: false });
  });
});

describe('formatGoNumber (what docker compose config prints)', () => {
  it.each<[number, boolean, string]>([
    [420, false, '420'],
    [1000, true, '1000'],
    [1.5, true, '1.5'],
    [1e20, true, '1e+20'],
    [1234567, true, '1.234567e+06'],
    [1234567, false, '1234567'],
    [123456, true, '123456'],
    [0.000001, true, '1e-06'],
    [0.0001, true, '0.0001'],
    [3e-5, true, '3e-05'],
    [1, true, '1'],
    [-0, true, '-0'],
    [123456789012, false, '123456789012'],
    [Infinity, true, '+Inf'],
  ])('%d (float %s) → %s', (value, float, printed) => {
    expect(formatGoNumber(value, float)).toBe(printed);
  });
});
