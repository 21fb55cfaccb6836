/**
 * Where go-yaml v3 (Compose's YAML reader) and js-yaml disagree about the layout of a text,
 * found in one linear scan.
 *
 * go-yaml looks at indentation in block context only: inside a flow collection (`[…]`, `{…}`)
 * and inside a quoted scalar, a line may start anywhere, tabs included, and Compose reads
 *     test: [
 *   "CMD-SHELL", "pg_isready",
 *     ]
 * which js-yaml, following YAML 1.2, refuses ("deficient indentation"). `joined` is the text with
 * every such line break (and each tab and comment between flow tokens) turned into spaces: it
 * has the file's length, so every offset — every line and column reported — stays the file's.
 * A joined scalar is read from the file's own text, so that its line folding is the file's.
 * What go-yaml refuses there stays as it is, so that js-yaml refuses it too: a `---` or `...`
 * at the start of a line, and a block key that spans lines (`"a⏎b": 1`). (A flow key that does
 * is refused where the documents are built, which sees every flow mapping.)
 *
 * In block context go-yaml is the stricter one about tabs: it refuses a tab that starts a line
 * (a blank or comment line too) unless it continues a plain scalar past its indentation, and a
 * tab after a `-` or `?` indicator; js-yaml reads both. It also reads only `%YAML 1.1`
 * documents. `refusal` is the first such place.
 */

export interface GoYamlLayout {
  /** The text with the line breaks go-yaml ignores joined; undefined when there are none. */
  joined: string | undefined;
  /** The first place go-yaml refuses and js-yaml would not. */
  refusal: { offset: number; message: string } | undefined;
}

const TAB_MESSAGE =
  "a tab here, where Compose's YAML reader expects a space (a tab may not start a line, nor follow '-' or '?'): use spaces";
const VERSION_MESSAGE = "Compose's YAML reader reads YAML 1.1 documents only (`%YAML 1.1`): remove this directive";

export function goYamlLayout(source: string): GoYamlLayout {
  const scanner = new LayoutScanner(source);
  scanner.scan();
  return { joined: scanner.joined(), refusal: scanner.refusal };
}

function isBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A space, a tab, a line break or the end of the text (NaN). */
function isBlankOrEnd(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || Number.isNaN(code);
}

function isFlowIndicator(code: number): boolean {
  return code === 0x2c || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d;
}

class LayoutScanner {
  refusal: GoYamlLayout['refusal'];
  private i = 0;
  /** Ranges [start, end) to turn into spaces, as pairs of offsets. */
  private readonly blanks: number[] = [];
  /** Column of the key or `-` that owns the node being read on the current line. */
  private owner = -1;
  /** After a plain scalar ended a line: its owner's column, past which the next lines continue it. */
  private plainOwner: number | undefined;
  /** Inside a block scalar: its owner's column, past which lines are its content. */
  private blockScalarOwner: number | undefined;
  private lineStart = 0;

  constructor(private readonly s: string) {}

  joined(): string | undefined {
    if (this.blanks.length === 0) return undefined;
    // A quoted scalar inside a flow collection records its ranges before the collection's own.
    const ranges: [number, number][] = [];
    for (let k = 0; k < this.blanks.length; k += 2) ranges.push([this.blanks[k] as number, this.blanks[k + 1] as number]);
    ranges.sort((a, b) => a[0] - b[0]);
    const parts: string[] = [];
    let from = 0;
    for (const [start, end] of ranges) {
      parts.push(this.s.slice(from, start), ' '.repeat(end - start));
      from = end;
    }
    parts.push(this.s.slice(from));
    return parts.join('');
  }

  scan(): void {
    while (this.i < this.s.length && this.refusal === undefined) this.line();
  }

  private code(at: number): number {
    return this.s.charCodeAt(at);
  }

  private refuse(offset: number, message: string): void {
    this.refusal ??= { offset, message };
  }

  /** The offset after the line break that ends the line holding `at` (or the end of the text). */
  private nextLine(at: number): number {
    const end = this.s.indexOf('\n', at);
    return end === -1 ? this.s.length : end + 1;
  }

  /** Whether a document marker (`---`, `...`) starts at `at`, the start of a line. */
  private isDocumentMarker(at: number): boolean {
    const marker = this.s.slice(at, at + 3);
    return (marker === '---' || marker === '...') && isBlankOrEnd(this.code(at + 3));
  }

