/**
 * The only way a value is ever shown (DESIGN.md §4: values are never printed). At most the
 * first two and last two characters show, and only for values long enough that four
 * characters leave most of it hidden. The mask has a fixed width so it does not tell the
 * length; describeValue states the length separately.
 */

const MASK = '*'.repeat(11);
const REVEAL_FROM_LENGTH = 12;
const REVEALED_EACH_SIDE = 2;
// Revealed characters must be visible ASCII: whitespace or a newline at either end of a padded
// or multi-line value (a PEM block) would break the one-line message or show nothing useful.
const PRINTABLE = /^[\x21-\x7e]+$/;

/** `qu***********rd` for an 18-character value, `***********` for a short one. */
export function redact(value: string): string {
  const characters = Array.from(value);
  if (characters.length < REVEAL_FROM_LENGTH) return MASK;
  const head = characters.slice(0, REVEALED_EACH_SIDE).join('');
  const tail = characters.slice(-REVEALED_EACH_SIDE).join('');
  if (!PRINTABLE.test(head) || !PRINTABLE.test(tail)) return MASK;
  return `${head}${MASK}${tail}`;
}

/** `qu***********rd, 18 chars`: the redacted form and the length, for messages. */
export function describeValue(value: string): string {
  const length = Array.from(value).length;
  if (length === 0) return 'empty';
  return `${redact(value)}, ${length} ${length === 1 ? 'char' : 'chars'}`;
}
