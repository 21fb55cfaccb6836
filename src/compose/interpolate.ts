/**
 * Compose variable interpolation of one string, with the results of compose-go's `template`
 * package (the reference implementation of `docker compose`), found by one left-to-right scan
 * instead of its backtracking regular expression.
 *
 * Compose rules this follows, some of them surprising:
 * - `$$` is a literal `$`; a `$` followed by anything but a name, `{` or `$` stays as it is.
 * - Names are `[A-Za-z_][A-Za-z0-9_]*`; `$FOO-bar` is `$FOO` followed by `-bar`.
 * - After `${NAME` and an operator, the expression may only close on its own line: compose's
 *   pattern reaches the last `}` of the line, then cuts back at the brace that balances the
 *   opening one (see `balancingBrace`).
 * - The argument of an operator is interpolated whether or not it is used, so an error inside
 *   an unused default still fails.
 */

export type Lookup = (name: string) => string | undefined;

export type Operator = '' | ':-' | '-' | ':?' | '?' | ':+' | '+';

export interface VariableReference {
  name: string;
  /** '' for `$V` and `${V}`. */
  operator: Operator;
  /** The default, alternative or error message as written; it may itself hold references. */
  argument?: string;
  /** Whether the variable is set (and, for the `:` operators, not empty). */
  isSet: boolean;
  /** The text this reference produced in the result. */
  replacement: string;
  /** The replacement is the argument (a default or an alternative), not the variable's value. */
  fromArgument: boolean;
  /** Offsets in the template: `start` at the `$`, `end` just past the reference. */
  start: number;
  end: number;
  /** References inside the argument. */
  nested: VariableReference[];
}

/**
 * A problem that makes compose refuse the string. It holds no text of the template but the
 * name of a required variable: around a malformed `${` may be any text, the middle of a
 * secret that holds a `${` among them. interpolationMessage names the position instead.
 */
export type InterpolationError = {
  /** Offsets in the template of the construct at fault. */
  start: number;
  end: number;
} & (
  | { kind: 'no-variable-name' | 'no-closing-brace' | 'unclosed-on-its-line' | 'nested-too-deep' }
  /** A `?` operator found no value for `variable`. */
  | { kind: 'required-variable-missing'; variable: string }
);

/** What is wrong, where in `subject` (`the value of DB_PASSWORD`): never the text around it. */
export function interpolationMessage(error: InterpolationError, subject: string): string {
  const at = `${subject}, at its character ${error.start + 1}`;
  switch (error.kind) {
    case 'no-variable-name':
      return `invalid interpolation format in ${at}: "\${" must be followed by a variable name; ${ESCAPE_HINT}`;
    case 'no-closing-brace':
      return `invalid interpolation format in ${at}: the variable name after "\${" must be followed by "}" or by one of :- - :? ? :+ + and a "}"; ${ESCAPE_HINT}`;
    case 'unclosed-on-its-line':
      return `invalid interpolation format in ${at}: a "\${" has no closing "}" on its line; ${ESCAPE_HINT}`;
    case 'nested-too-deep':
      return `interpolation nested more than ${MAX_NESTING} levels deep in ${at}`;
    case 'required-variable-missing':
      // Compose adds the message written after `?`: it may be any text, so it is left out.
      return `required variable ${error.variable} is missing a value (${at}): set it`;
  }
}

/** When `errors` is not empty compose fails, and `value` is only a best effort. */
export interface InterpolationResult {
  value: string;
  /** Top-level references in template order; those inside arguments are under `nested`. */
  references: VariableReference[];
  errors: InterpolationError[];
}

const DOLLAR = 0x24;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const ESCAPE_HINT = 'write $$ for a literal $';
// Compose nests without limit; this bound turns a pathological input into an error instead
// of a stack overflow.
const MAX_NESTING = 100;

/**
 * Whether `interpolate` could change the string: it holds a reference, a `${` or a `$$`.
 * Cheap enough to call on every scalar before deciding to interpolate it.
 */
