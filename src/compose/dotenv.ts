/**
 * The env-file format of Compose (`.env` and `env_file:`), read as compose-go's `dotenv`
 * package reads it, quirks included, so that the checker sees the values the containers get.
 *
 * Compose rules this follows, some of them surprising:
 * - A statement may start anywhere, even after a closing quote on the same line:
 *   `A='x' B=y` sets both, `A="x" # note` is a comment after a value.
 * - `KEY: value` is accepted as well as `KEY=value`; `export ` before the key is ignored.
 * - An unquoted value runs to the end of its line, stops at the first ` #`, and loses its
 *   trailing blanks. Single quotes are literal (only `\'` is unescaped). Double quotes may span
 *   lines and expand `\n`, `\t`, `\0NNN`, … before interpolation; `\$` is a literal `$`.
 * - `${VAR}` in a value is looked up in the caller's environment first, then in the keys this
 *   file has set so far, then in the caller's fallback.
 * - A bare `KEY` line takes the caller's value, and is left out when the caller has none. On
 *   the last line, without a line break, compose instead reads it as the value of an empty key.
 */
import { InputError } from '../errors.js';
import { interpolate, type InterpolationError, type Lookup, type VariableReference } from './interpolate.js';

export interface DotenvEntry {
  key: string;
  /** Undefined only for an inherited key the lookup does not know: compose leaves it out. */
  value: string | undefined;
  /** 1-based; where the key starts (after any `export `). Columns count UTF-16 code units. */
  line: number;
  column: number;
  /** Where the value starts: its opening quote, its first character, or the key when inherited. */
  valueLine: number;
  valueColumn: number;
  /** The value as written, quotes included, before any unescaping or interpolation. */
  raw: string;
  /** A bare `KEY` line that takes its value from the lookup. */
  inherited: boolean;
  /** References interpolated into the value; offsets are in the unquoted, unescaped text. */
  references: VariableReference[];
  /** Interpolation problems in the value. Compose refuses the whole file when there is any. */
  errors: InterpolationError[];
}

const noLookup: Lookup = () => undefined;

/**
 * Every statement of an env file, in file order. Throws `InputError` for a line compose
 * refuses. `lookup` is the environment the file is read in (compose: the OS and project
 * environment); `fallback` answers after the file's own keys (compose, for a service's
 * `env_file`: the service environment and the env files read before this one).
 */
export function parseDotenv(text: string, file: string, lookup: Lookup = noLookup, fallback: Lookup = noLookup): DotenvEntry[] {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  return new DotenvParser(source, file, lookup, fallback).parse();
}

/** The variables the entries define: later entries override earlier ones. */
export function dotenvToMap(entries: readonly DotenvEntry[]): Map<string, string> {
  const variables = new Map<string, string>();
  for (const entry of entries) {
    if (entry.value !== undefined) variables.set(entry.key, entry.value);
  }
  return variables;
}

const BYTE_ORDER_MARK = '\uFEFF';
const NEWLINE = 0x0a;
const HASH = 0x23;
const EQUALS = 0x3d;
const COLON = 0x3a;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;
const KEY_RULE = 'a variable name may hold only letters, digits and _ . - [ ]';
const LINE_HINT = 'write KEY=value, or start the line with # to make it a comment';

interface ReadValue {
  raw: string;
  value: string;
  references: VariableReference[];
  errors: InterpolationError[];
  /** Where reading goes on after the value. */
  next: number;
}

class DotenvParser {
  private readonly lineStarts: number[] = [0];
  private readonly fileValues = new Map<string, string>();
  private readonly resolve: Lookup;

