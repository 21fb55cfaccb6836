import { describe, expect, it } from 'vitest';

import { longInterpolation } from '../../bench/adversarial.js';
import { interpolate, interpolationMessage, needsInterpolation, type Lookup } from '../../src/compose/interpolate.js';

const variables = new Map<string, string>([
  ['FOO', 'first'],
  ['BAR', ''],
  ['foo', 'lower'],
  ['HIDDEN', 'not-for-messages'],
]);
const lookup: Lookup = (name) => variables.get(name);

function valueOf(template: string): string {
  const result = interpolate(template, lookup);
  expect(result.errors).toEqual([]);
  return result.value;
}

function errorsOf(template: string): string[] {
  return interpolate(template, lookup).errors.map((error) => interpolationMessage(error, 'the value'));
}

describe('interpolate: plain text and $', () => {
  it.each([
    ['foo', 'foo'],
    ['', ''],
    ['$$', '$'],
    ['$${foo}', '${foo}'],
    ['$$FOO', '$FOO'],
    ['a $ string', 'a $ string'],
    ['^REGEX$', '^REGEX$'],
    ['$}', '$}'],
    ['$', '$'],
    ['$1', '$1'],
    ['cost: 5$ (or $(date))', 'cost: 5$ (or $(date))'],
  ])('%j → %j', (template, expected) => {
    expect(valueOf(template)).toBe(expected);
    expect(interpolate(template, lookup).references).toEqual([]);
  });
});

describe('interpolate: $VAR and ${VAR}', () => {
  it.each([
    ['$FOO', 'first'],
    ['${FOO}', 'first'],
    ['$$$FOO', '$first'],
    ['This $FOO var', 'This first var'],
    ['This ${FOO} var', 'This first var'],
    ['This ${missing} var', 'This  var'],
    ['This ${BAR} var', 'This  var'],
    ['$FOO-bar', 'first-bar'],
    ['$FOO.bar', 'first.bar'],
    ['${FOO}${FOO}', 'firstfirst'],
    ['$foo', 'lower'],
    ['$FOO_X', ''],
  ])('%j → %j', (template, expected) => {
    expect(valueOf(template)).toBe(expected);
  });

  it('reports whether each variable is set, and where it is', () => {
    const { references } = interpolate('a $FOO b ${UNSET} c ${BAR}', lookup);
    expect(references.map(({ name, operator, isSet, replacement, fromArgument, start, end }) => ({
      name,
      operator,
      isSet,
      replacement,
      fromArgument,
      start,
      end,
    }))).toEqual([
      { name: 'FOO', operator: '', isSet: true, replacement: 'first', fromArgument: false, start: 2, end: 6 },
      { name: 'UNSET', operator: '', isSet: false, replacement: '', fromArgument: false, start: 9, end: 17 },
      { name: 'BAR', operator: '', isSet: true, replacement: '', fromArgument: false, start: 20, end: 26 },
    ]);
  });
});

