/**
 * The source line of a finding, fit to print: the line holds the secret the finding is
 * about, so everything that may be a value is masked. What stays visible is only what is
 * known not to be one: indentation, list dashes, `export`/Dockerfile keywords, a YAML key,
 * and the finding's own key with its `=`/`:` separator. Anything else after the finding's
 * column is masked, and anything unrecognised before it too (another entry of a flow
 * mapping, `ENV A=1 PASSWORD=…`), since it may be a secret as well.
 * One kind of value is shown: the file, build context or image a Compose key names
 * (`file: ./secrets/db.txt`, `build: ./api`), which says where to look, not what is there —
 * unless the redaction path would hide it (a credential, a URL with a password).
 */
import { showValue } from '../redact/index.js';

export const MASK = '•••••';

export interface MaskedLine {
  text: string;
  /** 0-based index in `text` the caret points at. */
  caretIndex: number;
}

const SAFE_LEAD =
  /^\s*(?:-\s+)*(?:(?:export|ARG|ENV|LABEL|ONBUILD)\s+)*(?:(["']?)[\w.-]+\1:\s+)?(?:[&!][\w-]+\s+)*(?:[[{]\s*)?/i;
const YAML_KEY = /^(?:-\s+)?(["']?)[\w.-]+\1:(?:\s+|$)/;

export function maskSourceLine(line: string, column: number, key: string | null): MaskedLine {
  const start = Math.min(Math.max(column - 1, 0), line.length);
  const located = locationEntry(line, start, key);
  if (located !== undefined) return { text: printable(located), caretIndex: start };
  const prefix = maskPrefix(line.slice(0, start));
  const entry = line.slice(start);
  const visible = visibleEntryLength(entry, key);
  const hidden = entry.slice(visible);
  const text = prefix + (entry.slice(0, visible) + (hidden.trim() === '' ? '' : MASK)).trimEnd();
  return { text: printable(text), caretIndex: prefix.length };
}

function maskPrefix(prefix: string): string {
  const safe = SAFE_LEAD.exec(prefix)?.[0] ?? '';
  return prefix.slice(safe.length).trim() === '' ? prefix : `${safe}${MASK} `;
}

/** How much of the entry at the finding's column is its key and separator. */
function visibleEntryLength(entry: string, key: string | null): number {
  if (key !== null) {
    const ownKey = new RegExp(`^(?:-\\s+)?(?:export\\s+)?(["']?)${escapeRegExp(key)}\\1?(?:\\s*[:=][ \\t]*|\\s+|$)`);
    const match = ownKey.exec(entry);
    if (match !== null) return match[0].length;
  }
  return YAML_KEY.exec(entry)?.[0].length ?? 0;
}

/**
 * Compose keys whose value is a path, a build context, an image or a stage: where things are.
 * Lower case, as Compose spells them; an environment variable of the same name that a finding
 * is about is its key, and stays masked.
 */
const LOCATION_KEYS = new Set(['file', 'build', 'context', 'dockerfile', 'image', 'env_file', 'path', 'target']);
const BLOCK_ENTRY = /^(\s*(?:-\s+)?)(["']?)([\w.-]+)\2:[ \t]+(.*)$/;
/** A scalar written plain or quoted without escapes, then spaces, then perhaps a comment. */
const SCALAR = /^(?:"([^"\\]*)"|'([^']*)'|([^\s#'"{}[\],&*!|>%@`][^\s]*))(\s*)(.*)$/;
/** What a path, a context or an image reference is made of; spaces, quotes or a `%` are not shown. */
const LOCATION_CHARACTERS = /^[\w./:@+~-]+$/;
/** `${NAME}` or `$NAME` only: a default, an alternative or an error text after it may be anything. */
const PLAIN_REFERENCE = /\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)/g;

/** The line up to the end of a location's value (a comment after it masked), when the finding sits on that entry. */
function locationEntry(line: string, start: number, key: string | null): string | undefined {
  const entry = BLOCK_ENTRY.exec(line);
  if (entry === null) return undefined;
  const [, lead = '', , name = '', rest = ''] = entry;
  if (!LOCATION_KEYS.has(name) || name === key) return undefined;
  const valueStart = line.length - rest.length;
  if (start !== lead.length && start !== valueStart) return undefined;
  const scalar = SCALAR.exec(rest);
  if (scalar === null) return undefined;
  const [, doubleQuoted, singleQuoted, plain, spaces = '', comment = ''] = scalar;
  const value = doubleQuoted ?? singleQuoted ?? plain ?? '';
  if (comment !== '' && !comment.startsWith('#')) return undefined;
  const withoutReferences = value.replace(PLAIN_REFERENCE, 'x');
  if (!LOCATION_CHARACTERS.test(withoutReferences) || showValue(value) !== value) return undefined;
  const written = line.slice(0, valueStart + rest.length - spaces.length - comment.length);
  return comment === '' ? written : `${written} ${MASK}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Keeps escape sequences written into a source file or a key name from driving the
 * terminal. One replacement character per control character keeps the caret aligned.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\uFFFD');
}
