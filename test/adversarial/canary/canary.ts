import { randomInt } from 'node:crypto';

/**
 * The canary: a secret value made fresh for each test process, so that no file of the repository
 * and no earlier run can hold it by chance. It is never printed: a report names where it was
 * found, which of its characters and how many, and shows the text around it with the canary
 * itself replaced.
 */

/**
 * Letters and digits without vowels, x or y: the value never spells a word the checker takes for
 * a placeholder (your, here, xxx, example, changeme) and looks away from. Alphanumeric, so that
 * no quoting, escaping or URL encoding changes it, and `ghp_<canary>` has the shape of a GitHub
 * token that the value detectors recognise anywhere.
 */
const ALPHABET = 'BCDFGHJKLMNPQRSTVWZbcdfghjklmnpqrstvwz0123456789';
export const CANARY_LENGTH = 36;

/**
 * A leak of this many characters of the canary or more counts: a redaction shows at most two at
 * each end (`Kx*****W2`), and a run of eight random characters of a 48-letter alphabet does not
 * turn up by chance.
 */
export const MIN_LEAKED_CHARS = 8;

/**
 * It starts with a letter, so that wherever an input puts it the parse is the same whatever the
 * draw: after `${` it continues a variable name, in a name it is a valid one.
 */
export function newCanary(): string {
  const letters = ALPHABET.replace(/[0-9]/g, '');
  let value = letters[randomInt(letters.length)]!;
  while (value.length < CANARY_LENGTH) value += ALPHABET[randomInt(ALPHABET.length)];
  return value;
}

export interface Occurrence {
  /** Offset in the text searched (characters; bytes for a file read as latin1). */
  offset: number;
  length: number;
  /** Which form of the canary: `characters 3–36 of 36`, `base64`, `hex`. */
  form: string;
}

/**
 * The encoded forms a value takes when a program hands it on without decoding it: base64 (a
 * Swarm secret's Data, a basic-auth header) at each of its three alignments, and hex. Only the
 * characters that depend on the canary alone are kept, so the forms are found whatever comes
 * before and after it.
 */
function encodedForms(canary: string): { form: string; text: string }[] {
  const forms = [
    { form: 'hex', text: Buffer.from(canary).toString('hex') },
    { form: 'HEX', text: Buffer.from(canary).toString('hex').toUpperCase() },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from('\0'.repeat(shift) + canary + '\0\0').toString('base64');
    // A group of four characters encodes three bytes: drop the groups that touch the padding bytes.
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + canary.length) / 3) * 4;
    forms.push({ form: 'base64', text: encoded.slice(start, end) });
  }
  return forms;
}

/** ASCII letters lower-cased, nothing else changed: offsets stay those of the text. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * Every place where the canary, a run of MIN_LEAKED_CHARS of its characters or more (also in
 * another case: a secret turned into a lower-case name is still the secret), or an encoded form
 * of it appears.
 */
export function occurrences(text: string, canary: string): Occurrence[] {
  const found: Occurrence[] = [];
  const covered = (offset: number) => found.some((o) => offset >= o.offset && offset < o.offset + o.length);
  // Compared without case, so that each run is found whole, then told apart by its case.
  const haystack = asciiLower(text);
  const needle = asciiLower(canary);
  for (let start = 0; start + MIN_LEAKED_CHARS <= needle.length; start++) {
    const window = needle.slice(start, start + MIN_LEAKED_CHARS);
    for (let at = haystack.indexOf(window); at !== -1; at = haystack.indexOf(window, at + 1)) {
      if (covered(at)) continue;
      let length = MIN_LEAKED_CHARS;
      while (start + length < needle.length && haystack[at + length] === needle[start + length]) length++;
      const what = length === canary.length ? `the whole canary (${canary.length} chars)` : `characters ${start + 1}–${start + length} of the canary`;
      const sameCase = text.slice(at, at + length) === canary.slice(start, start + length);
      found.push({ offset: at, length, form: sameCase ? what : `${what}, in another case` });
    }
  }
  for (const { form, text: encoded } of encodedForms(canary)) {
    for (let at = text.indexOf(encoded); at !== -1; at = text.indexOf(encoded, at + 1)) {
      if (!covered(at)) found.push({ offset: at, length: encoded.length, form: `the canary in ${form}` });
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** Where an offset is, as `offset N, line L, column C` (1-based line and column). */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `offset ${offset}, line ${line}, column ${column}`;
}

/**
 * The text around an occurrence, every occurrence in it replaced by «canary» and control
 * characters escaped, so that a report can be printed anywhere.
 */
export function redactedExcerpt(text: string, occurrence: Occurrence, canary: string, context = 40): string {
  const from = Math.max(0, occurrence.offset - context);
  const to = Math.min(text.length, occurrence.offset + occurrence.length + context);
  let excerpt = '';
  let at = from;
  for (const o of occurrences(text, canary)) {
    if (o.offset + o.length <= from || o.offset >= to) continue;
    excerpt += text.slice(at, Math.max(at, o.offset)) + '«canary»';
    at = Math.max(at, o.offset + o.length);
  }
  excerpt += text.slice(at, to);
  const escaped = JSON.stringify(excerpt).slice(1, -1);
  return `${from > 0 ? '…' : ''}${escaped}${to < text.length ? '…' : ''}`;
}

/** Text with every occurrence of the canary replaced: for any message built from what a run printed. */
export function redacted(text: string, canary: string): string {
  let result = '';
  let at = 0;
  for (const o of occurrences(text, canary)) {
    result += text.slice(at, Math.max(at, o.offset)) + '«canary»';
    at = Math.max(at, o.offset + o.length);
  }
  return result + text.slice(at);
}
