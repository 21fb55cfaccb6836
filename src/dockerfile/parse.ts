import { InputError, type SourcePosition } from '../errors.js';
import { isWhitespace, splitWords, unquote, type Word } from './words.js';

/**
 * A Dockerfile parser for the checker: every instruction with the place it was written,
 * and the parts a secret can hide in (ARG/ENV/LABEL entries, RUN mounts, heredoc bodies).
 * It follows BuildKit's parser: parser directives, line continuations with the escape
 * character, comment and blank lines inside continuations, heredocs for RUN/COPY/ADD.
 */

const KEYWORDS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;

export type DockerfileKeyword = (typeof KEYWORDS)[number];

export interface InstructionFlag {
  /** Without the leading `--`: `mount`, `platform`, `from`. */
  name: string;
  /** Quotes removed; undefined for a bare `--flag`. */
  value: string | undefined;
  line: number;
  column: number;
}

export interface Heredoc {
  /** The delimiter word, quotes removed: `EOF`. */
  name: string;
  /** The lines between the instruction and the delimiter, each ending in `\n`. */
  body: string;
  /** Line of the first body line. */
  line: number;
}

export interface DockerfileEntry {
  keyword: 'ARG' | 'ENV' | 'LABEL';
  key: string;
  /** As written after `=` (or after the key in the legacy `ENV KEY value` form); undefined for `ARG NAME`. */
  rawValue: string | undefined;
  /** rawValue with quotes and escapes processed as Docker does; `$VAR` references stay as written. */
  value: string | undefined;
  /** Where the key was written. */
  line: number;
  column: number;
}

export type ArgOrEnvEntry = DockerfileEntry & { keyword: 'ARG' | 'ENV' };

interface InstructionBase {
  /** Where the keyword was written. */
  line: number;
  column: number;
  /** Last line of the instruction, continuation lines and heredoc bodies included. */
  endLine: number;
  flags: InstructionFlag[];
  /** Everything after the keyword and its flags, continuation lines joined. */
  argumentText: string;
  /** RUN, COPY and ADD only. */
  heredocs: Heredoc[];
}

export interface KeyValueInstruction extends InstructionBase {
  keyword: 'ARG' | 'ENV' | 'LABEL';
  entries: DockerfileEntry[];
}

export interface FromInstruction extends InstructionBase {
  keyword: 'FROM';
  image: string;
  /** The name after `AS`. */
  stage: string | undefined;
}

export interface RunMount {
  /** `bind` when the mount does not say. */
  type: string;
  /** Every `key=value` of the mount, keys lower-cased; a bare `key` maps to `true`. */
  options: Readonly<Record<string, string>>;
  line: number;
  column: number;
}

export interface RunInstruction extends InstructionBase {
  keyword: 'RUN';
  mounts: RunMount[];
}

export interface OnbuildInstruction extends InstructionBase {
  keyword: 'ONBUILD';
  /** The instruction that runs in images built FROM this one. */
  trigger: DockerfileInstruction;
}

export interface OtherInstruction extends InstructionBase {
  keyword: Exclude<DockerfileKeyword, KeyValueInstruction['keyword'] | 'FROM' | 'RUN' | 'ONBUILD'>;
}

export type DockerfileInstruction =
  | KeyValueInstruction
  | FromInstruction
  | RunInstruction
  | OnbuildInstruction
  | OtherInstruction;

/**
 * `file` names the Dockerfile in the errors only: instructions hold lines and columns, so that
 * services building Dockerfiles of the same text can share one parse.
 */
export function parseDockerfile(text: string, file: string): DockerfileInstruction[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((line) => line.replace(/\r$/, ''));
  const context: ParseContext = { file, lines, escape: readEscapeDirective(lines, file), next: 0 };
  const instructions: DockerfileInstruction[] = [];
  while (context.next < lines.length) {
    const line = lines[context.next] as string;
    if (isBlank(line) || isComment(line)) {
      context.next++;
      continue;
    }
    instructions.push(parseInstruction(readLogicalLine(context), 0, context));
  }
  return instructions;
}

/** The ARG and ENV entries of a Dockerfile, ONBUILD ones included: they land in child images. */
export function argAndEnvEntries(instructions: readonly DockerfileInstruction[]): ArgOrEnvEntry[] {
  return instructions.flatMap((instruction) => {
    const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
    return target.keyword === 'ARG' || target.keyword === 'ENV' ? (target.entries as ArgOrEnvEntry[]) : [];
  });
}

interface ParseContext {
  file: string;
  lines: string[];
  escape: string;
  /** Index of the next line not yet consumed. */
  next: number;
}