  constructor(
    private readonly source: string,
    private readonly file: string,
    private readonly lookup: Lookup,
    fallback: Lookup,
  ) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.resolve = (name) => lookup(name) ?? this.fileValues.get(name) ?? fallback(name);
  }

  parse(): DotenvEntry[] {
    const entries: DotenvEntry[] = [];
    let at = this.statementStart(0);
    while (at < this.source.length) at = this.statementStart(this.parseStatement(at, entries));
    return entries;
  }

  /** Skips blank space, line breaks and comments; returns where the next statement starts. */
  private statementStart(from: number): number {
    const { source } = this;
    let at = from;
    for (;;) {
      while (at < source.length && isUnicodeSpace(source.charCodeAt(at))) at++;
      if (at >= source.length || source.charCodeAt(at) !== HASH) return at;
      const lineEnd = source.indexOf('\n', at);
      if (lineEnd === -1) return source.length;
      at = lineEnd;
    }
  }

  /** Reads one statement and returns where reading goes on. */
  private parseStatement(start: number, entries: DotenvEntry[]): number {
    const { source } = this;
    const keyStart = this.afterExport(start);
    if (keyStart >= source.length) throw this.error(start, `"export" must be followed by a variable name; ${LINE_HINT}`);

    const separator = this.keySeparator(keyStart);
    if (separator === -1) {
      // No "=", ":" or line break before the end: compose reads the rest as an empty key's value.
      return this.readValue(entries, '', keyStart, keyStart);
    }
    const key = trimEndUnicodeSpace(source.slice(keyStart, separator));
    if (key.includes(' ')) throw this.error(keyStart, `key cannot contain a space; ${LINE_HINT}`);

    if (source.charCodeAt(separator) === NEWLINE) {
      this.readInherited(entries, key, keyStart);
      return separator + 1;
    }

    let valueStart = separator + 1;
    while (valueStart < source.length && isBlank(source.charCodeAt(valueStart))) valueStart++;
    return this.readValue(entries, key, keyStart, valueStart);
  }

  /** A bare `KEY` line: only the lookup answers it, not the file or the fallback. */
  private readInherited(entries: DotenvEntry[], key: string, keyStart: number): void {
    const value = this.lookup(key);
    if (value !== undefined) this.fileValues.set(key, value);
    const at = this.position(keyStart);
    entries.push({
      key,
      value,
      line: at.line,
      column: at.column,
      valueLine: at.line,
      valueColumn: at.column,
      raw: '',
      inherited: true,
      references: [],
      errors: [],
    });
  }

  /** Compose drops a leading `export` when blank space or a line break follows it. */
  private afterExport(start: number): number {
    const { source } = this;
    if (!source.startsWith('export', start) || !isGoRegexpSpace(source.charCodeAt(start + 6))) return start;
    let at = start + 6;
    while (at < source.length && isBlank(source.charCodeAt(at))) at++;
    return at;
  }

  /** The `=`, `:` or line break that ends the key starting at `keyStart`; -1 at the end of the text. */
  private keySeparator(keyStart: number): number {
    const { source } = this;
    for (let at = keyStart; at < source.length; ) {
      const c = source.codePointAt(at) ?? 0;
      if (c === EQUALS || c === COLON || c === NEWLINE) return at;
      if (!isBlank(c) && !isKeyChar(c)) {
        throw this.error(at, `unexpected character ${JSON.stringify(String.fromCodePoint(c))} in variable name; ${KEY_RULE}`);
      }
      at += c > 0xffff ? 2 : 1;
    }
    return -1;
  }

  private readValue(entries: DotenvEntry[], key: string, keyStart: number, valueStart: number): number {
    const quote = this.source.charCodeAt(valueStart);
    const quoted = quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE;
    const read = quoted ? this.readQuotedValue(valueStart, quote) : this.readUnquotedValue(valueStart);
    this.fileValues.set(key, read.value);
    const keyAt = this.position(keyStart);
    const valueAt = this.position(valueStart);
    entries.push({
      key,
      value: read.value,
      line: keyAt.line,
      column: keyAt.column,
      valueLine: valueAt.line,
      valueColumn: valueAt.column,
      raw: read.raw,
      inherited: false,
      references: read.references,
      errors: read.errors,
    });
    return read.next;
  }

  private readUnquotedValue(valueStart: number): ReadValue {
    const { source } = this;
    const lineBreak = source.indexOf('\n', valueStart);
    const line = source.slice(valueStart, lineBreak === -1 ? source.length : lineBreak);
    const comment = line.indexOf(' #');
    const raw = trimEndUnicodeSpace(comment === -1 ? line : line.slice(0, comment));
    return { raw, ...interpolate(raw, this.resolve), next: lineBreak === -1 ? source.length : lineBreak + 1 };
  }

  private readQuotedValue(open: number, quote: number): ReadValue {
    const { text, end } = this.readQuoted(open, quote);
    const raw = this.source.slice(open, end);
    if (quote === SINGLE_QUOTE) return { raw, value: text, references: [], errors: [], next: end };
    return { raw, ...interpolate(expandEscapes(text), this.resolve), next: end };
  }

  /** The text between the quotes with escaped quotes unescaped, and where the value ends. */
  private readQuoted(open: number, quote: number): { text: string; end: number } {
    const { source } = this;
    let text = '';
    let segmentStart = open + 1;
    for (let at = open + 1; at < source.length; ) {
      const c = source.charCodeAt(at);
      if (c === quote) return { text: text + source.slice(segmentStart, at), end: at + 1 };
      if (c !== BACKSLASH) {
        at++;
      } else if (source.charCodeAt(at + 1) === quote) {
        text += source.slice(segmentStart, at);
        segmentStart = at + 1;
        at += 2;
      } else {
        // Any other escaped character keeps its backslash; double quotes expand it later.
        at += 2;
      }
    }
    const mark = String.fromCharCode(quote);
    throw this.error(
      open,
      `unterminated quoted value: the ${mark} that opens this value is never closed; ` +
        `add the closing ${mark} (write \\${mark} for a ${mark} inside the value)`,
    );
  }

  private position(offset: number): { line: number; column: number } {
    const { lineStarts } = this;
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  }

  private error(offset: number, problem: string): InputError {
    return new InputError({ file: this.file, ...this.position(offset) }, problem);
  }
}

