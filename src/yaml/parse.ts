/**
 * YAML as Docker Compose reads it, as plain JavaScript data whose every mapping key, value
 * and list item has its file, line and column in the origins table.
 *
 * js-yaml's event parser does the syntax, on the text as go-yaml v3 (Compose's reader) lays it
 * out (`go-layout.ts`: indentation inside flow collections and quoted scalars does not count,
 * tabs count more); this builds the values from its events the way go-yaml would:
 * - scalars resolve as in `scalars.ts`; mapping keys must be strings, and may not repeat;
 * - an alias is the anchored value itself (the same object), so whatever is found through
 *   it is located at the anchor; aliases may not expand the document without bound;
 * - `<<` merges mappings in: keys written in the mapping win, then earlier merged mappings
 *   over later ones; merged entries keep the origins of the mapping they came from;
 * - Compose's `!reset` drops the entry (before `<<` merges, so a merged value comes back, as
 *   in Compose) and leaves a `!reset` origin for the merge stage; `!override` is recorded.
 * Most compose files never need it: `common-shape.ts` reads their usual shape quicker, to the
 * same values and origins, and leaves every other text to this full reader.
 */
import { COLLECTION_STYLE, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException, type Event, type ScalarEvent } from 'js-yaml';
import { InputError, type SourcePosition } from '../errors.js';
import { assign, type ComposeTag, type Origin } from './origins.js';
import { CollectionBuilder, MAX_ALIAS_EXPANSION, MAX_DEPTH, type Anchored, type YamlMapping, type YamlValue } from './values.js';
import { goYamlLayout } from './go-layout.js';
import { readCommonShape } from './common-shape.js';
import { LineIndex } from './lines.js';
import { resolvePlain, resolveTagged, ScalarTagError, type Resolved } from './scalars.js';

export { isMapping, MAX_ALIAS_EXPANSION, type YamlMapping, type YamlValue } from './values.js';
const BYTE_ORDER_MARK = '\uFEFF';
const STANDARD_TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * Every document of a YAML stream, in order; an empty document (`---` with nothing after it) is
 * null, and a text without any (only comments) has none.
 */
export function parseYaml(text: string, file: string): YamlValue[] {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  return readCommonShape(source, file) ?? readAnyYaml(source, file);
}

/** The full reader: every YAML text go-yaml reads, and every error it finds, in planes' words. */
export function readAnyYaml(source: string, file: string): YamlValue[] {
  const lines = new LineIndex(source, file);
  let events: Event[];
  let joined: string | undefined;
  try {
    events = parseEvents(source, { maxDepth: MAX_DEPTH });
    // go-yaml refuses tabs and YAML versions that js-yaml reads; only a text with either needs the scan.
    if (source.includes('\t') || source.includes('%YAML')) refuseWhatGoYamlRefuses(goYamlLayout(source).refusal, lines);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    // Often a layout go-yaml reads (a flow collection's lines less indented than its key): read
    // the text as go-yaml lays it out.
    const layout = goYamlLayout(source);
    refuseWhatGoYamlRefuses(layout.refusal, lines);
    if (layout.joined === undefined) throw syntaxError(error, lines);
    joined = layout.joined;
    try {
      events = parseEvents(joined, { maxDepth: MAX_DEPTH });
    } catch (again) {
      if (again instanceof YAMLException) throw syntaxError(again, lines);
      throw again;
    }
  }
  return new DocumentBuilder(source, joined, events, lines).documents();
}

function refuseWhatGoYamlRefuses(refusal: { offset: number; message: string } | undefined, lines: LineIndex): void {
  if (refusal !== undefined) throw new InputError(lines.position(refusal.offset), `invalid YAML: ${refusal.message}`);
}

/**
 * Refuses a document that nests past MAX_DEPTH, before a parser that recurses (the manifest's)
 * runs out of stack on it. Every other syntax error is left to that parser to report.
 */
export function refuseDeepNesting(text: string, file: string): void {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  try {
    parseEvents(source, { maxDepth: MAX_DEPTH });
  } catch (error) {
    if (error instanceof YAMLException && error.reason.startsWith(NESTING_EXCEEDED)) throw syntaxError(error, new LineIndex(source, file));
  }
}

// How js-yaml says that a document nests past maxDepth.
const NESTING_EXCEEDED = 'nesting exceeded maxDepth';

function syntaxError(error: YAMLException, lines: LineIndex): InputError {
  // `reason` is the parser's message without its source excerpt, which could hold a secret.
  const position = error.mark ? lines.position(error.mark.position) : { file: lines.file, line: 1, column: 1 };
  // js-yaml says so in its own words; the limit is planes', and so is the advice.
  if (error.reason.startsWith(NESTING_EXCEEDED)) return new InputError(position, tooDeep('the YAML'));
  return new InputError(position, `invalid YAML: ${error.reason}`);
}

/** The message for a document nested past MAX_DEPTH, however it got there. */
function tooDeep(what: string): string {
  return `${what} nests more than ${MAX_DEPTH} levels deep, where a configuration file needs a few; planes refuses to read it: is it the right file?`;
}

