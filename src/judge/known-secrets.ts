/**
 * The secrets a project's own files give away by name — a `DB_PASSWORD` literal, a `.env`
 * line under a secret name, a compose secret's file — so that the same value is recognised
 * wherever else it is written: under a harmless name, in a label, on a healthcheck's command
 * line. Values stay in memory; a match names the secret, never shows the value.
 *
 * Only values that cannot turn up by chance are kept. Reuse must not make `postgres` (the
 * user, the database and the host of half the stacks there are) or `true` a secret because
 * some `POSTGRES_PASSWORD` holds it: a kept value is at least MIN_LENGTH characters, and
 * either mixes character classes or is long (LONG_ENOUGH); flags, numbers, placeholders,
 * paths and variable references are never kept. So are values of several lines: a password or
 * a token is one line, and a key or a certificate is found by its format, while a multi-line
 * "secret" file is as often a page or a fixture that the project serves on purpose.
 */
import { isHarmlessValue, isPlaceholder, looksLikeFilePath } from '../redact/index.js';
import { isVariableReference } from './command-line.js';
import type { KnownSecretMatch } from './verdict.js';

/** Eight characters: below that, an English word or a service name matches by chance. */
const MIN_LENGTH = 8;
/** A value this long is kept whatever its characters (`correcthorsebatterystaple`). */
const LONG_ENOUGH = 12;
/** Values are indexed by their first characters, so a text is searched in time linear in its length. */
const PREFIX = MIN_LENGTH;

/** The id of a match of a known secret, beside the credential formats' ids. */
export const KNOWN_SECRET = 'known-secret';

const CHARACTER_CLASSES: readonly RegExp[] = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** Whether a secret's value is distinctive enough that finding it elsewhere means it was copied there. */
export function isDistinctiveSecret(value: string): boolean {
  if (value.length < MIN_LENGTH || value.trim() !== value || /[\r\n]/.test(value)) return false;
  if (isHarmlessValue(value) || isPlaceholder(value) || looksLikeFilePath(value) || isVariableReference(value)) return false;
  return value.length >= LONG_ENOUGH || CHARACTER_CLASSES.filter((pattern) => pattern.test(value)).length >= 2;
}

/**
 * Strings indexed by their first characters, so that those written in a text are found in
 * time linear in its length, whatever their number: a project of thousands of services has
 * thousands of secrets, and every value and command line is searched for all of them.
 */
const NONE: readonly never[] = [];

export class PrefixIndex<Item> {
  private readonly byPrefix = new Map<string, Item[]>();
  /** Shorter than the prefix: few, and a candidate everywhere. */
  private readonly short: Item[] = [];

  constructor(
    private readonly prefixLength: number,
    private readonly valueOf: (item: Item) => string,
  ) {}

  add(item: Item): void {
    const value = this.valueOf(item);
    if (value.length < this.prefixLength) {
      this.short.push(item);
      return;
    }
    const prefix = value.slice(0, this.prefixLength);
    const bucket = this.byPrefix.get(prefix);
    if (bucket === undefined) this.byPrefix.set(prefix, [item]);
    else bucket.push(item);
  }

  /** The items whose value is written in `text` at `start`. */
  startingAt(text: string, start: number): readonly Item[] {
    const bucket = start + this.prefixLength <= text.length ? this.byPrefix.get(text.slice(start, start + this.prefixLength)) : undefined;
    // Most places start no value: they cost a look-up and no allocation.
    if (bucket === undefined && this.short.length === 0) return NONE;
    const candidates = bucket === undefined ? this.short : [...this.short, ...bucket];
    return candidates.filter((item) => text.startsWith(this.valueOf(item), start));
  }
}

export class KnownSecretValues {
  /** Value → the name it was first found under. */
  private readonly names = new Map<string, string>();
  private readonly index = new PrefixIndex<string>(PREFIX, (value) => value);

  /** Keeps `value` as the secret `name`, when it is distinctive; the first name found for a value stays. */
  add(name: string, value: string): void {
    // A file written with an editor ends in a newline the same value elsewhere lacks.
    const trimmed = value.replace(/[\r\n]+$/, '');
    if (this.names.has(trimmed) || !isDistinctiveSecret(trimmed)) return;
    this.names.set(trimmed, name);
    this.index.add(trimmed);
  }

  get size(): number {
    return this.names.size;
  }

  /** The first known secret written in `text` (the longest one where several start at the same place). */
  find(text: string): KnownSecretMatch | undefined {
    if (this.names.size === 0) return undefined;
    for (let start = 0; start + PREFIX <= text.length; start++) {
      let longest: string | undefined;
      for (const value of this.index.startingAt(text, start)) {
        if (longest === undefined || value.length > longest.length) longest = value;
      }
      if (longest !== undefined) return { secret: this.names.get(longest) as string, start, end: start + longest.length };
    }
    return undefined;
  }
}

/** Every known secret written in `text`, in order, with a finder that returns the first one. */
export function everyKnownSecret(text: string, findKnownSecret: (text: string) => KnownSecretMatch | undefined): KnownSecretMatch[] {
  const found: KnownSecretMatch[] = [];
  let from = 0;
  for (let match = findKnownSecret(text); match !== undefined; match = findKnownSecret(text.slice(from))) {
    found.push({ secret: match.secret, start: from + match.start, end: from + match.end });
    from += match.end;
  }
  return found;
}
