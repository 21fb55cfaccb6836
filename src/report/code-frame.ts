/**
 * The source line of a finding, fit to print: the line holds the secret the finding is
 * about, so everything that may be a value is masked. What stays visible is only what is
 * known not to be one: indentation, list dashes, `export`/Dockerfile keywords, a YAML key,
 * and the finding's own key with its `=`/`:` separator. Anything else after the finding's
 * column is masked, and anything unrecognised before it too (another entry of a flow
 * mapping, `ENV A=1 PASSWORD=…`), since it may be a secret as well.
 */

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
