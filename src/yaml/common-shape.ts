/**
 * A quick reader for the shape nearly every compose file has: block mappings and lists,
 * scalars and flow collections that end on their line, comments, anchors, aliases and `<<`
 * merges. It builds the values and their origins exactly as the full reader (`parse.ts`) does,
 * without the full reader's list of parser events in between, which is most of what reading a
 * large compose file costs.
 *
 * It reads only what it is sure of. At the first thing outside that shape — a tab, a block
 * scalar, a tag, an escape in a double-quoted scalar, a scalar or flow collection that goes on
 * to another line, a second document, a key that is not a string, a repeated key, anything
 * YAML refuses — it gives up, and the full reader reads the text from the start: that one
 * decides every hard case and words every error. test/yaml/common-shape.test.ts holds the two
 * readers to the same result on real compose files and on generated ones.
 */
import type { SourcePosition } from '../errors.js';
import { assign, type Origin } from './origins.js';
import { resolvePlain } from './scalars.js';
import { type Anchored, CollectionBuilder, isMergeable, MAX_ALIAS_EXPANSION, MAX_DEPTH, type YamlMapping, type YamlValue } from './values.js';

/**
 * The text of one compose file as the full reader would give it (one document), or undefined
 * when the text is not of the common shape and the full reader must read it.
 */