describe('interpolate: operators on a set, empty and unset variable', () => {
  // FOO is set to "first", BAR is set but empty, UNSET is not set.
  it.each([
    ['${FOO:-def}', 'first', true, false],
    ['${BAR:-def}', 'def', false, true],
    ['${UNSET:-def}', 'def', false, true],
    ['${FOO-def}', 'first', true, false],
    ['${BAR-def}', '', true, false],
    ['${UNSET-def}', 'def', false, true],
    ['${FOO:+alt}', 'alt', true, true],
    ['${BAR:+alt}', '', false, false],
    ['${UNSET:+alt}', '', false, false],
    ['${FOO+alt}', 'alt', true, true],
    ['${BAR+alt}', 'alt', true, true],
    ['${UNSET+alt}', '', false, false],
    ['${FOO:?err}', 'first', true, false],
    ['${FOO?err}', 'first', true, false],
    ['${BAR?err}', '', true, false],
  ])('%j → %j', (template, expected, isSet, fromArgument) => {
    const result = interpolate(template, lookup);
    expect(result.errors).toEqual([]);
    expect(result.value).toBe(expected);
    expect(result.references).toHaveLength(1);
    expect(result.references[0]).toMatchObject({ isSet, fromArgument, replacement: expected, start: 0, end: template.length });
  });

  // Compose adds the message written after `?`; planes names the variable and where, never that text.
  it.each([
    ['${BAR:?err}', 'required variable BAR is missing a value (the value, at its character 1): set it'],
    ['${UNSET:?err}', 'required variable UNSET is missing a value (the value, at its character 1): set it'],
    ['${UNSET?err}', 'required variable UNSET is missing a value (the value, at its character 1): set it'],
    ['${UNSET:?}', 'required variable UNSET is missing a value (the value, at its character 1): set it'],
    ['${UNSET?}', 'required variable UNSET is missing a value (the value, at its character 1): set it'],
    ['not ok ${UNSET:?Mandatory Variable Unset}', 'required variable UNSET is missing a value (the value, at its character 8): set it'],
  ])('%j is an error: %j', (template, message) => {
    const result = interpolate(template, lookup);
    expect(errorsOf(template)).toEqual([message]);
    expect(result.references[0]).toMatchObject({ isSet: false, replacement: '' });
  });

  it('keeps the operator and the argument as written', () => {
    const [reference] = interpolate('x${UNSET:-a $FOO b}y', lookup).references;
    expect(reference).toMatchObject({
      name: 'UNSET',
      operator: ':-',
      argument: 'a $FOO b',
      replacement: 'a first b',
      start: 1,
      end: 19,
    });
  });

  it('names the operator by what follows the name, whatever the argument holds', () => {
    expect(valueOf('${UNSET-myerror?msg}')).toBe('myerror?msg');
    expect(valueOf('${BAR:-/non:-alphanumeric}')).toBe('/non:-alphanumeric');
    expect(valueOf('${UNSET-:-x}')).toBe(':-x');
    expect(interpolate('${UNSET?bar-baz}', lookup).errors).toEqual([{ kind: 'required-variable-missing', variable: 'UNSET', start: 0, end: 16 }]);
    expect(interpolate('${FOO?bar-baz}', lookup).references[0]?.operator).toBe('?');
  });

  it('is not misled by operators in the text around a reference', () => {
    expect(valueOf('-ok ${BAR:-defaultValue}')).toBe('-ok defaultValue');
    expect(valueOf(':-ok ${BAR-defaultValue}')).toBe(':-ok ');
    expect(valueOf(':?ok ${BAR:-defaultValue}')).toBe(':?ok defaultValue');
    expect(valueOf('+ok ${BAR-defaultValue}')).toBe('+ok ');
  });
});

