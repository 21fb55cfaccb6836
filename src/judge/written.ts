/**
 * Facts about how a value was written, for verdicts: where its parts came from, what each
 * reference holds here, which references are secrets. Never a value: a default written in a
 * reference is named by its reference, not shown.
 */
import type { VariableReference } from '../compose/index.js';
import { classifyName, type CredentialMatch } from '../redact/index.js';
import type { CredentialNature, FillOrigin, Place, ReferenceFact, Written } from './verdict.js';

/** Who fills the variables of a value: Compose (env files, the shell) or a Docker build (its arguments). */
export type Variables = 'compose' | 'build';

export function variablesOf(place: Place): Variables {
  return place === 'dockerfile-arg' || place === 'dockerfile-env' ? 'build' : 'compose';
}

/** Where the parts of a value came from, each once: env file lines, the shell, defaults written in place. */
export function fillOrigins(written: Written | undefined, variables: Variables): FillOrigin[] {
  const origins = new Map<string, FillOrigin>();
  for (const origin of originsOf(written?.references ?? [], written, variables)) origins.set(originKey(origin), origin);
  return [...origins.values()];
}

function originsOf(references: readonly VariableReference[], written: Written | undefined, variables: Variables): FillOrigin[] {
  return references.flatMap((reference): FillOrigin[] => {
    const { name: variable, operator } = reference;
    if (reference.fromArgument) {
      const from = operator.endsWith('+') ? 'alternative' : 'default';
      return [{ from, variable, operator }, ...originsOf(reference.nested, written, variables)];
    }
    if (variables === 'build') return [{ from: 'build-argument', variable }];
    if (!reference.isSet) return [];
    const source = written?.sources[variable];
    return [source === undefined ? { from: 'shell', variable } : { from: 'env-file', source }];
  });
}

/** Two origins are one when a message would name them alike: the same reference, variable or line. */
function originKey(origin: FillOrigin): string {
  switch (origin.from) {
    case 'default':
    case 'alternative':
      return `${origin.from} ${origin.variable}${origin.operator}`;
    case 'build-argument':
    case 'shell':
      return `${origin.from} ${origin.variable}`;
    case 'env-file':
      return `${origin.from} ${origin.source.file}:${origin.source.line}`;
  }
}

/** A reference and what fills it here. */
export function referenceFact(reference: VariableReference, written: Written | undefined, variables: Variables): ReferenceFact {
  const { name: variable, operator } = reference;
  const fact = (filled: ReferenceFact['filled']): ReferenceFact => ({ variable, operator, filled });
  if (variables === 'build') return fact({ by: 'build-argument' });
  if (reference.fromArgument) return fact({ by: 'its-default' });
  if (!reference.isSet) return fact({ by: 'nothing' });
  const empty = reference.replacement === '';
  const source = written?.sources[variable];
  return fact(source === undefined ? { by: 'shell', empty } : { by: 'env-file', empty, source });
}

/**
 * Secret-named variables whose value goes into the result: every reference, nested ones
 * included, except the variable of `${V:+alt}`, which only decides whether `alt` is used.
 */
export function secretReferences(references: readonly VariableReference[]): VariableReference[] {
  return references.flatMap((reference) => {
    const own = reference.operator.endsWith('+') || !classifyName(reference.name).secret ? [] : [reference];
    return [...own, ...secretReferences(reference.nested)];
  });
}

export function natureOf(match: Pick<CredentialMatch, 'id' | 'severity'>): CredentialNature {
  // A generated-looking value is a warning for want of certainty, not for being a stand-in.
  if (match.severity === 'error' || match.id === 'generated-secret') return 'secret';
  return /-hash$/.test(match.id) ? 'password-hash' : 'placeholder';
}

export function mostSevere<T extends Pick<CredentialMatch, 'severity'>>(matches: readonly T[]): T | undefined {
  return matches.find((match) => match.severity === 'error') ?? matches[0];
}
