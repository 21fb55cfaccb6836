import type { SourcePosition } from '../errors.js';

/**
 * Turns offsets in a text into 1-based line and column numbers (columns count UTF-16 code
 * units, as editors and the parser's own errors do).
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  private lastLine = 0;

  constructor(
    text: string,
    readonly file: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): SourcePosition {
    const line = this.lineOf(offset);
    return { file: this.file, line: line + 1, column: offset - (this.starts[line] ?? 0) + 1 };
  }

  /** Offsets come mostly in increasing order: step forward from the last line, else search. */
  private lineOf(offset: number): number {
    const { starts } = this;
    let line = this.lastLine;
    if ((starts[line] ?? 0) <= offset) {
      while (line + 1 < starts.length && (starts[line + 1] ?? 0) <= offset) line++;
    } else {
      let low = 0;
      let high = line;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if ((starts[middle] ?? 0) <= offset) low = middle;
        else high = middle - 1;
      }
      line = low;
    }
    this.lastLine = line;
    return line;
  }
}
