import { describe, expect, it } from 'vitest';
import { dotenvToMap } from '../../src/compose/dotenv.js';
import { parseRawEnvFile } from '../../src/compose/raw-env-file.js';
import { InputError } from '../../src/errors.js';

const HOST: Record<string, string> = { FROM_HOST: 'host value' };
const lookup = (name: string): string | undefined => HOST[name];

function variables(text: string): Record<string, string> {
  return Object.fromEntries(dotenvToMap(parseRawEnvFile(text, 'raw.env', lookup)));
}

function refusal(text: string): InputError {
  try {
    parseRawEnvFile(text, 'raw.env', lookup);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

// docker run --env-file semantics, which Compose uses for `format: raw`.
describe('parseRawEnvFile', () => {
  it.each([
    ['quotes are kept', 'A="quoted"', { A: '"quoted"' }],
    ['no interpolation', 'B=${HOME}', { B: '${HOME}' }],
    ['# after a value is part of it', 'C=x # not a comment', { C: 'x # not a comment' }],
    ['trailing blanks are kept', 'D=value  ', { D: 'value  ' }],
    ['leading blanks are dropped', '   E=1', { E: '1' }],
    ['only the first = splits', 'F=a=b', { F: 'a=b' }],
    ['an empty value', 'G=', { G: '' }],
    ['export is part of no syntax', 'export H=1', undefined],
    ['a bare name takes the host value', 'FROM_HOST', { FROM_HOST: 'host value' }],
    ['a bare name the host lacks is left out', 'NOT_SET', {}],
    ['comments and blank lines are skipped', '# note\n\n  # indented\nI=1', { I: '1' }],
    ['CRLF line ends', 'J=1\r\nK=2\r\n', { J: '1', K: '2' }],
    ['a byte order mark on the first line', '\uFEFFL=1', { L: '1' }],
    ['a later line wins', 'M=1\nM=2', { M: '2' }],
  ])('%s', (_, text, expected) => {
    if (expected === undefined) expect(refusal(text).problem).toContain('blank');
    else expect(variables(text)).toEqual(expected);
  });

  it('locates keys and values', () => {
    const [entry] = parseRawEnvFile('# c\n  KEY=value', 'raw.env', lookup);
    expect(entry).toMatchObject({ key: 'KEY', line: 2, column: 3, valueLine: 2, valueColumn: 7, raw: 'value', inherited: false });
  });

  it.each([
    ['a line starting with =', '=secretvalue', 1, 'names no variable'],
    ['a name with a blank', 'MY VAR=secretvalue', 1, 'cannot hold a blank'],
    ['a bare name with trailing blanks', 'OK=1\nNAME  ', 2, 'cannot hold a blank'],
  ])('refuses %s at its line, without quoting it', (_, text, line, problem) => {
    const error = refusal(text);
    expect(error.position).toEqual({ file: 'raw.env', line, column: 1 });
    expect(error.problem).toContain(problem);
    expect(error.message).not.toContain('secretvalue');
  });
});
