/**
 * Generated-looking values (DESIGN.md §4 "What is a secret", value-based): a long run of random
 * characters — `openssl rand -hex 32`, `openssl rand -base64 32`, a 40-character alphanumeric
 * key — is a secret whatever format it lacks. The detector is built against a false-positive
 * budget: what only looks random (an image digest, a UUID, a checksum, a version, a URL, a file
 * path, an identifier, a sentence) must not count.
 *
 * A value is cut into words at whitespace, quotes and the punctuation that never occurs inside
 * base64, hex or a generated password (`,` `;` `:` `<` `>` `[` `]` `{` `}` `|` `\`); a word
 * holding anything else (`.`, `?`, a non-ASCII letter) is a host name, a version, a URL or prose
 * and is never a candidate. A candidate is judged by its length, its character classes, how
 * much of it spells words, and the Shannon entropy of its characters; the thresholds are set
 * from random draws of real generators and from the shared corpus (README "What is a secret").
 * One pass over the value; the few regular expressions run on one word at most, anchored.
 */

export interface GeneratedSpan {
  start: number;
  end: number;
}

/** Shorter runs are too often words, IDs or short hashes to tell apart; the 32 holds for real keys. */
export const MIN_GENERATED_LENGTH = 32;
/**
 * Bits per character a candidate must reach. Over 20,000 draws each, random base62 and base64
 * of 32 characters never measured under 3.94, random hex of 32 under 2.93; lower-case letters
 * and digits fall under 3.8 for one in fifteen, the price of the threshold. A repeated or
 * counted pattern measures far less.
 */
const MIXED_MIN_ENTROPY = 3.8;
const HEX_MIN_ENTROPY = 2.9;
/**
 * From this share of its letters in word-like runs on, a value is an identifier or prose
 * (see wordShare): identifiers measured 0.85 and more, random base62 of 32 passes 0.8 for one
 * draw in a hundred.
 */
const MAX_WORD_SHARE = 0.8;
/** Words rarely hold more consonants in a row (strengths: ngths); random letters often do. */
const MAX_CONSONANT_RUN = 4;
const VOWELS: ReadonlySet<number> = new Set([...'aeiouy'].map((character) => character.charCodeAt(0)));
/** Longer than this, a word is a blob (an embedded file, a data: URI), not a key someone pasted. */
const MAX_GENERATED_LENGTH = 1_024;

/** Algorithm names before a digest of public data: sha256:…, image@sha256:…, sha384-… (subresource integrity), md5:…. */
const DIGEST_ALGORITHM = /(?:^|[^A-Za-z0-9])(?:sha(?:1|224|256|384|512)|md5|blake2b|blake3|crc32)$/i;

