/**
 * The `raw` env_file format (`env_file: [{path: …, format: raw}]`), which Compose reads as
 * `docker run --env-file` does: one `KEY=value` a line, the value exactly as written (quotes,
 * `#`, `${…}` and trailing blanks included), no interpolation, no multi-line values.
 *
 * - Leading white space is dropped; a line that is then empty or starts with `#` is skipped.
 * - The key is what comes before the first `=`; it may not be empty or hold a blank.
 * - A line without `=` takes the variable from the reader's environment, and is left out when
 *   the environment does not set it.
 */
import { InputError } from '../errors.js';
import type { DotenvEntry } from './dotenv.js';
import type { Lookup } from './interpolate.js';

const BYTE_ORDER_MARK = '\uFEFF';
const LINE_HINT = 'a raw env file holds KEY=value lines (the value taken as written) and # comments';

export function parseRawEnvFile(text: string, file: string, lookup: Lookup): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const lines = (text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text).split('\n');
  lines.forEach((written, index) => {
    const lineText = written.endsWith('\r') ? written.slice(0, -1) : written;
    const line = lineText.trimStart();
    if (line === '' || line.startsWith('#')) return;
    const position = { file, line: index + 1, column: lineText.length - line.length + 1 };
    const separator = line.indexOf('=');
    const key = separator === -1 ? line : line.slice(0, separator);
    // Compose's own messages quote the line; a value may be a secret, so these never do.
    if (key === '') throw new InputError(position, `the line starts with "=" and names no variable; ${LINE_HINT}`);
    if (/[ \t]/.test(key)) throw new InputError(position, `a variable name cannot hold a blank; ${LINE_HINT}`);
    const common = { key, line: position.line, column: position.column, references: [], errors: [] };
    if (separator === -1) {
      entries.push({ ...common, value: lookup(key), valueLine: position.line, valueColumn: position.column, raw: '', inherited: true });
    } else {
      const value = line.slice(separator + 1);
      entries.push({ ...common, value, valueLine: position.line, valueColumn: position.column + separator + 1, raw: value, inherited: false });
    }
  });
  return entries;
}
