/**
 * Word splitting and quote removal the way Docker's Dockerfile frontend does it for
 * instruction arguments: quotes keep a word together and stay in its raw text, the escape
 * character (`\` or the one set by `# escape=`) protects the next character.
 */

export interface Word {
  /** As written, quotes and escapes intact. */
  raw: string;
  /** Offset of the first character in the text that was split. */
  start: number;
  /** Offset just after the last character. */
  end: number;
}

const WHITESPACE = /\s/;

/** JavaScript's `\s`: compared by code below U+0080, where nearly every character is, instead of a regular expression per character. */
export function isWhitespace(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return WHITESPACE.test(char);
}

export function splitWords(text: string, escape: string, from = 0): Word[] {
  const words: Word[] = [];
  let index = from;
  while (index < text.length) {
    while (isWhitespace(text[index])) index++;
    if (index >= text.length) break;
    const start = index;
    let quote: string | undefined;
    while (index < text.length) {
      const char = text[index];
      if (quote !== undefined) {
        if (char === quote) quote = undefined;
        // Single quotes protect everything, the escape character included.
        else if (char === escape && quote === '"') index++;
      } else if (isWhitespace(char)) {
        break;
      } else if (char === '"' || char === "'") {
        quote = char;
      } else if (char === escape) {
        index++;
      }
      index++;
    }
    const end = Math.min(index, text.length);
    words.push({ raw: text.slice(start, end), start, end });
  }
  return words;
}

/**
 * The value Docker ends up with once quotes and escapes are processed. Variable references
 * (`$VAR`, `${VAR:-x}`) are left as written: whether they are filled in is the caller's call.
 */
export function unquote(raw: string, escape: string): string {
  // Most words have nothing to process.
  if (!raw.includes("'") && !raw.includes('"') && !raw.includes(escape)) return raw;
  let result = '';
  let index = 0;
  while (index < raw.length) {
    const char = raw[index] as string;
    if (char === "'") {
      const close = raw.indexOf("'", index + 1);
      const stop = close === -1 ? raw.length : close;
      result += raw.slice(index + 1, stop);
      index = stop + 1;
    } else if (char === '"') {
      index++;
      while (index < raw.length && raw[index] !== '"') {
        const next = raw[index + 1];
        // Inside double quotes the escape character only protects `"`, `$` and itself.
        if (raw[index] === escape && (next === '"' || next === '$' || next === escape)) index++;
        result += raw[index];
        index++;
      }
      index++;
    } else if (char === escape) {
      result += raw[index + 1] ?? '';
      index += 2;
    } else {
      result += char;
      index++;
    }
  }
  return result;
}
