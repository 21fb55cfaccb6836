import { classifyName, detectCredentials } from '../judge/index.js';

/**
 * Shell text that migration writes: reading a secret from its file where a command line held
 * it. Everything here is in the container's terms (a single `$`); escaping for
 * Compose interpolation happens once, when the manifest is assembled.
 */

export interface Substitution {
  text: string;
  replaced: number;
  /** Occurrences left in place: inside single quotes, where no shell expansion happens. */
  stuck: number;
}

/** `"$(cat /run/secrets/x)"`: the secret read where the command runs, never written on the line. */
export function readSecret(path: string): string {
  return `"$(cat ${path})"`;
}

/**
 * Where an occurrence counts as the secret: `anywhere` for a reference to a secret variable
 * (`$DB_PASSWORD`); `password` for a value that may also be an ordinary word (a weak password
 * equal to a user name): only where a password goes, after a password option (`-p`, `-P`,
 * `-a`, `--password`, `--requirepass`), as `NAME=`/`--opt=` of a secret-named key, or as a
 * credential in its own right.
 */
export type Positions = 'anywhere' | 'password';

/** Replaces each occurrence of `value` standing as a word of its own in a shell script by a read of the secret file. */
export function substituteInScript(script: string, value: string, path: string, positions: Positions): Substitution {
  if (value === '' || /[\s'"\\]/.test(value)) return { text: script, replaced: 0, stuck: countOccurrences(script, value) };
  let text = '';
  let replaced = 0;
  let stuck = 0;
  let quote: '' | "'" | '"' = '';
  for (let index = 0; index < script.length; ) {
    const char = script[index] as string;
    if (quote !== "'" && char === '\\') {
      text += script.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (script.startsWith(value, index) && standsAlone(script, index, value.length) && counts(script, index, value, positions)) {
      if (quote === "'") {
        stuck++;
        text += value;
      } else {
        replaced++;
        text += quote === '"' ? readSecret(path).slice(1, -1) : readSecret(path);
      }
      index += value.length;
      continue;
    }
    if (char === "'" && quote !== '"') quote = quote === "'" ? '' : "'";
    else if (char === '"' && quote !== "'") quote = quote === '"' ? '' : '"';
    text += char;
    index++;
  }
  return { text, replaced, stuck };
}

/** An exec-form command as one shell script, each secret read from its file where an argument held it in a password position. */
export function scriptOfArguments(args: readonly string[], secrets: readonly { value: string; path: string }[]): string {
  return args
    .map((arg, position) => {
      const spans = secrets
        .flatMap((secret) => occurrences(arg, secret.value, (index) => counts(arg, index, secret.value, 'password', args[position - 1])).map((start) => ({ start, end: start + secret.value.length, path: secret.path })))
        .sort((a, b) => a.start - b.start)
        .filter((span, index, all) => index === 0 || span.start >= (all[index - 1] as { end: number }).end);
      let word = '';
      let from = 0;
      for (const span of spans) {
        word += quoteWord(arg.slice(from, span.start)) + readSecret(span.path);
        from = span.end;
      }
      return word + quoteWord(arg.slice(from)) || "''";
    })
    .join(' ');
}

/** Whether `value` stands in `text` as a word of its own, wherever that is. */
export function containsStandingAlone(text: string, value: string): boolean {
  return occurrences(text, value, () => true).length > 0;
}

/** Whether an argument list puts `value` where a password goes. */
export function argumentsHoldPassword(args: readonly string[], value: string): boolean {
  return args.some((arg, index) => occurrences(arg, value, (at) => counts(arg, at, value, 'password', args[index - 1])).length > 0);
}

/** Splits a command line as Compose splits the string form of `command` and `entrypoint`: quotes and backslashes, no expansion. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '' | "'" | '"' = '';
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (quote === '' && /\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word ??= '';
    if (quote === '' && (char === "'" || char === '"')) quote = char;
    else if (char === quote) quote = '';
    else if (char === '\\' && quote !== "'" && index + 1 < line.length && (quote === '' || '"\\$`'.includes(line[index + 1] as string))) word += line[++index];
    else word += char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

function quoteWord(word: string): string {
  if (word === '') return '';
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where `value` stands alone in `text` and `accept` agrees, without overlaps. */
function occurrences(text: string, value: string, accept: (index: number) => boolean): number[] {
  if (value === '') return [];
  const found: number[] = [];
  for (let index = text.indexOf(value); index !== -1; index = text.indexOf(value, index + 1)) {
    if (index < (found.at(-1) ?? -Infinity) + value.length || !standsAlone(text, index, value.length) || !accept(index)) continue;
    found.push(index);
  }
  return found;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

function standsAlone(text: string, start: number, length: number): boolean {
  const before = text[start - 1];
  const after = text[start + length];
  const attachedToShortOption = text.slice(start - 2, start) === '-p' && !WORD_CHAR.test(text[start - 3] ?? ' ');
  return (before === undefined || !WORD_CHAR.test(before) || attachedToShortOption) && (after === undefined || !WORD_CHAR.test(after));
}

const PASSWORD_SHORT_OPTIONS: ReadonlySet<string> = new Set(['p', 'P', 'a', 'w', 'W']);
const PASSWORD_LONG_OPTIONS: ReadonlySet<string> = new Set(['requirepass', 'masterauth', 'storepass', 'keypass', 'passin', 'passout']);

function counts(text: string, index: number, value: string, positions: Positions, previousArgument?: string): boolean {
  if (positions === 'anywhere' || detectCredentials(value).some((match) => match.severity === 'error')) return true;
  if (text.slice(index - 2, index) === '-p') return true;
  const assigned = /(?:^|[^\w.-])-{0,2}([A-Za-z_][\w.-]*)=["']?$/.exec(text.slice(Math.max(0, index - 100), index));
  if (assigned) return isPasswordOption(assigned[1] as string);
  const before = text.slice(0, index).replace(/["']$/, '');
  const previous = before.trimEnd() === before ? previousArgument : before.trimEnd().split(/\s/).at(-1);
  const option = previous === undefined ? undefined : /^-{1,2}([A-Za-z][\w-]*)$/.exec(previous);
  return option !== undefined && option !== null && isPasswordOption(option[1] as string);
}

function isPasswordOption(name: string): boolean {
  return PASSWORD_SHORT_OPTIONS.has(name) || PASSWORD_LONG_OPTIONS.has(name.toLowerCase()) || classifyName(name).secret;
}

function countOccurrences(text: string, value: string): number {
  return value === '' ? 0 : text.split(value).length - 1;
}
