import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument, visit, type Alias, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { InputError, UsageError, formatPosition, type SourcePosition } from '../errors.js';
import { readTextFile } from '../fs/index.js';
import { refuseDeepNesting } from '../yaml/index.js';
import { locate, positionOf, type YamlPath } from './locate.js';
import { scalarProblems } from './scalars.js';
import { manifestSchema, type Manifest } from './schema.js';
import { semanticProblems } from './rules.js';

export interface ManifestProblem {
  position: SourcePosition;
  message: string;
}

/** Every problem of a manifest at once, each with its place, so one run shows them all. */
export class ManifestError extends UsageError {
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map((p) => `${formatPosition(p.position)}: ${p.message}`).join('\n'));
  }
}

export interface LoadedManifest {
  manifest: Manifest;
  /** The manifest path as given, relative to the working directory when possible. */
  file: string;
  /** Where a path of the manifest was written. */
  locate(path: YamlPath): SourcePosition;
}

export function loadManifest(path: string, cwd = process.cwd()): LoadedManifest {
  const file = relative(cwd, path) || path;
  if (!existsSync(path)) throw new UsageError(`${file}: no manifest here; create it (see README "The manifest") or pass --manifest PATH`);
  // Binary data, text that is not UTF-8 and oversized files are refused as for every configuration file.
  return parseManifest(readTextFile(path, file), file);
}

export function parseManifest(text: string, file: string): LoadedManifest {
  const start = { file, line: 1, column: 1 };
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    throw new ManifestError([{ position: start, message: 'the manifest is empty; it needs at least name:, environments: and services: (see README "The manifest")' }]);
  }

  try {
    // The yaml package recurses as deep as the document nests: past a limit, it would say
    // "Maximum call stack size exceeded".
    refuseDeepNesting(text, file);
  } catch (error) {
    if (error instanceof InputError) throw new ManifestError([{ position: error.position, message: error.problem }]);
    throw error;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  const where = (path: YamlPath) => locate(doc, lines, file, path);
  if (doc.errors.length > 0) {
    throw new ManifestError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return { position: pos ? { file, line: pos.line, column: pos.col } : start, message: yamlProblem(error) };
      }),
    );
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new ManifestError([aliasProblem(doc, lines, file)]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ManifestError([{ position: start, message: 'the manifest must be a YAML mapping with name:, environments: and services:' }]);
  }
  // Before the schema, which would only say "Invalid input" of a `.inf` or a `!!binary` value.
  const changed = scalarProblems(doc, lines, file);
  if (changed.length > 0) throw new ManifestError(sortProblems(changed));

  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    throw new ManifestError(sortProblems(parsed.error.issues.flatMap((issue) => schemaProblems(issue, data, where))));
  }
  const problems = semanticProblems(parsed.data, file).map(({ path, message }) => ({ position: where(path), message }));
  if (problems.length > 0) throw new ManifestError(sortProblems(problems));
  return { manifest: parsed.data, file, locate: where };
}

/**
 * Why the yaml package would not build the data: an alias used before its anchor is defined,
 * or else aliases that expand past the count (a billion-laughs document).
 */
function aliasProblem(doc: Document, lines: LineCounter, file: string): ManifestProblem {
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      unresolved = alias;
      return visit.BREAK;
    },
  });
  if (unresolved !== undefined) {
    return { position: positionOf(unresolved, lines, file), message: `the alias *${unresolved.source} names no anchor defined before it; write &${unresolved.source} on a value above, or move the anchor up` };
  }
  return { position: { file, line: 1, column: 1 }, message: 'too many alias expansions (an alias bomb?); a manifest needs few anchors and aliases' };
}

function yamlProblem(error: YAMLError): string {
  // The yaml package would advise one of its own functions.
  if (error.code === 'MULTIPLE_DOCS') {
    return 'a second YAML document starts here (---); the manifest is one document: remove this --- line, and merge what follows it into the document above';
  }
  // yaml appends " at line N, column M" and a code frame; the position is ours to print.
  return `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
}

function schemaProblems(issue: z.core.$ZodIssue, data: unknown, where: (path: YamlPath) => SourcePosition): ManifestProblem[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ position: where([...path, key]), message: unknownKeyMessage(key, path) }));
  }
  if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) {
    return [{ position: where(path), message: `${String(path.at(-1))}: is required here` }];
  }
  if (issue.code === 'invalid_union') {
    // Report inside the alternative whose shape the input has, not a bare "invalid input".
    const matching = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
    if (matching.length === 1) return matching[0]!.flatMap((inner) => schemaProblems({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, data, where));
  }
  if (issue.code === 'invalid_key') {
    return [{ position: where(path), message: `${String(path.at(-1))}: ${issue.issues[0]?.message ?? issue.message}` }];
  }
  const subject = path.length > 0 ? `${String(path.at(-1))}: ` : '';
  // zod's own wording starts with "Invalid input"; the schema's messages already say what to do.
  const message = issue.code === 'invalid_type' && issue.message.startsWith('Invalid input') ? `must be ${article(issue.expected)}` : issue.message;
  return [{ position: where(path), message: `${subject}${message}` }];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function unknownKeyMessage(key: string, parentPath: readonly PropertyKey[]): string {
  const inService = parentPath.length === 2 && parentPath[0] === 'services';
  if (inService && (key === 'environment' || key === 'env_file')) {
    return `${key}: planes writes environment and env_file itself; put non-secret settings under config: and list them in the service's config:, and secrets under secrets:`;
  }
  return `${key}: unknown key here; remove it or check its spelling (the schema: planes schema)`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  return problems.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}
