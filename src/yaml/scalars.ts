/**
 * What a YAML scalar means to Docker Compose, whose reader is go-yaml v3: YAML 1.2 booleans
 * and nulls (`on`, `off`, `yes`, `no` stay strings), but YAML 1.1 octals (`0644` is 420),
 * `_` between digits, and Go's number syntax (`0x1F`, `0o17`, `0b101`, `+12`).
 */

export interface Resolved {
  value: string | number | boolean | null;
  /** A float, which Compose prints in Go's `%v` form; an integer prints in decimal. */
  float: boolean;
}

/** Thrown for an explicit tag the text does not fit (`!!int abc`); the caller adds the position. */
export class ScalarTagError extends Error {}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const SPECIAL_FLOATS = new Map<string, number>([
  ['.inf', Infinity],
  ['.Inf', Infinity],
  ['.INF', Infinity],
  ['+.inf', Infinity],
  ['+.Inf', Infinity],
  ['+.INF', Infinity],
  ['-.inf', -Infinity],
  ['-.Inf', -Infinity],
  ['-.INF', -Infinity],
  ['.nan', NaN],
  ['.NaN', NaN],
  ['.NAN', NaN],
]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// Go's strconv.ParseInt with base 0: an optional sign, then 0x/0o/0b, a leading-0 octal, or decimal.
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
// Go's strconv.ParseFloat also reads hexadecimal floats.
const GO_HEX_FLOAT = /^[-+]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/;
const TIMESTAMP_START = /^[0-9]{4}-/;

const STRING: Resolved = { value: '', float: false };

function str(text: string): Resolved {
  return text === '' ? STRING : { value: text, float: false };
}

/** A plain (unquoted, untagged) scalar. */
export function resolvePlain(text: string): Resolved {
  const first = text.charCodeAt(0);
  // Most scalars are words: only these first characters can start anything but a string.
  switch (first) {
    case 0x7e /* ~ */:
    case 0x6e /* n */:
    case 0x4e /* N */:
      return NULLS.has(text) ? { value: null, float: false } : str(text);
    case 0x74 /* t */:
    case 0x54 /* T */:
      return TRUES.has(text) ? { value: true, float: false } : str(text);
    case 0x66 /* f */:
    case 0x46 /* F */:
      return FALSES.has(text) ? { value: false, float: false } : str(text);
    case 0x2e /* . */: {
      const special = SPECIAL_FLOATS.get(text);
      if (special !== undefined) return { value: special, float: true };
      return YAML_FLOAT.test(text) ? { value: Number(text), float: true } : str(text);
    }
    case 0x2b /* + */:
    case 0x2d /* - */: {
      const special = SPECIAL_FLOATS.get(text);
      if (special !== undefined) return { value: special, float: true };
      return resolveNumber(text);
    }
    default:
      if (Number.isNaN(first)) return { value: null, float: false };
      return first >= 0x30 && first <= 0x39 ? resolveNumber(text) : str(text);
  }
}

function resolveNumber(text: string): Resolved {
  // go-yaml reads `2001-12-14` as a timestamp, which Compose prints in Go's time format;
  // keeping the text is closer to what a user means and harmless to the checker.
  if (TIMESTAMP_START.test(text)) return str(text);
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const integer = parseGoInt(plain);
  if (integer !== undefined) return { value: integer, float: false };
  if (YAML_FLOAT.test(plain) || GO_HEX_FLOAT.test(plain)) return { value: Number(plainFloat(plain)), float: true };
  return str(text);
}

/** A scalar with an explicit tag; `tag` is the resolved tag (`tag:yaml.org,2002:int`) or a local one. */
export function resolveTagged(text: string, tag: string): Resolved {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
      return str(text);
    case 'tag:yaml.org,2002:null':
      if (!NULLS.has(text)) throw new ScalarTagError(`cannot read this !!null value as null`);
      return { value: null, float: false };
    case 'tag:yaml.org,2002:bool': {
      const lower = text.toLowerCase();
      if (['true', 'yes', 'on', 'y'].includes(lower)) return { value: true, float: false };
      if (['false', 'no', 'off', 'n'].includes(lower)) return { value: false, float: false };
      throw new ScalarTagError('cannot read this !!bool value as a boolean');
    }
    case 'tag:yaml.org,2002:int': {
      const integer = parseGoInt(text.replaceAll('_', ''));
      if (integer === undefined) throw new ScalarTagError('cannot read this !!int value as an integer');
      return { value: integer, float: false };
    }
    case 'tag:yaml.org,2002:float': {
      const special = SPECIAL_FLOATS.get(text);
      if (special !== undefined) return { value: special, float: true };
      const plain = text.replaceAll('_', '');
      const integer = parseGoInt(plain);
      if (integer !== undefined) return { value: integer, float: true };
      if (YAML_FLOAT.test(plain) || GO_HEX_FLOAT.test(plain)) return { value: Number(plainFloat(plain)), float: true };
      throw new ScalarTagError('cannot read this !!float value as a number');
    }
    case 'tag:yaml.org,2002:binary':
      return str(Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'));
    default:
      // Other tags, `!!timestamp` and local ones like `!override`, leave the text as it is.
      return str(text);
  }
}

function parseGoInt(text: string): number | undefined {
  if (!GO_INT.test(text)) return undefined;
  const negative = text.startsWith('-');
  const digits = negative || text.startsWith('+') ? text.slice(1) : text;
  let magnitude: number;
  if (digits.length > 1 && digits.startsWith('0')) {
    const radixLetter = digits.charAt(1).toLowerCase();
    if (radixLetter === 'x') magnitude = Number.parseInt(digits.slice(2), 16);
    else if (radixLetter === 'b') magnitude = Number.parseInt(digits.slice(2), 2);
    else if (radixLetter === 'o') magnitude = Number.parseInt(digits.slice(2), 8);
    else magnitude = Number.parseInt(digits.slice(1), 8);
  } else {
    magnitude = Number.parseInt(digits, 10);
  }
  // Past 64 bits Go's integer parsers give up and the text is read as a float.
  if (magnitude > 18446744073709551615) return undefined;
  return negative ? -magnitude : magnitude;
}

/** JavaScript's Number() reads neither a leading `+` before hex nor Go's hex floats; this does. */
function plainFloat(text: string): number {
  if (!GO_HEX_FLOAT.test(text)) return Number(text);
  const negative = text.startsWith('-');
  const body = text.replace(/^[-+]?0[xX]/, '');
  const [mantissa = '', exponent = '0'] = body.split(/[pP]/);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const value = (Number.parseInt(whole || '0', 16) + (fraction ? Number.parseInt(fraction, 16) / 16 ** fraction.length : 0)) * 2 ** Number(exponent);
  return negative ? -value : value;
}

/**
 * A number as Go's `fmt` prints it with `%v`, which is how Compose turns numbers in
 * `environment`, `labels` and `build.args` into strings: integers in decimal; floats in their
 * shortest form, switching to an exponent (of at least two digits) below 1e-4 and from 1e6 on.
 */
export function formatGoNumber(value: number, float: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (!float && Number.isInteger(value)) return BigInt(value).toString();
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(value);
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
}