const SIMPLE_ESCAPES = new Map<string, string>([
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['v', '\v'],
  ['\\', '\\'],
  ['"', '"'],
  // `$$` is how interpolation spells a literal `$`.
  ['$', '$$'],
  // Compose recognises `\c` but cannot decode it, and keeps it as written.
  ['c', '\\c'],
]);

/** The escape sequences compose expands inside double quotes, with its results. */
function expandEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let segmentStart = 0;
  for (let at = 0; at < text.length; ) {
    if (text.charCodeAt(at) !== BACKSLASH || at + 1 >= text.length) {
      at++;
      continue;
    }
    const escaped = text.charAt(at + 1);
    let replacement = SIMPLE_ESCAPES.get(escaped);
    let length = 2;
    if (escaped === '0') {
      let digits = '';
      while (digits.length < 3 && isDigit(text.charCodeAt(at + 2 + digits.length))) digits += text.charAt(at + 2 + digits.length);
      replacement = octalEscape(digits);
      length += digits.length;
    }
    if (replacement === undefined) {
      at++;
      continue;
    }
    out += text.slice(segmentStart, at) + replacement;
    at += length;
    segmentStart = at;
  }
  return out + text.slice(segmentStart);
}

/**
 * `\0` and up to three digits: compose decodes exactly three octal digits up to 377, and
 * otherwise keeps the sequence without its `0` (`\012` stays `\12`).
 */
function octalEscape(digits: string): string {
  if (/^[0-7]{3}$/.test(digits)) {
    const code = Number.parseInt(digits, 8);
    if (code <= 0xff) return String.fromCharCode(code);
  }
  return `\\${digits}`;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Go's `unicode.IsSpace`, which compose uses between statements and to trim keys and values. */
function isUnicodeSpace(c: number): boolean {
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

/** Blank space inside a line, as compose's dotenv defines it: a line break is not blank. */
function isBlank(c: number): boolean {
  return c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d || c === 0x20 || c === 0x85 || c === 0xa0;
}

/** `\s` of Go's regular expressions, which decides whether `export` is a prefix. */
function isGoRegexpSpace(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

function isKeyChar(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      isDigit(c) ||
      c === 0x5f || // _
      c === 0x2e || // .
      c === 0x2d || // -
      c === 0x5b || // [
      c === 0x5d // ]
    );
  }
  return LETTER_OR_NUMBER.test(String.fromCodePoint(c));
}

function trimEndUnicodeSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isUnicodeSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}