  private line(): void {
    const start = this.i;
    this.lineStart = start;
    let spaces = start;
    while (this.code(spaces) === 0x20) spaces++;
    let first = spaces;
    while (isBlank(this.code(first))) first++;
    const column = spaces - start;
    const blankLine = first >= this.s.length || isBreak(this.code(first));
    if (this.blockScalarOwner !== undefined) {
      if (blankLine || column > this.blockScalarOwner) {
        this.i = this.nextLine(start);
        return;
      }
      this.blockScalarOwner = undefined;
    }
    // A tab before the first token of a line; go-yaml lets one pass only inside a plain scalar's indentation.
    if (first > spaces && !(this.plainOwner !== undefined && column > this.plainOwner)) this.refuse(spaces, TAB_MESSAGE);
    if (blankLine || this.code(first) === 0x23) {
      this.i = this.nextLine(start);
      return;
    }
    if (this.plainOwner !== undefined && column > this.plainOwner) {
      this.plainScalar(first, false);
      this.i = this.nextLine(this.i);
      return;
    }
    this.plainOwner = undefined;
    this.owner = column;
    this.blockTokens(first);
  }

  /** The tokens of a line in block context, from `at` to the end of the line (or of what continues past it). */
  private blockTokens(at: number): void {
    let k = at;
    let nodeStart = true;
    let lastScalarColumn = -1;
    if (k === this.lineStart && this.isDocumentMarker(k)) {
      k += 3;
      this.owner = -1;
    } else if (k === this.lineStart && this.code(k) === 0x25) {
      const directive = /^%YAML[ \t]+([^\s#]*)/.exec(this.s.slice(k, this.endOfLine(k)));
      if (directive !== null && directive[1] !== '1.1') this.refuse(k, VERSION_MESSAGE);
      this.i = this.nextLine(k);
      return;
    }
    // Tabs between the tokens of this line: js-yaml refuses one before a flow collection.
    const tabs: number[] = [];
    for (;;) {
      while (isBlank(this.code(k))) {
        if (this.code(k) === 0x09) tabs.push(k, k + 1);
        k++;
      }
      const code = this.code(k);
      if (k >= this.s.length || isBreak(code) || code === 0x23) {
        this.i = this.nextLine(k);
        return;
      }
      const column = k - this.lineStart;
      if ((code === 0x2d || code === 0x3f) && isBlankOrEnd(this.code(k + 1))) {
        this.owner = column;
        k++;
        while (this.code(k) === 0x20) k++;
        if (this.code(k) === 0x09) this.refuse(k, TAB_MESSAGE);
        nodeStart = true;
        continue;
      }
      if (code === 0x3a && isBlankOrEnd(this.code(k + 1))) {
        if (lastScalarColumn >= 0) this.owner = lastScalarColumn;
        k++;
        nodeStart = true;
        continue;
      }
      if (code === 0x26 || code === 0x21) {
        while (k < this.s.length && !isBlankOrEnd(this.code(k))) k++;
        continue;
      }
      if ((code === 0x7c || code === 0x3e) && nodeStart) {
        this.blockScalarOwner = this.owner;
        this.i = this.nextLine(k);
        return;
      }
      lastScalarColumn = column;
      nodeStart = false;
      if (code === 0x22 || code === 0x27) {
        k = this.quoted(k);
        continue;
      }
      if (code === 0x5b || code === 0x7b) {
        this.blanks.push(...tabs);
        tabs.length = 0;
        k = this.flow(k);
        continue;
      }
      k = this.plainScalar(k, false);
      if (k >= this.s.length || isBreak(this.code(k))) this.plainOwner = this.owner;
    }
  }

  /**
   * A plain scalar from `at`: to a `: `, a ` #` or the end of the line; in a flow collection
   * also to a flow indicator. Returns where it stops.
   */
  private plainScalar(at: number, inFlow: boolean): number {
    let k = at;
    while (k < this.s.length) {
      const code = this.code(k);
      if (isBreak(code)) break;
      if (code === 0x3a && (isBlankOrEnd(this.code(k + 1)) || (inFlow && isFlowIndicator(this.code(k + 1))))) break;
      if (isBlank(code) && this.code(k + 1) === 0x23) break;
      if (inFlow && isFlowIndicator(code)) break;
      k++;
    }
    this.i = k;
    return k;
  }

  /**
   * Where the line break at `at` leads, and whether go-yaml reads past it as it reads spaces:
   * not when the next line starts with a document marker.
   */
  private lineBreak(at: number): { next: number; joinable: boolean } {
    const next = this.code(at) === 0x0d && this.code(at + 1) === 0x0a ? at + 2 : at + 1;
    return { next, joinable: !this.isDocumentMarker(next) };
  }

  /** Starts the line at `at` (after a line break crossed inside a token). */
  private enterLine(at: number): void {
    this.lineStart = at;
  }

  /** Whether a `:` that makes what ends at `at` a block key follows on its line. */
  private keyFollows(at: number): boolean {
    let k = at;
    while (isBlank(this.code(k))) k++;
    return this.code(k) === 0x3a && isBlankOrEnd(this.code(k + 1));
  }

  /** A quoted scalar from its opening quote; returns the offset after its closing quote. */
  private quoted(at: number, inFlow = false): number {
    const quote = this.code(at);
    const breaks: number[] = [];
    let k = at + 1;
    while (k < this.s.length) {
      const code = this.code(k);
      if (quote === 0x27 && code === 0x27) {
        if (this.code(k + 1) === 0x27) {
          k += 2;
          continue;
        }
        k++;
        break;
      }
      if (quote === 0x22 && code === 0x22) {
        k++;
        break;
      }
      if (quote === 0x22 && code === 0x5c && !isBreak(this.code(k + 1))) {
        k += 2;
        continue;
      }
      if (isBreak(code)) {
        const { next, joinable } = this.lineBreak(k);
        if (joinable) breaks.push(k, next);
        k = next;
        this.enterLine(next);
        continue;
      }
      k++;
    }
    // A quoted block key that spans lines is refused by go-yaml: leave it to js-yaml to refuse too.
    if (breaks.length > 0 && (inFlow || !this.keyFollows(k))) this.blanks.push(...breaks);
    this.i = k;
    return k;
  }

  /** A flow collection from its opening bracket; returns the offset after its closing bracket. */
  private flow(at: number): number {
    const blanks: number[] = [];
    let depth = 0;
    let k = at;
    // Whether the entry being read has begun: a ':' right after it is a value indicator.
    let entryStarted = false;
    while (k < this.s.length) {
      const code = this.code(k);
      if (code === 0x5b || code === 0x7b || code === 0x2c) {
        if (code !== 0x2c) depth++;
        entryStarted = false;
        k++;
        continue;
      }
      if (code === 0x5d || code === 0x7d) {
        depth--;
        k++;
        entryStarted = true;
        if (depth === 0) break;
        continue;
      }
      if (isBreak(code)) {
        const { next, joinable } = this.lineBreak(k);
        if (joinable) blanks.push(k, next);
        k = next;
        this.enterLine(next);
        continue;
      }
      if (code === 0x20) {
        k++;
        continue;
      }
      if (code === 0x09) {
        blanks.push(k, k + 1);
        k++;
        continue;
      }
      if (code === 0x23 && (k === this.lineStart || isBlank(this.code(k - 1)))) {
        const end = this.endOfLine(k);
        blanks.push(k, end);
        k = end;
        continue;
      }
      if (code === 0x3a && (isBlankOrEnd(this.code(k + 1)) || isFlowIndicator(this.code(k + 1)) || entryStarted)) {
        entryStarted = false;
        k++;
        continue;
      }
      if (code === 0x3f && isBlankOrEnd(this.code(k + 1))) {
        k++;
        continue;
      }
      if (code === 0x26 || code === 0x21 || code === 0x2a) {
        entryStarted = true;
        while (k < this.s.length && !isBlankOrEnd(this.code(k)) && !isFlowIndicator(this.code(k))) k++;
        continue;
      }
      entryStarted = true;
      if (code === 0x22 || code === 0x27) {
        k = this.quoted(k, true);
        continue;
      }
      const stop = this.plainScalar(k, true);
      k = stop === k ? k + 1 : stop;
    }
    // A flow collection used as a block key that spans lines is refused by go-yaml: leave it as it is.
    if (!this.keyFollows(k) || !blanks.some((offset, index) => index % 2 === 0 && isBreak(this.code(offset)))) this.blanks.push(...blanks);
    this.i = k;
    return k;
  }

  private endOfLine(at: number): number {
    let k = at;
    while (k < this.s.length && !isBreak(this.code(k))) k++;
    return k;
  }
}