// Word characters: letters, digits, and what base64, base64url and generated passwords use.
const CANDIDATE_CHARACTERS: ReadonlySet<number> = new Set(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-!@#$%^&*()~'].map((character) => character.charCodeAt(0)),
);
const SEPARATORS = new Set([' ', '\t', '\n', '\r', '\f', '\v', '"', "'", '`', ',', ';', ':', '<', '>', '[', ']', '{', '}', '|', '\\']);
const SSH_KEY_TYPE = /^(?:ssh-|ecdsa-|sk-ssh-|sk-ecdsa-)[a-z0-9@.-]{1,60}$/;
const IDENTIFIER_CHARACTERS = /^[A-Za-z0-9_/-]+$/;
const HEX_DIGITS = /^[0-9a-f]{7,64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME_ASSIGNMENT = /^-{0,2}[A-Za-z_][A-Za-z0-9_-]{0,63}=/;
// Reused by every call (the detector runs on every value): how often each ASCII character occurs.
const CHARACTER_COUNTS = new Uint32Array(128);

/** Where a value holds generated-looking words, in order. */
export function findGeneratedWords(value: string): GeneratedSpan[] {
  // A PEM block: a private key is a known format of its own, a certificate is public.
  if (value.length < MIN_GENERATED_LENGTH || value.includes('-----BEGIN ')) return [];
  const found: GeneratedSpan[] = [];
  let start = 0;
  let previousWord = '';
  for (let index = 0; index <= value.length; index += 1) {
    const character = value[index];
    if (character !== undefined && !SEPARATORS.has(character)) continue;
    if (index > start) {
      const word = value.slice(start, index);
      if (!describedByPreviousWord(previousWord, value[start - 1])) {
        const span = generatedPart(word);
        if (span !== undefined) found.push({ start: start + span.start, end: start + span.end });
      }
      previousWord = word;
    }
    start = index + 1;
  }
  return found;
}

/**
 * Whether the word before says what this one is: `sha256:<digest>`, `ssh-ed25519 <public key>`,
 * `data:image/png;base64,<file>`.
 */
function describedByPreviousWord(previousWord: string, separator: string | undefined): boolean {
  if (previousWord === '') return false;
  if (separator === ':') return DIGEST_ALGORITHM.test(previousWord);
  if (separator === ',') return previousWord === 'base64';
  return SSH_KEY_TYPE.test(previousWord);
}

/** The generated-looking part of one word: all of it, or what follows a `name=`. */
function generatedPart(word: string): GeneratedSpan | undefined {
  if (word.length < MIN_GENERATED_LENGTH || word.length > MAX_GENERATED_LENGTH) return undefined;
  for (let index = 0; index < word.length; index += 1) if (!CANDIDATE_CHARACTERS.has(word.charCodeAt(index))) return undefined;
  // `--token=…`, `key=…`; not base64 whose padding follows letters and digits only.
  const assignment = NAME_ASSIGNMENT.exec(word);
  const offset = assignment === null || assignment[0].length === word.length || word.endsWith('=') ? 0 : assignment[0].length;
  const candidate = word.slice(offset);
  return looksGenerated(candidate) ? { start: offset, end: word.length } : undefined;
}

/**
 * Whether one word (no separators in it) looks generated: long enough, letters and digits
 * mixed, random enough; not a path, a UUID, a digest with its algorithm, a counted pattern.
 */
export function looksGenerated(word: string): boolean {
  if (word.length < MIN_GENERATED_LENGTH) return false;
  // A path: its words are names; base64 starting with `/` (1 in 64) is lost with it.
  if ((word.startsWith('/') || word.startsWith('~/')) && !/[+=]/.test(word)) return false;
  if (UUID.test(word)) return false;
  const dash = word.indexOf('-');
  if (dash > 0 && DIGEST_ALGORITHM.test(word.slice(0, dash))) return false;
  // `owner/action@<commit>`: a reference pinned to a commit.
  const at = word.lastIndexOf('@');
  if (at > 0 && HEX_DIGITS.test(word.slice(at + 1))) return false;
  if (isIdentifier(word)) return false;
  let padding = word.length;
  while (padding > 0 && word[padding - 1] === '=') padding -= 1;
  const core = word.slice(0, padding);
  let letters = 0;
  let digits = 0;
  let ascending = 0;
  const counts = CHARACTER_COUNTS.fill(0);
  for (let index = 0; index < core.length; index += 1) {
    const code = core.charCodeAt(index);
    if (code >= 128) return false;
    if (code >= 48 && code <= 57) digits += 1;
    else if ((code | 32) >= 97 && (code | 32) <= 122) letters += 1;
    if (index > 0 && code === core.charCodeAt(index - 1) + 1) ascending += 1;
    counts[code] = (counts[code] as number) + 1;
  }
  if (letters === 0 || digits === 0) return false;
  if (wordShare(core) >= MAX_WORD_SHARE) return false;
  // `0123456789abcdef…`, `abcdefghijklmnop…`: counted, not drawn.
  if (ascending * 4 > core.length) return false;
  const entropy = shannonEntropy(counts, core.length);
  return /^(?:[0-9a-f]+|[0-9A-F]+)$/.test(core) ? entropy >= HEX_MIN_ENTROPY : entropy >= MIXED_MIN_ENTROPY;
}

/**
 * Whether a word is written as an identifier: three or more pieces between `_`, `-` or `/`, none
 * mixing upper and lower case, and nothing but letters and digits in them
 * (TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, node-20-bookworm-slim). Random base64url mixes the
 * cases in nearly every piece it has; a generated password has other symbols.
 */
function isIdentifier(word: string): boolean {
  if (!IDENTIFIER_CHARACTERS.test(word)) return false;
  const pieces = word.split(/[_\-/]+/).filter((piece) => piece !== '');
  return pieces.length >= 3 && pieces.every((piece) => piece === piece.toUpperCase() || piece === piece.toLowerCase());
}

/**
 * The share of a word's letters that spell words: runs of three or more letters (a
 * lower-case run, a capitalised one or an acronym) that hold a vowel and no more than four
 * consonants in a row (`com_example_service_v2`, `MyApplicationService2024`,
 * `x86_64-unknown-linux-gnu`). Random letters seldom run that long and pronounceable, so a
 * generated value scores far lower.
 */
function wordShare(word: string): number {
  let wordy = 0;
  let letters = 0;
  let runStart = -1;
  let vowels = 0;
  let consonantRun = 0;
  let pronounceable = true;
  const close = (end: number): void => {
    if (runStart >= 0 && end - runStart >= 3 && vowels > 0 && pronounceable) wordy += end - runStart;
    runStart = -1;
    vowels = 0;
    consonantRun = 0;
    pronounceable = true;
  };
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    const upper = code >= 65 && code <= 90;
    const lower = code >= 97 && code <= 122;
    // A capital starts a new run unless it continues an acronym (API in APIKey stays one run).
    const previous = index > 0 ? word.charCodeAt(index - 1) : 0;
    if (!upper && !lower) {
      close(index);
      continue;
    }
    if (upper && !(previous >= 65 && previous <= 90)) close(index);
    if (runStart < 0) runStart = index;
    letters += 1;
    if (VOWELS.has(code | 32)) {
      vowels += 1;
      consonantRun = 0;
    } else if (++consonantRun > MAX_CONSONANT_RUN) pronounceable = false;
  }
  close(word.length);
  return letters === 0 ? 0 : wordy / letters;
}

function shannonEntropy(counts: Uint32Array, length: number): number {
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const share = count / length;
    bits -= share * Math.log2(share);
  }
  return bits;
}