describe('interpolate: nesting and several references on a line', () => {
  it.each([
    ['${A:-${B:-x}}', 'x'],
    ['${UNSET:-${BAR-defaultValue}}', ''],
    ['ok ${UNSET-$FOO}', 'ok first'],
    ['ok ${UNSET-${FOO}}', 'ok first'],
    ['ok ${UNSET-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
    ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
    ['${FOO:-a} and ${BAR:-b} and ${UNSET}', 'first and b and '],
    ['${UNSET:-a}b}', 'ab}'],
    ['${UNSET:-x}\n${UNSET:-y}', 'x\ny'],
    ['${UNSET:-$$}', '$'],
  ])('%j → %j', (template, expected) => {
    expect(valueOf(template)).toBe(expected);
  });

  it('lists the references inside an argument under the reference that holds them', () => {
    const [outer] = interpolate('${UNSET:-${FOO}}', lookup).references;
    expect(outer).toMatchObject({
      name: 'UNSET',
      argument: '${FOO}',
      isSet: false,
      fromArgument: true,
      replacement: 'first',
      start: 0,
      end: 16,
    });
    expect(outer?.nested).toEqual([
      { name: 'FOO', operator: '', isSet: true, replacement: 'first', fromArgument: false, start: 9, end: 15, nested: [] },
    ]);
  });

  it('interpolates an unused argument too, so an error inside it still counts', () => {
    const result = interpolate('${FOO:-${UNSET:?needed}}', lookup);
    expect(result.value).toBe('first');
    expect(result.errors).toEqual([{ kind: 'required-variable-missing', variable: 'UNSET', start: 7, end: 23 }]);
    expect(result.references[0]?.nested[0]).toMatchObject({ name: 'UNSET', operator: ':?', isSet: false });
  });

  it('closes an expression where compose does: it skips the character after each "{"', () => {
    // `{}` does not balance, so the argument runs past the first "}" that follows it.
    expect(valueOf('${UNSET:-{}}x}')).toBe('{}}x');
    expect(valueOf('${UNSET:-{x}}y')).toBe('{x}y');
  });
});

describe('interpolate: invalid templates are errors, not exceptions', () => {
  it.each([
    ['${'],
    ['${}'],
    ['${ }'],
    ['${ foo}'],
    ['${foo }'],
    ['${foo!}'],
    ['${FOO:}'],
    ['${1}'],
    ['${FOO:-x'],
    ['${FOO:-x\n}'],
    ['ok ${UNSET:-${B}'],
  ])('%j', (template) => {
    const messages = errorsOf(template);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^invalid interpolation format in the value, at its character \d+: .*write \$\$ for a literal \$$/);
  });

  it('points at the construct at fault and reads on after it', () => {
    const result = interpolate('a ${ b $FOO ${', lookup);
    expect(result.errors.map(({ start, end }) => [start, end])).toEqual([
      [2, 4],
      [12, 14],
    ]);
    expect(result.references.map((reference) => reference.name)).toEqual(['FOO']);
  });

  it('says what is missing after the name, and where, never quoting the text', () => {
    expect(errorsOf('ab${FOO:-x')).toEqual([
      'invalid interpolation format in the value, at its character 3: a "${" has no closing "}" on its line; write $$ for a literal $',
    ]);
    expect(errorsOf('${FOO!}')).toEqual([
      'invalid interpolation format in the value, at its character 1: the variable name after "${" must be followed by "}" or by one of :- - :? ? :+ + and a "}"; write $$ for a literal $',
    ]);
  });

  it('never puts a variable value, nor any text of the template, in a message', () => {
    // A secret that holds "${": what follows it would read as a variable name, an operator, a default.
    const canary = 'Cnry7Qx2Vb9';
    const messages = [
      ...errorsOf('${UNSET:?${HIDDEN}}'),
      ...errorsOf('${BAR:?$HIDDEN is not a reason}'),
      ...errorsOf('${HIDDEN:-x'),
      ...errorsOf(`pre\${${canary}`),
      ...errorsOf(`pre\${${canary}:-${canary}`),
      ...errorsOf(`\${UNSET:?${canary}}`),
      ...errorsOf(`\${ ${canary}}`),
    ];
    expect(messages).toHaveLength(7);
    for (const message of messages) {
      expect(message).not.toContain(variables.get('HIDDEN'));
      expect(message).not.toContain('HIDDEN');
      expect(message).not.toContain(canary);
    }
  });

  it('turns absurd nesting into an error instead of a stack overflow', () => {
    const depth = 5000;
    expect(errorsOf(`${'${UNSET:-'.repeat(depth)}x${'}'.repeat(depth)}`)).toEqual(['interpolation nested more than 100 levels deep in the value, at its character 901']);
  });
});

describe('interpolate: cost', () => {
  // bench/guards.ts times it.
  it('takes a long line of references followed by long text', () => {
    const { text, expected, references } = longInterpolation();
    const result = interpolate(text, lookup);
    expect(result.value).toBe(expected);
    expect(result.references).toHaveLength(references);
  });

  it('returns a string without $ as it is, without looking anything up', () => {
    let lookups = 0;
    const result = interpolate('plain value', () => {
      lookups++;
      return undefined;
    });
    expect(result).toEqual({ value: 'plain value', references: [], errors: [] });
    expect(lookups).toBe(0);
  });
});

describe('needsInterpolation', () => {
  it.each([
    ['plain', false],
    ['a $ string', false],
    ['^REGEX$', false],
    ['$1 and $}', false],
    ['$$', true],
    ['$FOO', true],
    ['x${FOO}', true],
    ['${', true],
    ['${}', true],
    ['price $ then $_x', true],
  ])('%j → %s', (template, expected) => {
    expect(needsInterpolation(template)).toBe(expected);
    const untouched = interpolate(template, lookup);
    const unchanged = untouched.value === template && untouched.references.length === 0 && untouched.errors.length === 0;
    expect(unchanged).toBe(!expected);
  });
});
