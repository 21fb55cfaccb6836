/**
 * Validation of one compose file against the Compose Specification JSON Schema, the check
 * `docker compose` makes of every file it reads. Compose validates a file after interpolation
 * (`pull_policy: ${POLICY}` only matches its pattern once filled in) and before merging it
 * with the others, so callers pass the interpolated data of a single file.
 *
 * Every error is reported, on the node to fix. ajv's raw output for one mistake is often
 * several errors (one per alternative of a `oneOf`); each is collapsed here into the one
 * sentence a person needs. Messages name key paths and schema terms, never a value of the file.
 *
 * The schema is the one the dclint package ships, compiled ahead of time by
 * scripts/generate-compose-schema.mjs into schema-validator.generated.ts.
 */
import type { ErrorObject } from 'ajv';
import generatedValidator from './schema-validator.generated.js';

export type ComposePath = (string | number)[];

export interface SchemaProblem {
  /**
   * The node to point at: the offending value; for an unknown key, the key itself; for a
   * missing key, the mapping that lacks it. Mapping keys are strings, list indexes numbers.
   */
  path: ComposePath;
  message: string;
}

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validate: CompiledValidator = generatedValidator;

/** An ajv error not yet worded, or the problem a group of them was collapsed into. */
type Entry = { pointer: string; error: ErrorObject } | { pointer: string; problem: SchemaProblem };

export function validateComposeSchema(data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const entries: Entry[] = [];
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') {
      // ajv reports the errors of every alternative just before the union's own error, all
      // at or below the union's node; earlier errors elsewhere end that run.
      let start = entries.length;
      while (start > 0 && isWithin(entries[start - 1]!.pointer, error.instancePath)) start--;
      entries.push(...explainUnion(error, entries.splice(start), data));
    } else {
      entries.push({ pointer: error.instancePath, error });
    }
  }
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const entry of entries) {
    const problem = 'problem' in entry ? entry.problem : describe(entry.error, data);
    const id = JSON.stringify([problem.path, problem.message]);
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/**
 * Every union of the Compose schema tells its alternatives apart by type (a port is a number,
 * a string or a mapping; test/compose/schema.test.ts checks that this still holds). So the
 * alternatives whose type the value does not have are noise; what the others report, if any
 * matched, is the real mistake.
 */
function explainUnion(union: ErrorObject, branches: Entry[], data: unknown): Entry[] {
  const isTypeMismatch = (entry: Entry) => 'error' in entry && entry.error.keyword === 'type' && entry.pointer === union.instancePath;
  const inMatchingBranch = branches.filter((entry) => !isTypeMismatch(entry));
  if (inMatchingBranch.length > 0) return inMatchingBranch;
  // Only type mismatches are left: together they list the types that would do.
  const types = new Set(branches.flatMap((entry) => ('error' in entry ? typeNames(entry.error.params['type']) : [])));
  const path = toPath(union.instancePath, data);
  return [{ pointer: union.instancePath, problem: { path, message: `${subject(path)} must be ${oneOf([...types])}` } }];
}

function describe(error: ErrorObject, data: unknown): SchemaProblem {
  const path = toPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return { path, message: `${subject(path)} must be ${oneOf(typeNames(params['type']))}` };
    case 'additionalProperties':
      return unknownKey(path, String(params['additionalProperty']));
    case 'required':
      return { path, message: `${subject(path)} is missing the required key ${quote(String(params['missingProperty']))}` };
    case 'enum':
      return { path, message: `${subject(path)} must be one of: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { path, message: `${subject(path)} must match the pattern ${String(params['pattern'])}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `${subject(path)} must be ${String(params['comparison'])} ${String(params['limit'])}` };
    case 'uniqueItems': {
      // Which of `i` and `j` is the later copy depends on the item type; the later one goes.
      const [first, copy] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b);
      const duplicate = [...path, copy!];
      return { path: duplicate, message: `${formatComposePath(duplicate)} repeats ${formatComposePath([...path, first!])}` };
    }
    default:
      return { path, message: `${subject(path)} does not satisfy the schema keyword ${quote(error.keyword)}` };
  }
}

// Keys of maps the user names (services, volumes, depends_on, …) must match this pattern, so
// a key outside it is more likely a bad name than a misspelt keyword.
const NAME = /^[a-zA-Z0-9._-]+$/;

function unknownKey(parent: ComposePath, key: string): SchemaProblem {
  const where = parent.length === 0 ? 'at the top level' : `in ${formatComposePath(parent)}`;
  const hint = NAME.test(key) ? '' : '; names may only use letters, digits, ".", "_" and "-"';
  return { path: [...parent, key], message: `unknown key ${quote(key)} ${where}${hint}` };
}

/**
 * A path in the dotted form findings use: `services.api.ports[0]`. A key that would be
 * ambiguous there (it holds a dot, a space, …) is written `labels["com.example.tier"]`.
 */
export function formatComposePath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function subject(path: ComposePath): string {
  return path.length === 0 ? 'the top level' : formatComposePath(path);
}

function quote(key: string): string {
  return JSON.stringify(key);
}

/** The path of a JSON pointer, with list indexes as numbers (a mapping key "0" stays a string). */
function toPath(pointer: string, data: unknown): ComposePath {
  if (pointer === '') return [];
  const path: ComposePath = [];
  let node = data;
  for (const escaped of pointer.slice(1).split('/')) {
    const key = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'null',
};

function typeNames(type: unknown): string[] {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t));
}

function oneOf(options: string[]): string {
  if (options.length <= 1) return options.join('');
  return `${options.slice(0, -1).join(', ')} or ${options.at(-1)}`;
}
