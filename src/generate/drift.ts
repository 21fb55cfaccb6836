/**
 * What `generate --check` prints when a generated file is out of date: which files and which
 * lines differ, each line as it is and as generation would write it. The CI drift check
 * publishes this in its log, and a hand-edited file may hold a secret, so every line is
 * masked as a finding's code frame is (maskSourceLine) when the judgement says it may hold
 * one: a secret-named key, a credential, the continuation of either, or any line of a secret's
 * example file.
 */
import { structuredPatch } from 'diff';
import { SECRETS_DIR } from '../layout.js';
import { maskSourceLine, printable } from '../report/index.js';
import { classifyName, detectCredentials } from '../redact/index.js';

/** A generated file that differs from what is on disk (generate's StaleFile). */
interface Stale {
  path: string;
  content: string;
  current: string | undefined;
}

/** One line per difference, `path:line: differs` then the masked current and expected lines; empty when up to date. */
export function formatDrift(stale: readonly Stale[]): string {
  return stale.map(formatStaleFile).join('');
}

function formatStaleFile({ path, content, current }: Stale): string {
  if (current === undefined) return `${path}: missing\n`;
  const shownCurrent = maskedLines(path, current);
  const shownExpected = maskedLines(path, content);
  const { hunks } = structuredPatch(path, path, current, content, undefined, undefined, { context: 0 });
  let text = '';
  for (const hunk of hunks) {
    const first = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    const last = first + Math.max(hunk.oldLines, 1) - 1;
    text += `${path}:${first === last ? first : `${first}-${last}`}: differs\n`;
    for (let index = 0; index < hunk.oldLines; index++) text += `  current:  ${shownCurrent(hunk.oldStart + index)}\n`;
    if (hunk.oldLines === 0) text += '  current:  (no such line)\n';
    for (let index = 0; index < hunk.newLines; index++) text += `  expected: ${shownExpected(hunk.newStart + index)}\n`;
    if (hunk.newLines === 0) text += '  expected: (no such line)\n';
  }
  return text;
}

/** Line `n` (1-based) of `text` as it may be printed. */
function maskedLines(path: string, text: string): (line: number) => string {
  const lines = text.split('\n');
  const masks = lineMasks(path, text, lines);
  return (number) => {
    const line = lines[number - 1] ?? '';
    const mask = masks.get(number - 1);
    return mask === undefined ? printable(line) : maskSourceLine(line, mask.column, mask.key).text;
  };
}

interface LineMask {
  /** 1-based column where the entry starts: only its key (and what comes before) stays visible. */
  column: number;
  key: string | null;
}

/**
 * Whether the value `rest` of an entry on `line` goes on to the last of `following`: in YAML, a
 * block scalar, an open quote or a plain scalar takes every line indented deeper than its key;
 * in an env file, an open quote runs to the line that closes it.
 */
type Continues = (rest: string, line: string, following: readonly string[]) => boolean;

const yamlValueContinues: Continues = (rest, line, following) => {
  const next = following.at(-1) ?? '';
  return OPEN_VALUE.test(rest) && (next.trim() === '' || indentOf(next) > indentOf(line));
};

const envValueContinues: Continues = (rest, _line, following) => {
  const quote = /^\s*(["'])/.exec(rest)?.[1];
  if (quote === undefined || rest.trim().slice(1).includes(quote)) return false;
  // Open until a line before this one closed it.
  return following.slice(0, -1).every((earlier) => !earlier.includes(quote));
};

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

// `KEY: value`, `- KEY=value`, `export KEY=value`, `"KEY": value`: where the entry starts, its key, what follows the separator.
const ENTRY = /^(\s*)((?:-\s+)?(?:export\s+)?(["']?)([A-Za-z_][\w.-]*)\3\s*[:=])(.*)$/;
// A value that goes on on the lines below: a block scalar, an open quote, a plain scalar (YAML folds the lines that follow).
const OPEN_VALUE = /^\s*(?:[|>][-+0-9]*\s*(?:#.*)?$|"(?:[^"\\]|\\.)*$|'(?:[^']|'')*$|[^\s#{[&*!|>'"][^#]*$)/;

/** The lines to mask, by 0-based index. */
function lineMasks(path: string, text: string, lines: readonly string[]): Map<number, LineMask> {
  const masks = new Map<number, LineMask>();
  // A secret's example file is the value of a secret as a whole.
  if (path.startsWith(`${SECRETS_DIR}/`)) {
    lines.forEach((line, index) => masks.set(index, { column: indentOf(line) + 1, key: null }));
    return masks;
  }
  const maskLine = (index: number): void => {
    const line = lines[index] ?? '';
    const entry = ENTRY.exec(line);
    masks.set(index, entry ? { column: indentOf(line) + 1, key: entry[4] as string } : { column: indentOf(line) + 1, key: null });
  };
  const continues = path.endsWith('.env') ? envValueContinues : yamlValueContinues;
  lines.forEach((line, index) => {
    const entry = ENTRY.exec(line);
    // Compose's own `secrets:` key lists names of secrets, not values.
    if (entry === null || entry[4] === 'secrets' || !classifyName(entry[4] as string).secret) return;
    maskLine(index);
    for (let next = index + 1; next < lines.length && continues(entry[5] as string, line, lines.slice(index + 1, next + 1)); next++) maskLine(next);
  });
  // A credential may span lines (a private key block): every line it touches.
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineAt = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  for (const match of detectCredentials(text)) {
    for (let index = lineAt(match.start); index <= lineAt(Math.max(match.start, match.end - 1)); index++) maskLine(index);
  }
  return masks;
}