/** What building one node gives besides its value; kept in fields to spare an object per node. */
interface NodeFacts {
  position: SourcePosition;
  tag: string | undefined;
  float: boolean;
  size: number;
  height: number;
}

class DocumentBuilder {
  private next = 0;
  private anchors = new Map<string, Anchored>();
  private aliasExpansion = 0;
  /** The collections open around the node being built. */
  private depth = 0;
  private readonly facts: NodeFacts = { position: { file: '', line: 0, column: 0 }, tag: undefined, float: false, size: 0, height: 0 };

  /**
   * `joined`: the text the parser read, when line breaks of `source` were joined; a scalar
   * that spans one is read from `source`, so that its lines fold as written.
   */
  constructor(
    private readonly source: string,
    private readonly joined: string | undefined,
    private readonly events: Event[],
    private readonly lines: LineIndex,
  ) {}

  documents(): YamlValue[] {
    const documents: YamlValue[] = [];
    while (this.next < this.events.length) {
      const event = this.events[this.next++];
      if (event?.type !== EVENT_ID.DOCUMENT) continue;
      // Anchors do not reach from one document into the next.
      this.anchors = new Map();
      documents.push(this.node(this.lines.position(0)));
      this.expectPop();
    }
    return documents;
  }

  /** Builds the node at the cursor; `fallback` locates a node that has no text of its own. */
  private node(fallback: SourcePosition): YamlValue {
    const event = this.events[this.next++];
    switch (event?.type) {
      case EVENT_ID.SCALAR:
        return this.scalar(event, fallback);
      case EVENT_ID.MAPPING:
        return this.anchor(event, this.mapping(this.lines.position(event.start), this.tagOf(event), event.style === COLLECTION_STYLE.FLOW));
      case EVENT_ID.SEQUENCE:
        return this.anchor(event, this.sequence(this.lines.position(event.start), this.tagOf(event)));
      case EVENT_ID.ALIAS:
        return this.alias(event.anchorStart, event.anchorEnd);
      default:
        throw new Error(`unexpected YAML event ${String(event?.type)}`);
    }
  }

  private scalar(event: ScalarEvent, fallback: SourcePosition): YamlValue {
    const facts = this.facts;
    facts.position = this.scalarPosition(event, fallback);
    facts.tag = this.tagOf(event);
    facts.size = 1;
    facts.height = 0;
    const text = this.scalarText(event);
    let resolved: Resolved;
    if (facts.tag !== undefined) {
      try {
        resolved = resolveTagged(text, facts.tag);
      } catch (error) {
        if (error instanceof ScalarTagError) throw new InputError(facts.position, error.message);
        throw error;
      }
    } else if (event.style === SCALAR_STYLE.PLAIN) {
      resolved = resolvePlain(text);
    } else {
      resolved = { value: text, float: false };
    }
    facts.float = resolved.float;
    return this.anchor(event, resolved.value);
  }

  private scalarText(event: ScalarEvent): string {
    const { source, joined } = this;
    if (joined !== undefined && event.valueStart !== -1 && joined.slice(event.valueStart, event.valueEnd) !== source.slice(event.valueStart, event.valueEnd)) {
      return getScalarValue(source, { ...event, fast: false });
    }
    return event.fast ? source.slice(event.valueStart, event.valueEnd) : getScalarValue(source, event);
  }

  private scalarPosition(event: ScalarEvent, fallback: SourcePosition): SourcePosition {
    const { valueStart } = event;
    if (valueStart === -1) {
      // An empty scalar has no text: point at its tag or anchor, or where its entry is.
      if (event.tagStart !== -1) return this.lines.position(event.tagStart);
      if (event.anchorStart !== -1) return this.lines.position(event.anchorStart - 1);
      return fallback;
    }
    switch (event.style) {
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        return this.lines.position(valueStart - 1);
      case SCALAR_STYLE.LITERAL_BLOCK:
      case SCALAR_STYLE.FOLDED_BLOCK:
        return this.lines.position(valueStart + Math.max(event.indent, 0));
      default:
        return this.lines.position(valueStart);
    }
  }