export function readCommonShape(text: string, file: string): YamlValue[] | undefined {
  if (LEFT_TO_THE_FULL_READER.test(text)) return undefined;
  try {
    return [new CommonShapeReader(text, file).document()];
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

// Characters whose rules only the full reader knows: tabs (go-yaml's indentation rules), line
// breaks other than \n, characters YAML does not print, a byte order mark past the start, and
// surrogates (an unpaired one is refused).
const LEFT_TO_THE_FULL_READER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;

/** Thrown, the one instance, where the text leaves the common shape. */
class OutsideCommonShape extends Error {}
const OUTSIDE = new OutsideCommonShape('the text is not of the common shape');

/** Well below the full reader's limit: the deep cases are its to word. */
const MAX_COMMON_DEPTH = MAX_DEPTH / 2;
/** YAML's limit on an implicit key. */
const MAX_KEY_LENGTH = 1024;

const LF = 0x0a;
const SPACE = 0x20;
const DOUBLE_QUOTE = 0x22;
const HASH = 0x23;
const AMPERSAND = 0x26;
const SINGLE_QUOTE = 0x27;
const STAR = 0x2a;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Characters that give a YAML node a meaning other than a plain scalar when they start it. */
function isIndicator(code: number): boolean {
  switch (code) {
    case DASH:
    case 0x3f /* ? */:
    case COLON:
    case COMMA:
    case OPEN_BRACKET:
    case CLOSE_BRACKET:
    case OPEN_BRACE:
    case CLOSE_BRACE:
    case HASH:
    case AMPERSAND:
    case STAR:
    case 0x21 /* ! */:
    case 0x7c /* | */:
    case 0x3e /* > */:
    case SINGLE_QUOTE:
    case DOUBLE_QUOTE:
    case 0x25 /* % */:
    case 0x40 /* @ */:
    case 0x60 /* ` */:
      return true;
    default:
      return false;
  }
}

function isFlowIndicator(code: number): boolean {
  return code === COMMA || code === OPEN_BRACKET || code === CLOSE_BRACKET || code === OPEN_BRACE || code === CLOSE_BRACE;
}

/** Anchor names as compose files write them; anything more exotic is the full reader's. */
function isNameCharacter(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === DASH || code === 0x2e;
}

class CommonShapeReader {
  private pos = 0;
  /** 0-based line of the cursor, and where that line starts. */
  private line = 0;
  private lineStart = 0;
  /** The indentation of the content line the cursor is on; -1 at the end of the text. */
  private indent = -1;
  private depth = 0;
  private aliasExpansion = 0;
  private readonly anchors = new Map<string, Anchored>();
  /** Facts about the node just read, as the full reader keeps them (see NodeFacts there). */
  private position: SourcePosition = { file: '', line: 0, column: 0 };
  private float = false;
  private size = 0;
  private height = 0;
  /** Whether the key just read was written plain (only a plain `<<` merges). */
  private keyIsPlain = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  document(): YamlValue {
    this.nextContent();
    if (this.indent === 0 && this.text.startsWith('---', this.pos) && this.endsToken(this.pos + 3)) {
      this.pos += 3;
      this.endLine();
      this.nextContent();
    }
    const root = this.indent === 0 ? this.block(0) : undefined;
    // One document, starting at the left margin, and nothing after it.
    if (root === undefined || this.indent !== -1) throw OUTSIDE;
    return root;
  }

  private block(indent: number): YamlValue {
    return this.isListEntry() ? this.list(indent) : this.mapping(indent);
  }

  private mapping(indent: number): YamlMapping {
    const position = this.here();
    const mapping: YamlMapping = {};
    const build = new CollectionBuilder();
    this.enter();
    for (;;) {
      const keyPosition = this.here();
      const key = this.key();
      const plainKey = this.keyIsPlain;
      if (build.repeats(key)) throw OUTSIDE;
      this.addEntry(build, mapping, key, plainKey, keyPosition, this.value(indent, keyPosition, true));
      // (a list entry here is not a key: key() leaves it to the full reader)
      if (this.indent === indent) continue;
      if (this.indent < indent) break;
      throw OUTSIDE;
    }
    return this.finish(build, mapping, position);
  }

  private list(indent: number): YamlValue[] {
    const position = this.here();
    const list: YamlValue[] = [];
    const build = new CollectionBuilder();
    this.enter();
    for (;;) {
      this.pos++;
      this.skipSpaces();
      // `- key: value` starts a mapping whose keys line up with the first one.
      this.addItem(build, list, this.startsKey() ? this.mapping(this.pos - this.lineStart) : this.value(indent, position, false));
      if (this.indent === indent && this.isListEntry()) continue;
      // A line as indented and not an entry is the next key of the mapping this list belongs to.
      if (this.indent <= indent) break;
      throw OUTSIDE;
    }
    return this.finish(build, list, position);
  }

  /** Adds the value just read under `key`; a plain `<<` is merged in once the mapping is complete. */
  private addEntry(build: CollectionBuilder, mapping: YamlMapping, key: string, plainKey: boolean, keyPosition: SourcePosition, value: YamlValue): void {
    build.count(this.size, this.height);
    if (plainKey && key === '<<') {
      if (!isMergeable(value)) throw OUTSIDE;
      build.mergeLater(value, this.position);
      return;
    }
    const origin: Origin = { key: keyPosition, value: this.position };
    if (this.float) origin.float = true;
    assign(mapping, key, value);
    build.origins.set(key, origin);
  }

  /** Adds the value just read to the end of `list`. */
  private addItem(build: CollectionBuilder, list: YamlValue[], value: YamlValue): void {
    build.count(this.size, this.height);
    const origin: Origin = { value: this.position };
    if (this.float) origin.float = true;
    build.origins.set(list.length, origin);
    list.push(value);
  }

  /** Closes the collection read since `position`: merges, origins, and its facts as a node. */
  private finish<T extends YamlMapping | YamlValue[]>(build: CollectionBuilder, collection: T, position: SourcePosition): T {
    this.depth--;
    build.finish(collection);
    this.setFacts(position, build.size, build.height, false);
    return collection;
  }

  /** A mapping key and its `:`; the cursor ends after the `:`. */
  private key(): string {
    const { text } = this;
    const first = text.charCodeAt(this.pos);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const key = this.quoted();
      this.skipSpaces();
      if (text.charCodeAt(this.pos) !== COLON || !this.endsToken(this.pos + 1)) throw OUTSIDE;
      this.pos++;
      this.keyIsPlain = false;
      return key;
    }
    if (isIndicator(first)) throw OUTSIDE;
    const colon = this.keyColon(this.pos);
    if (colon === -1) throw OUTSIDE;
    let end = colon;
    while (text.charCodeAt(end - 1) === SPACE) end--;
    if (end - this.pos > MAX_KEY_LENGTH) throw OUTSIDE;
    const resolved = resolvePlain(text.slice(this.pos, end)).value;
    if (typeof resolved !== 'string') throw OUTSIDE;
    this.pos = colon + 1;
    this.keyIsPlain = true;
    return resolved;
  }

  /** Where the `:` that ends a plain implicit key starting at `from` is on its line, or -1. */
  private keyColon(from: number): number {
    const { text } = this;
    for (let i = from; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === LF) return -1;
      if (code === COLON && this.endsToken(i + 1)) return i;
      if (code === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Whether the cursor is at a key (plain or quoted, with its `:` on the line). */
  private startsKey(): boolean {
    const { text } = this;
    const first = text.charCodeAt(this.pos);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const close = text.indexOf(String.fromCharCode(first), this.pos + 1);
      if (close === -1) return false;
      let after = close + 1;
      while (text.charCodeAt(after) === SPACE) after++;
      return text.charCodeAt(after) === COLON;
    }
    return !isIndicator(first) && this.keyColon(this.pos) !== -1;
  }

  /**
   * The value after a key's `:` or a list entry's `-`: on the same line, or on the lines after
   * it, more indented than `parentIndent` (a list as indented, when `listMayAlign`). The cursor
   * ends on the next content line.
   */
  private value(parentIndent: number, fallback: SourcePosition, listMayAlign: boolean): YamlValue {
    const { text } = this;
    this.skipSpaces();
    let anchor: string | undefined;
    let anchorPosition: SourcePosition | undefined;
    if (text.charCodeAt(this.pos) === AMPERSAND) {
      anchorPosition = this.here();
      anchor = this.name(this.pos + 1);
      if (!this.endsToken(this.pos)) throw OUTSIDE;
      this.skipSpaces();
    }
    let value: YamlValue;
    if (this.atLineEnd()) {
      this.endLine();
      this.nextContent();
      if (this.indent > parentIndent) {
        value = this.block(this.indent);
      } else if (listMayAlign && this.indent === parentIndent && this.isListEntry()) {
        value = this.list(parentIndent);
      } else {
        value = null;
        this.setFacts(anchorPosition ?? fallback, 1, 0, false);
      }
    } else {
      switch (text.charCodeAt(this.pos)) {
        case STAR:
          if (anchor !== undefined) throw OUTSIDE;
          value = this.alias();
          break;
        case OPEN_BRACKET:
        case OPEN_BRACE:
          value = this.flow();
          break;
        case DOUBLE_QUOTE:
        case SINGLE_QUOTE:
          value = this.quotedScalar();
          break;
        default:
          value = this.plain();
      }
      // A next line more indented would continue the scalar: the mapping or list this value
      // belongs to leaves that to the full reader.
      this.endLine();
      this.nextContent();
    }
    if (anchor !== undefined) this.anchors.set(anchor, { value, position: this.position, float: this.float, size: this.size, height: this.height });
    return value;
  }

  /** A plain scalar in block context, to the end of its line or a comment. */
  private plain(): YamlValue {
    const { text } = this;
    const start = this.pos;
    const first = text.charCodeAt(start);
    if (isIndicator(first) && !(first === DASH && !this.endsToken(start + 1))) throw OUTSIDE;
    let end = start;
    let i = start;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === LF) break;
      // `a: b: c` is refused; the full reader says so.
      if (code === COLON && this.endsToken(i + 1)) throw OUTSIDE;
      if (code === HASH && text.charCodeAt(i - 1) === SPACE) break;
      if (code !== SPACE) end = i + 1;
    }
    const position = this.here();
    this.pos = i;
    const resolved = resolvePlain(text.slice(start, end));
    this.setFacts(position, 1, 0, resolved.float);
    return resolved.value;
  }

  private quotedScalar(): string {
    const position = this.here();
    const value = this.quoted();
    this.setFacts(position, 1, 0, false);
    return value;
  }

  /** A quoted scalar that ends on its line, without escapes in double quotes. */
  private quoted(): string {
    const { text } = this;
    const quote = text.charCodeAt(this.pos);
    let value = '';
    let from = this.pos + 1;
    for (let i = from; ; i++) {
      const code = text.charCodeAt(i);
      if (i >= text.length || code === LF || (code === BACKSLASH && quote === DOUBLE_QUOTE)) throw OUTSIDE;
      if (code !== quote) continue;
      // '' stands for ' in single quotes.
      if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) {
        value += text.slice(from, i + 1);
        from = ++i + 1;
        continue;
      }
      this.pos = i + 1;
      return value + text.slice(from, i);
    }
  }

  /** `[…]` or `{…}` that closes on its line. */
  private flow(): YamlValue {
    const { text } = this;
    const position = this.here();
    const isList = text.charCodeAt(this.pos) === OPEN_BRACKET;
    const close = isList ? CLOSE_BRACKET : CLOSE_BRACE;
    const container: YamlValue[] | YamlMapping = isList ? [] : {};
    const build = new CollectionBuilder();
    this.enter();
    this.pos++;
    this.skipSpaces();
    if (text.charCodeAt(this.pos) === close) {
      this.pos++;
    } else {
      for (;;) {
        if (isList) {
          this.addItem(build, container as YamlValue[], this.flowNode());
        } else {
          const keyPosition = this.here();
          const first = text.charCodeAt(this.pos);
          const plainKey = first !== DOUBLE_QUOTE && first !== SINGLE_QUOTE;
          const key = plainKey ? this.flowPlainKey() : this.quoted();
          if (text.charCodeAt(this.pos) !== COLON || text.charCodeAt(this.pos + 1) !== SPACE) throw OUTSIDE;
          this.pos += 2;
          if (build.repeats(key)) throw OUTSIDE;
          this.skipSpaces();
          this.addEntry(build, container as YamlMapping, key, plainKey, keyPosition, this.flowNode());
        }
        this.skipSpaces();
        const next = text.charCodeAt(this.pos++);
        if (next === close) break;
        if (next !== COMMA) throw OUTSIDE;
        this.skipSpaces();
        // A comma before the closing bracket: the full reader's to judge.
        if (text.charCodeAt(this.pos) === close) throw OUTSIDE;
      }
    }
    return this.finish(build, container, position);
  }

  private flowNode(): YamlValue {
    switch (this.text.charCodeAt(this.pos)) {
      case OPEN_BRACKET:
      case OPEN_BRACE:
        return this.flow();
      case DOUBLE_QUOTE:
      case SINGLE_QUOTE:
        return this.quotedScalar();
      case STAR:
        return this.alias();
      default: {
        const position = this.here();
        const resolved = resolvePlain(this.flowPlain());
        this.setFacts(position, 1, 0, resolved.float);
        return resolved.value;
      }
    }
  }

  private flowPlainKey(): string {
    const key = resolvePlain(this.flowPlain()).value;
    if (typeof key !== 'string') throw OUTSIDE;
    return key;
  }

  /**
   * A plain scalar in a flow collection: up to `,`, `]`, `}` or `: ` (which only a key may be
   * followed by), without `#`, a bracket, a quote, or a `:` that YAML could read otherwise.
   */
  private flowPlain(): string {
    const { text } = this;
    const start = this.pos;
    const first = text.charCodeAt(start);
    // `-x` is a scalar; `-` before a space, a line break or a flow indicator is not.
    if (first === SPACE || first === LF || start >= text.length || (isIndicator(first) && !(first === DASH && !this.endsToken(start + 1) && !isFlowIndicator(text.charCodeAt(start + 1))))) throw OUTSIDE;
    let end = start;
    for (let i = start; ; i++) {
      const code = text.charCodeAt(i);
      if (i >= text.length || code === LF) throw OUTSIDE;
      if (code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE) break;
      if (code === COLON) {
        const next = text.charCodeAt(i + 1);
        if (next === SPACE) break;
        // `./data:/var/lib/app` is one scalar: a `:` ends nothing unless a space or a flow indicator follows.
        if (i + 1 >= text.length || next === LF || isFlowIndicator(next)) throw OUTSIDE;
        continue;
      }
      if (code === HASH || code === OPEN_BRACKET || code === OPEN_BRACE || code === DOUBLE_QUOTE || code === SINGLE_QUOTE) throw OUTSIDE;
      if (code !== SPACE) end = i + 1;
    }
    this.pos = end;
    return text.slice(start, end);
  }

  private alias(): YamlValue {
    const name = this.name(this.pos + 1);
    const anchored = this.anchors.get(name);
    if (anchored === undefined) throw OUTSIDE;
    this.aliasExpansion += anchored.size;
    if (this.aliasExpansion > MAX_ALIAS_EXPANSION || this.depth + anchored.height > MAX_COMMON_DEPTH) throw OUTSIDE;
    this.setFacts(anchored.position, anchored.size, anchored.height, anchored.float);
    return anchored.value;
  }

  /** An anchor or alias name starting at `from`; the cursor ends after it. */
  private name(from: number): string {
    let end = from;
    while (isNameCharacter(this.text.charCodeAt(end))) end++;
    if (end === from) throw OUTSIDE;
    this.pos = end;
    return this.text.slice(from, end);
  }

  private enter(): void {
    if (++this.depth > MAX_COMMON_DEPTH) throw OUTSIDE;
  }

  private setFacts(position: SourcePosition, size: number, height: number, float: boolean): void {
    this.position = position;
    this.size = size;
    this.height = height;
    this.float = float;
  }

  private here(): SourcePosition {
    return { file: this.file, line: this.line + 1, column: this.pos - this.lineStart + 1 };
  }

  private isListEntry(): boolean {
    return this.text.charCodeAt(this.pos) === DASH && this.endsToken(this.pos + 1);
  }

  /** Whether `offset` is past the end, a space or a line break: what must follow `-`, `:`, an anchor. */
  private endsToken(offset: number): boolean {
    const code = this.text.charCodeAt(offset);
    return offset >= this.text.length || code === SPACE || code === LF;
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  /** At the end of the line's content: its end, or a comment after a space. */
  private atLineEnd(): boolean {
    const code = this.text.charCodeAt(this.pos);
    return this.pos >= this.text.length || code === LF || (code === HASH && this.text.charCodeAt(this.pos - 1) === SPACE);
  }

  /** Moves past the rest of the line, which may hold only spaces and a comment. */
  private endLine(): void {
    this.skipSpaces();
    if (!this.atLineEnd()) throw OUTSIDE;
    const end = this.text.indexOf('\n', this.pos);
    if (end === -1) {
      this.pos = this.text.length;
      return;
    }
    this.pos = end + 1;
    this.line++;
    this.lineStart = this.pos;
  }

  /** Moves to the first character of the next line with content, past blank and comment lines. */
  private nextContent(): void {
    const { text } = this;
    for (;;) {
      let i = this.pos;
      while (text.charCodeAt(i) === SPACE) i++;
      if (i >= text.length) {
        this.pos = text.length;
        this.indent = -1;
        return;
      }
      const code = text.charCodeAt(i);
      if (code !== LF && code !== HASH) {
        this.indent = i - this.lineStart;
        this.pos = i;
        return;
      }
      const end = text.indexOf('\n', i);
      if (end === -1) {
        this.pos = text.length;
        this.indent = -1;
        return;
      }
      this.pos = end + 1;
      this.line++;
      this.lineStart = this.pos;
    }
  }
}