/** One instruction's text with its continuation lines joined, and where each piece came from. */
interface LogicalLine {
  text: string;
  segments: { offset: number; line: number; column: number }[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);

function readEscapeDirective(lines: readonly string[], file: string): string {
  let escape = '\\';
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const match = DIRECTIVE.exec(line.trimStart());
    const name = match?.[1]?.toLowerCase();
    // Directives end at the first line that is not one, unknown directives included.
    if (match === null || name === undefined || !KNOWN_DIRECTIVES.has(name)) break;
    const position = { file, line: index + 1, column: 1 };
    if (seen.has(name)) throw new InputError(position, `the ${name} parser directive may appear only once`);
    seen.add(name);
    if (name === 'escape') {
      const value = match[2] as string;
      if (value !== '\\' && value !== '`') {
        throw new InputError(position, 'the escape parser directive accepts only \\ or `');
      }
      escape = value;
    }
  }
  return escape;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

function readLogicalLine(context: ParseContext): LogicalLine {
  const logical: LogicalLine = { text: '', segments: [] };
  let first = true;
  while (context.next < context.lines.length) {
    const lineNumber = context.next + 1;
    const raw = context.lines[context.next] as string;
    context.next++;
    // BuildKit drops comment and blank lines inside a continuation.
    if (!first && (isBlank(raw) || isComment(raw))) continue;
    const indent = first ? raw.length - raw.trimStart().length : 0;
    const { content, continues } = stripContinuation(raw.slice(indent), context.escape);
    logical.segments.push({ offset: logical.text.length, line: lineNumber, column: indent + 1 });
    logical.text += content;
    first = false;
    if (!continues) break;
  }
  return logical;
}

function stripContinuation(line: string, escape: string): { content: string; continues: boolean } {
  const end = line.replace(/[ \t]+$/, '').length;
  // An escaped escape character (`\\`) at the end of a line is literal, not a continuation.
  const continues = line[end - 1] === escape && line[end - 2] !== escape;
  return continues ? { content: line.slice(0, end - 1), continues } : { content: line, continues };
}

function positionAt(logical: LogicalLine, offset: number, file: string): SourcePosition {
  let segment = logical.segments[0] as LogicalLine['segments'][number];
  for (const candidate of logical.segments) {
    if (candidate.offset > offset) break;
    segment = candidate;
  }
  return { file, line: segment.line, column: segment.column + offset - segment.offset };
}

function parseInstruction(logical: LogicalLine, from: number, context: ParseContext): DockerfileInstruction {
  const { text } = logical;
  const at = (offset: number): SourcePosition => positionAt(logical, offset, context.file);
  let keywordStart = from;
  while (isWhitespace(text[keywordStart])) keywordStart++;
  let keywordEnd = keywordStart;
  while (keywordEnd < text.length && !isWhitespace(text[keywordEnd])) keywordEnd++;
  const keyword = text.slice(keywordStart, keywordEnd).toUpperCase();
  if (!isKeyword(keyword)) {
    // The unknown word is not echoed: a line that lost its continuation may be a value.
    throw new InputError(
      at(keywordStart),
      'unknown Dockerfile instruction (is the line continuation missing on the line before?)',
    );
  }

  const words = splitWords(text, context.escape, keywordEnd);
  const flags: InstructionFlag[] = [];
  let argumentIndex = 0;
  for (const word of words) {
    if (!word.raw.startsWith('--')) break;
    argumentIndex++;
    if (word.raw === '--') break;
    flags.push(parseFlag(word, at(word.start), context.escape));
  }
  const argumentWords = words.slice(argumentIndex);
  const firstArgument = argumentWords[0];
  const argumentText = firstArgument === undefined ? '' : text.slice(firstArgument.start).trimEnd();
  const { line, column } = at(keywordStart);
  const heredocs =
    (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && !isJsonArray(argumentText)
      ? readHeredocs(argumentWords, at, context)
      : [];
  // Read after the heredocs, which extend the instruction past its own lines.
  const endLine = context.next;
  // Object literals written out in one property order, not spread from a common base: V8
  // builds spreads of differently shaped objects on a slow path, which cost a check of 500
  // small Dockerfiles more than everything else in parsing them.
  switch (keyword) {
    case 'ARG': {
      const entries = argumentWords.map((word) => argEntry(word, at, context.escape));
      return { keyword, line, column, endLine, flags, argumentText, heredocs, entries };
    }
    case 'ENV':
    case 'LABEL': {
      const entries = nameValueEntries(keyword, argumentWords, logical, at, context);
      return { keyword, line, column, endLine, flags, argumentText, heredocs, entries };
    }
    case 'FROM': {
      const { image, stage } = fromParts(argumentWords, { file: context.file, line, column });
      return { keyword, line, column, endLine, flags, argumentText, heredocs, image, stage };
    }
    case 'RUN': {
      const mounts = flags.filter((flag) => flag.name === 'mount').map(mountOf);
      return { keyword, line, column, endLine, flags, argumentText, heredocs, mounts };
    }
    case 'ONBUILD': {
      const trigger = onbuildTrigger(logical, firstArgument, { file: context.file, line, column }, context);
      return { keyword, line, column, endLine: trigger.endLine, flags, argumentText, heredocs, trigger };
    }
    default:
      return { keyword, line, column, endLine, flags, argumentText, heredocs };
  }
}

function isKeyword(word: string): word is DockerfileKeyword {
  return (KEYWORDS as readonly string[]).includes(word);
}

function lineAndColumn(position: SourcePosition): { line: number; column: number } {
  return { line: position.line, column: position.column };
}

function parseFlag(word: Word, position: SourcePosition, escape: string): InstructionFlag {
  const body = word.raw.slice(2);
  const equals = body.indexOf('=');
  return {
    name: equals === -1 ? body : body.slice(0, equals),
    value: equals === -1 ? undefined : unquote(body.slice(equals + 1), escape),
    ...lineAndColumn(position),
  };
}

function mountOf(flag: InstructionFlag): RunMount {
  const fields = (flag.value ?? '').split(',').filter((field) => field !== '');
  const options: Record<string, string> = Object.fromEntries(
    fields.map((field) => {
      const equals = field.indexOf('=');
      return equals === -1
        ? [field.toLowerCase(), 'true']
        : [field.slice(0, equals).toLowerCase(), field.slice(equals + 1)];
    }),
  );
  return { type: options['type'] ?? 'bind', options, line: flag.line, column: flag.column };
}

function isJsonArray(text: string): boolean {
  if (!text.startsWith('[')) return false;
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

const HEREDOC = /^\d*<<(-?)([^<]*)$/;

function readHeredocs(words: readonly Word[], at: (offset: number) => SourcePosition, context: ParseContext): Heredoc[] {
  const heredocs: Heredoc[] = [];
  for (const word of words) {
    const match = HEREDOC.exec(word.raw);
    const name = match === null ? '' : unquote(match[2] as string, context.escape);
    if (match === null || name === '') continue;
    // `<<-` lets the delimiter line be indented with tabs.
    const chomp = match[1] === '-';
    const line = context.next + 1;
    let body = '';
    let terminated = false;
    while (context.next < context.lines.length && !terminated) {
      const candidate = context.lines[context.next] as string;
      context.next++;
      terminated = (chomp ? candidate.replace(/^\t+/, '') : candidate) === name;
      if (!terminated) body += `${candidate}\n`;
    }
    if (!terminated) throw new InputError(at(word.start), `unterminated heredoc: no line reads ${name}`);
    heredocs.push({ name, body, line });
  }
  return heredocs;
}

function argEntry(word: Word, at: (offset: number) => SourcePosition, escape: string): DockerfileEntry {
  const equals = word.raw.indexOf('=');
  const rawKey = equals === -1 ? word.raw : word.raw.slice(0, equals);
  const rawValue = equals === -1 ? undefined : word.raw.slice(equals + 1);
  return entry('ARG', rawKey, rawValue, at(word.start), escape);
}

function nameValueEntries(
  keyword: 'ENV' | 'LABEL',
  words: readonly Word[],
  logical: LogicalLine,
  at: (offset: number) => SourcePosition,
  context: ParseContext,
): DockerfileEntry[] {
  const [first] = words;
  if (first === undefined) throw new InputError(at(logical.text.length), `${keyword} needs KEY=value`);
  if (!first.raw.includes('=')) {
    // Legacy form `ENV KEY value with spaces`: the value is the rest of the instruction.
    let valueStart = first.end;
    while (isWhitespace(logical.text[valueStart])) valueStart++;
    const rawValue = logical.text.slice(valueStart).trimEnd();
    if (rawValue === '') throw new InputError(at(first.start), `${keyword} needs a value: write ${keyword} KEY=value`);
    return [entry(keyword, first.raw, rawValue, at(first.start), context.escape)];
  }
  return words.map((word) => {
    const equals = word.raw.indexOf('=');
    // Not echoed: a word without `=` may be a stray part of a value.
    if (equals === -1) throw new InputError(at(word.start), `${keyword} expects KEY=value pairs`);
    return entry(keyword, word.raw.slice(0, equals), word.raw.slice(equals + 1), at(word.start), context.escape);
  });
}

function entry(
  keyword: DockerfileEntry['keyword'],
  rawKey: string,
  rawValue: string | undefined,
  position: SourcePosition,
  escape: string,
): DockerfileEntry {
  const key = unquote(rawKey, escape);
  if (key === '') throw new InputError(position, `${keyword} needs a name before =`);
  return {
    keyword,
    key,
    rawValue,
    value: rawValue === undefined ? undefined : unquote(rawValue, escape),
    ...lineAndColumn(position),
  };
}

function fromParts(words: readonly Word[], position: SourcePosition): { image: string; stage: string | undefined } {
  const [image, asWord, stage] = words;
  if (image === undefined) throw new InputError(position, 'FROM needs an image');
  return { image: image.raw, stage: asWord?.raw.toLowerCase() === 'as' ? stage?.raw : undefined };
}

const NOT_TRIGGERS: ReadonlySet<DockerfileKeyword> = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

function onbuildTrigger(
  logical: LogicalLine,
  firstArgument: Word | undefined,
  position: SourcePosition,
  context: ParseContext,
): DockerfileInstruction {
  if (firstArgument === undefined) throw new InputError(position, 'ONBUILD needs an instruction');
  const trigger = parseInstruction(logical, firstArgument.start, context);
  if (NOT_TRIGGERS.has(trigger.keyword)) {
    throw new InputError(position, `ONBUILD cannot trigger ${trigger.keyword}`);
  }
  return trigger;
}
