/**
 * Interpolation of one compose document, as Compose does it right after reading the file:
 * every string value anywhere in the document (`x-` extensions included), never a mapping
 * key. Each interpolated value keeps its template and references in the origins table, so the
 * checker can tell a literal default from a value filled in from `.env`.
 */
import { interpolate, interpolationMessage, needsInterpolation, type VariableReference } from './interpolate.js';
import type { EnvSource, InterpolationEnvironment } from './environment.js';
import type { ComposeOrigin, LoadProblem } from './model.js';
import { originOf, put, type EntryKey } from '../yaml/index.js';

export function interpolateDocument(document: object, environment: InterpolationEnvironment, problems: LoadProblem[]): void {
  const visited = new WeakSet<object>();
  const pending: object[] = [document];
  for (let container = pending.pop(); container !== undefined; container = pending.pop()) {
    if (visited.has(container)) continue;
    visited.add(container);
    if (Array.isArray(container)) {
      for (let index = 0; index < container.length; index++) visit(container, index, container[index], environment, problems, pending);
    } else {
      const mapping = container as Record<string, unknown>;
      for (const key in mapping) visit(mapping, key, mapping[key], environment, problems, pending);
    }
  }
}

function visit(container: object, key: EntryKey, value: unknown, environment: InterpolationEnvironment, problems: LoadProblem[], pending: object[]): void {
  if (typeof value === 'string') {
    if (needsInterpolation(value)) interpolateEntry(container, key, value, environment, problems);
  } else if (value !== null && typeof value === 'object') {
    pending.push(value);
  }
}

function interpolateEntry(
  container: object,
  key: EntryKey,
  template: string,
  environment: InterpolationEnvironment,
  problems: LoadProblem[],
): void {
  const result = interpolate(template, environment.lookup);
  const origin = originOf(container, key);
  if (origin === undefined) {
    put(container, key, result.value, undefined);
    return;
  }
  // Object.assign, not a spread: origins come in several shapes, and V8 copies a spread of
  // differently shaped objects on a slow path that cost more than the interpolation itself.
  const interpolated: ComposeOrigin = Object.assign({}, origin, { template, references: result.references });
  const envSources = sourcesOf(result.references, environment);
  if (envSources !== undefined) interpolated.envSources = envSources;
  put(container, key, result.value, interpolated);
  for (const error of result.errors) {
    const subject = typeof key === 'string' ? `the value of ${key}` : 'this list entry';
    problems.push({ ...origin.value, message: interpolationMessage(error, subject) });
  }
}

/** For each referenced variable, nested ones included, the env file line that set it, if one did. */
function sourcesOf(
  references: readonly VariableReference[],
  environment: InterpolationEnvironment,
  found?: Record<string, EnvSource>,
): Record<string, EnvSource> | undefined {
  let sources = found;
  for (const reference of references) {
    const source = environment.sourceOf(reference.name);
    if (source !== undefined) (sources ??= {})[reference.name] = source;
    if (reference.nested.length > 0) sources = sourcesOf(reference.nested, environment, sources);
  }
  return sources;
}