export function needsInterpolation(template: string): boolean {
  for (let i = template.indexOf('$'); i !== -1; i = template.indexOf('$', i + 1)) {
    const next = template.charCodeAt(i + 1);
    if (next === DOLLAR || next === OPEN_BRACE || isNameStart(next)) return true;
  }
  return false;
}

export function interpolate(template: string, lookup: Lookup): InterpolationResult {
  const references: VariableReference[] = [];
  const errors: InterpolationError[] = [];
  if (!template.includes('$')) return { value: template, references, errors };
  const value = substitute({ template, lookup, errors }, 0, template.length, references, 0);
  return { value, references, errors };
}

interface Scan {
  template: string;
  lookup: Lookup;
  errors: InterpolationError[];
}

/** The extent of the current line inside one `substitute` range, computed once per line. */
interface LineCache {
  end: number;
  lastCloseBrace: number;
}

interface Replaced {
  text: string;
  end: number;
}

/** Interpolates `template[from, to)`, which compose treats as a template of its own. */
function substitute(scan: Scan, from: number, to: number, references: VariableReference[], depth: number): string {
  const { template } = scan;
  const line: LineCache = { end: -1, lastCloseBrace: -1 };
  let out = '';
  let literalFrom = from;
  let i = from;
  while (i < to) {
    if (template.charCodeAt(i) !== DOLLAR) {
      i++;
      continue;
    }
    const next = i + 1 < to ? template.charCodeAt(i + 1) : Number.NaN;
    let replaced: Replaced;
    if (next === DOLLAR) {
      replaced = { text: '$', end: i + 2 };
    } else if (isNameStart(next)) {
      replaced = substituteNamed(scan, i, to, references);
    } else if (next === OPEN_BRACE) {
      replaced = substituteBraced(scan, i, to, line, references, depth);
    } else {
      i++;
      continue;
    }
    out += template.slice(literalFrom, i) + replaced.text;
    i = replaced.end;
    literalFrom = i;
  }
  return out + template.slice(literalFrom, to);
}

function substituteNamed(scan: Scan, start: number, to: number, references: VariableReference[]): Replaced {
  const end = nameEnd(scan.template, start + 1, to);
  const name = scan.template.slice(start + 1, end);
  const value = scan.lookup(name);
  const replacement = value ?? '';
  references.push({ name, operator: '', isSet: value !== undefined, replacement, fromArgument: false, start, end, nested: [] });
  return { text: replacement, end };
}

function substituteBraced(
  scan: Scan,
  start: number,
  to: number,
  line: LineCache,
  references: VariableReference[],
  depth: number,
): Replaced {
  const { template } = scan;
  const nameStart = start + 2;
  if (nameStart >= to || !isNameStart(template.charCodeAt(nameStart))) {
    return invalid(scan, start, 'no-variable-name');
  }
  const afterName = nameEnd(template, nameStart, to);
  const name = template.slice(nameStart, afterName);
  if (afterName < to && template.charCodeAt(afterName) === CLOSE_BRACE) {
    const value = scan.lookup(name);
    const replacement = value ?? '';
    const end = afterName + 1;
    references.push({ name, operator: '', isSet: value !== undefined, replacement, fromArgument: false, start, end, nested: [] });
    return { text: replacement, end };
  }

  const operatorEnd = operatorEndAt(template, afterName, to);
  if (operatorEnd === -1) {
    return invalid(scan, start, 'no-closing-brace');
  }
  const lastCloseBrace = lastCloseBraceOnLine(template, line, operatorEnd, to);
  if (lastCloseBrace === -1) {
    return invalid(scan, start, 'unclosed-on-its-line');
  }
  const close = balancingBrace(template, start, lastCloseBrace + 1);
  const end = close + 1;
  const operator = template.slice(afterName, operatorEnd) as Exclude<Operator, ''>;
  const argument = template.slice(operatorEnd, close);
  const nested: VariableReference[] = [];
  let argumentValue = '';
  if (depth < MAX_NESTING) {
    argumentValue = substitute(scan, operatorEnd, close, nested, depth + 1);
  } else {
    scan.errors.push({ kind: 'nested-too-deep', start, end });
  }

  const outcome = applyOperator(operator, scan.lookup(name), argumentValue);
  if (outcome.missing) scan.errors.push({ kind: 'required-variable-missing', variable: name, start, end });
  const { isSet, replacement, fromArgument } = outcome;
  references.push({ name, operator, argument, isSet, replacement, fromArgument, start, end, nested });
  return { text: replacement, end };
}

