/**
 * Every scalar of the manifest reaches the generated files as it was written, or is refused.
 *
 * YAML turns unquoted text into numbers, booleans and nulls: `1.10` is the number 1.1,
 * `0x1F` is 31, a 30-digit number loses its digits, and under `%YAML 1.1` `yes` is true,
 * `0777` is 511 and `1:30` is 90. A setting written to an env file or a build argument as
 * text would then silently hold another value than the one in the manifest; a value passed
 * through into a compose file would mean another thing to Compose, which reads YAML its own
 * way (go-yaml v3: `0777` is 511 there, 777 here). So each scalar is compared with what it
 * becomes where it lands, and a difference is a problem at its line, with a hint to quote it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import type { SourcePosition } from '../errors.js';
import { COMMON_ENV_FILE, environmentEnvFile } from '../layout.js';
import { resolvePlain, resolveTagged } from '../yaml/index.js';
import { positionOf, type YamlPath } from './locate.js';
import { PASS_THROUGH_KEYS } from './schema.js';

export interface ScalarProblem {
  position: SourcePosition;
  message: string;
}

/** Where a scalar lands: written as text (an env file, a build argument), passed through to Compose, or read by planes alone. */
type Destination = { kind: 'text'; key: string; file: string; quotedKey: string } | { kind: 'compose' } | { kind: 'planes' };

const CORE_TAG = /^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/;
const STANDARD_TAG_PREFIX = 'tag:yaml.org,2002:';
const PASSED_THROUGH = new Set<string>(PASS_THROUGH_KEYS);
const TOP_LEVEL_PASSED_THROUGH = new Set(['volumes', 'networks', 'configs']);
// A long number may be a credential (a numeric token): messages repeat only short scalars.
const MAX_QUOTED_LENGTH = 16;

export function scalarProblems(doc: Document, lines: LineCounter, file: string): ScalarProblem[] {
  const problems: ScalarProblem[] = [];
  const at = (node: Node): SourcePosition => positionOf(node, lines, file);
  // An alias is checked where it is used: an anchor under labels may be aliased under config.
  const open = new Set<Node>();

  function visit(node: unknown, path: YamlPath): void {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target !== undefined && !open.has(target)) visit(target, path);
      return;
    }
    if (isScalar(node)) {
      const problem = scalarProblem(node, destinationOf(path), path);
      if (problem !== undefined) problems.push({ position: at(node), message: problem });
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    const tagProblem = unreadTag(node.tag);
    if (tagProblem !== undefined) {
      problems.push({ position: at(node), message: `${subjectOf(path)}${tagProblem}` });
      return;
    }
    open.add(node);
    if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key : undefined;
        const keyProblem = key === undefined ? undefined : keyScalarProblem(key);
        if (key !== undefined && keyProblem !== undefined) problems.push({ position: at(key), message: keyProblem });
        visit(pair.value, [...path, key === undefined ? '' : String(key.value)]);
      }
    }
    open.delete(node);
  }

  visit(doc.contents, []);
  return problems;
}

function destinationOf(path: YamlPath): Destination {
  const [section, name, key, ...rest] = path.map(String);
  if (section === 'config' && name !== undefined) {
    if (key === undefined) return { kind: 'text', key: name, file: COMMON_ENV_FILE, quotedKey: name };
    if (rest.length === 0) return { kind: 'text', key: `${name} (${key})`, file: environmentEnvFile(key), quotedKey: key };
  }
  if (section === 'services' && key !== undefined) {
    if (key === 'build' && rest[0] === 'args' && rest.length === 2) return { kind: 'text', key: rest[1]!, file: 'the build arguments', quotedKey: rest[1]! };
    if (PASSED_THROUGH.has(key) || (key === 'overrides' && rest.length >= 2)) return { kind: 'compose' };
  }
  if (section !== undefined && TOP_LEVEL_PASSED_THROUGH.has(section) && name !== undefined) return { kind: 'compose' };
  return { kind: 'planes' };
}

function scalarProblem(scalar: Scalar, destination: Destination, path: YamlPath): string | undefined {
  const tagProblem = unreadTag(scalar.tag);
  if (tagProblem !== undefined) return `${subjectOf(path)}${tagProblem}`;
  const { value } = scalar;
  const written = scalar.source ?? '';
  switch (destination.kind) {
    case 'text':
      return typeof value === 'string' ? undefined : textProblem(value, written, destination);
    case 'compose':
      return scalar.type === 'PLAIN' ? composeProblem(scalar, written, path) : undefined;
    case 'planes':
      return undefined;
  }
}

/** A value written to a file as text must be the text of the manifest. */
function textProblem(value: unknown, written: string, { key, file, quotedKey }: Destination & { kind: 'text' }): string | undefined {
  const shown = written.length <= MAX_QUOTED_LENGTH;
  if (value === null) {
    if (written === '') return `${key}: has no value; write ${quotedKey}: "" for an empty one`;
    return `${key}: ${shown ? written : 'this'} is YAML's null, not a value; write it quoted to keep the text: ${quotedKey}: "${shown ? written : '…'}"`;
  }
  const text = String(value);
  if (text === written) return undefined;
  if (!shown) return `${key}: this ${written.length}-character value would not reach ${file} as written; write it quoted: ${quotedKey}: "…"`;
  return `${key}: ${written} would reach ${file} as ${text}; write it quoted to keep it as written: ${quotedKey}: "${written}"`;
}

/** A value passed through to a compose file must mean to Compose what it means to planes. */
function composeProblem(scalar: Scalar, written: string, path: YamlPath): string | undefined {
  let compose: unknown;
  try {
    compose = (scalar.tag === undefined ? resolvePlain(written) : resolveTagged(written, scalar.tag)).value;
  } catch {
    // A tag Compose cannot apply to this text: Compose reports it, where it reads the file.
    return undefined;
  }
  if (sameValue(scalar.value, compose)) return undefined;
  const shown = written.length <= MAX_QUOTED_LENGTH ? written : 'this value';
  return `${subjectOf(path)}planes would read ${shown} as ${describe(scalar.value)} and Compose as ${describe(compose)}; write it quoted if you mean the text, or in a form both read alike${octalHint(written)}`;
}

/** A mapping key becomes a string in the generated files; an unquoted `1.10:` would become `1.1`. */
function keyScalarProblem(key: Scalar): string | undefined {
  if (typeof key.value === 'string' || key.source === undefined || key.source === String(key.value)) return undefined;
  const shown = key.source.length <= MAX_QUOTED_LENGTH ? key.source : '…';
  return `the key ${shown === '…' ? 'here' : shown} would be read as ${key.value === null ? 'null' : String(key.value)}; write it quoted: "${shown}":`;
}

function unreadTag(tag: string | undefined): string | undefined {
  if (tag === undefined || CORE_TAG.test(tag)) return undefined;
  const shown = tag.startsWith(STANDARD_TAG_PREFIX) ? `!!${tag.slice(STANDARD_TAG_PREFIX.length)}` : tag;
  return `the tag ${shown} is not read in the manifest; remove it and write the value itself (quoted text, a number, a list or a mapping)`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return 'text';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isFinite(value) && String(value).length > MAX_QUOTED_LENGTH) return 'a long number';
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}

function octalHint(written: string): string {
  return /^0[0-7]+$/.test(written) ? ` (an octal number: 0o${written.slice(1)})` : '';
}

/** `services.api.labels.version: `, `services.api.ports[0]: ` */
function subjectOf(path: YamlPath): string {
  if (path.length === 0) return '';
  return `${path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`)).join('')}: `;
}