  private mapping(position: SourcePosition, tag: string | undefined, flow: boolean): YamlValue {
    const mapping: YamlMapping = {};
    // Every key written, `!reset` ones included; the origins table gets it whole at the end.
    const build = new CollectionBuilder();
    this.depth++;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const keyEvent = this.events[this.next];
      const isMergeKey = keyEvent?.type === EVENT_ID.SCALAR && keyEvent.style === SCALAR_STYLE.PLAIN && keyEvent.tagStart === -1;
      const key = this.node(position);
      const keyPosition = this.facts.position;
      if (typeof key !== 'string') {
        throw new InputError(keyPosition, 'Compose needs every mapping key to be a string: quote this key');
      }
      if (flow && keyEvent?.type === EVENT_ID.SCALAR) this.refuseKeyOverLines(keyEvent);
      if (build.repeats(key)) {
        throw new InputError(keyPosition, `duplicate key "${key}" in this mapping: remove one of them`);
      }
      const value = this.node(keyPosition);
      const { position: valuePosition, tag: valueTag, float } = this.facts;
      build.count(this.facts.size, this.facts.height);
      if (isMergeKey && key === '<<') {
        build.mergeLater(value, valuePosition);
        continue;
      }
      const origin: Origin = { key: keyPosition, value: valuePosition };
      const composeTag = asComposeTag(valueTag);
      if (composeTag !== undefined) origin.tag = composeTag;
      if (float) origin.float = true;
      if (composeTag !== '!reset') assign(mapping, key, value);
      build.origins.set(key, origin);
    }
    this.next++;
    this.depth--;
    build.finish(mapping);
    this.setFacts(position, tag, build.size, build.height);
    return mapping;
  }

  /**
   * go-yaml reads an implicit key in a flow collection only on one line with its `:` (js-yaml
   * reads `{a⏎: 1}` as `{a: 1}`; Compose refuses it). An explicit key (`? a⏎: 1`) may span lines.
   */
  private refuseKeyOverLines(key: ScalarEvent): void {
    if (key.valueStart === -1) return;
    const quoted = key.style === SCALAR_STYLE.SINGLE_QUOTED || key.style === SCALAR_STYLE.DOUBLE_QUOTED;
    const start = quoted ? key.valueStart - 1 : key.valueStart;
    let colon = quoted ? key.valueEnd + 1 : key.valueEnd;
    const { source } = this;
    while (colon < source.length && /\s/.test(source.charAt(colon))) colon++;
    if (source.charAt(colon) !== ':' || !/[\r\n]/.test(source.slice(start, colon))) return;
    let before = start - 1;
    while (before >= 0 && /\s/.test(source.charAt(before))) before--;
    if (source.charAt(before) === '?') return;
    throw new InputError(this.lines.position(colon), "this ':' ends a key that starts on an earlier line, which Compose's YAML reader refuses in a flow collection: keep the key and its ':' on one line");
  }

  private sequence(position: SourcePosition, tag: string | undefined): YamlValue {
    const sequence: YamlValue[] = [];
    const build = new CollectionBuilder();
    this.depth++;
    while (this.events[this.next]?.type !== EVENT_ID.POP) {
      const item = this.node(position);
      const { position: itemPosition, tag: itemTag, float } = this.facts;
      build.count(this.facts.size, this.facts.height);
      const composeTag = asComposeTag(itemTag);
      // Compose drops a `!reset` list item and cannot apply it to another file's list.
      if (composeTag === '!reset') continue;
      const origin: Origin = { value: itemPosition };
      if (composeTag !== undefined) origin.tag = composeTag;
      if (float) origin.float = true;
      build.origins.set(sequence.length, origin);
      sequence.push(item);
    }
    this.next++;
    this.depth--;
    build.finish(sequence);
    this.setFacts(position, tag, build.size, build.height);
    return sequence;
  }

  private alias(nameStart: number, nameEnd: number): YamlValue {
    const name = this.source.slice(nameStart, nameEnd);
    const position = this.lines.position(nameStart - 1);
    const anchored = this.anchors.get(name);
    if (anchored === undefined) throw new InputError(position, `alias *${name} names no anchor defined before it`);
    this.aliasExpansion += anchored.size;
    if (this.aliasExpansion > MAX_ALIAS_EXPANSION) {
      throw new InputError(
        position,
        `aliases expand this document to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?); planes refuses to read it`,
      );
    }
    // The parser bounds the nesting of the text; an alias of a deep value inside another deep
    // value nests deeper still, and a chain of such aliases as deep as it likes.
    if (this.depth + anchored.height > MAX_DEPTH) throw new InputError(position, tooDeep('through this alias, the YAML'));
    // The alias stands for the anchored node: same value, same position.
    this.facts.position = anchored.position;
    this.facts.tag = undefined;
    this.facts.float = anchored.float;
    this.facts.size = anchored.size;
    this.facts.height = anchored.height;
    return anchored.value;
  }

  /** Records the anchor of the node just built, once it is complete (so it cannot contain itself). */
  private anchor(event: { anchorStart: number; anchorEnd: number }, value: YamlValue): YamlValue {
    if (event.anchorStart !== -1) {
      const { position, float, size, height } = this.facts;
      this.anchors.set(this.source.slice(event.anchorStart, event.anchorEnd), { value, position, float, size, height });
    }
    return value;
  }

  private setFacts(position: SourcePosition, tag: string | undefined, size: number, height: number): void {
    this.facts.position = position;
    this.facts.tag = tag;
    this.facts.float = false;
    this.facts.size = size;
    this.facts.height = height;
  }

  private tagOf(event: { tagStart: number; tagEnd: number }): string | undefined {
    if (event.tagStart === -1) return undefined;
    const written = this.source.slice(event.tagStart, event.tagEnd);
    if (written.startsWith('!!')) return STANDARD_TAG_PREFIX + written.slice(2);
    if (written.startsWith('!<') && written.endsWith('>')) return written.slice(2, -1);
    return written;
  }

  private expectPop(): void {
    if (this.events[this.next]?.type === EVENT_ID.POP) this.next++;
  }
}

function asComposeTag(tag: string | undefined): ComposeTag | undefined {
  return tag === '!reset' || tag === '!override' ? tag : undefined;
}