interface Outcome {
  isSet: boolean;
  replacement: string;
  fromArgument: boolean;
  /** A `?` operator found no value. */
  missing: boolean;
}

function applyOperator(operator: Exclude<Operator, ''>, value: string | undefined, argumentValue: string): Outcome {
  const isSet = value !== undefined && (value !== '' || !operator.startsWith(':'));
  switch (operator) {
    case ':-':
    case '-':
      return { isSet, replacement: isSet ? (value ?? '') : argumentValue, fromArgument: !isSet, missing: false };
    case ':+':
    case '+':
      return { isSet, replacement: isSet ? argumentValue : (value ?? ''), fromArgument: isSet, missing: false };
    case ':?':
    case '?':
      return { isSet, replacement: isSet ? (value ?? '') : '', fromArgument: false, missing: !isSet };
  }
}

/** Compose drops the `${` it cannot read and goes on reading after it. */
function invalid(scan: Scan, start: number, kind: 'no-variable-name' | 'no-closing-brace' | 'unclosed-on-its-line'): Replaced {
  scan.errors.push({ kind, start, end: start + 2 });
  return { text: '', end: start + 2 };
}

function operatorEndAt(template: string, at: number, to: number): number {
  if (at < to && template.charCodeAt(at) === COLON) {
    return at + 1 < to && isOperatorChar(template.charCodeAt(at + 1)) ? at + 2 : -1;
  }
  return at < to && isOperatorChar(template.charCodeAt(at)) ? at + 1 : -1;
}

function isOperatorChar(c: number): boolean {
  return c === 0x2d || c === 0x2b || c === 0x3f; // - + ?
}

/** The last `}` in [from, end of from's line), within `to`; -1 when there is none. */
function lastCloseBraceOnLine(template: string, line: LineCache, from: number, to: number): number {
  if (from >= line.end) {
    let end = from;
    while (end < to && template.charCodeAt(end) !== NEWLINE) end++;
    let last = end - 1;
    while (last >= from && template.charCodeAt(last) !== CLOSE_BRACE) last--;
    line.end = end;
    line.lastCloseBrace = last;
  }
  return line.lastCloseBrace >= from ? line.lastCloseBrace : -1;
}

/**
 * Where compose closes the expression that starts at `start`: it counts braces and skips the
 * character after every `{` (so `{}` does not count as closed). Without a balancing brace the
 * expression runs to the last `}` of the line.
 */
function balancingBrace(template: string, start: number, to: number): number {
  let open = 0;
  for (let i = start; i < to; i++) {
    const c = template.charCodeAt(i);
    if (c === CLOSE_BRACE) {
      open--;
      if (open === 0) return i;
    } else if (c === OPEN_BRACE) {
      open++;
      i++;
    }
  }
  return to - 1;
}

function nameEnd(template: string, from: number, to: number): number {
  let end = from;
  while (end < to && isNameChar(template.charCodeAt(end))) end++;
  return end;
}

// Compose matches names case-insensitively, and Go's case folding puts LATIN SMALL LETTER
// LONG S and KELVIN SIGN in the same class as `s` and `k`.
const LONG_S = 0x017f;
const KELVIN_SIGN = 0x212a;

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === LONG_S || c === KELVIN_SIGN;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}
