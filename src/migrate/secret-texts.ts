/**
 * The parts of a value that the judgement calls secrets, as they are: what the final guard of
 * migration looks for in the files it is about to write. Verdicts never hold a value (only its
 * redaction), so these are found again here with the same detectors.
 */
import type { ComposeOrigin, VariableReference } from '../compose/index.js';
import { classifyName, detectCredentials, detectPasswordArguments, isHarmlessValue, isPlaceholder } from '../judge/index.js';

/** What the final guard (guard.ts) looks for, and the ordinary text of the input it may find in the output all the same. */
export interface GuardTexts {
  /** The parts of the input the judgement calls secrets, as they are, each with where it came from. */
  secrets: { value: string; from: string }[];
  /** Every text of the input the judgement calls no secret, that the project carries over. */
  ordinary: string[];
}

/** In one string: its credentials, the values of secret-named variables interpolated into it, all of it under a secret name. */
export function secretTexts(value: string, origin: ComposeOrigin | undefined, name: string | undefined): string[] {
  const texts = [
    ...detectCredentials(value)
      .filter((match) => match.severity === 'error')
      .map((match) => value.slice(match.start, match.end)),
    ...secretReplacements(origin?.references ?? []).map((replacement) => replacement.value),
  ];
  if (name !== undefined && classifyName(name).secret && !isHarmlessValue(value) && !isPlaceholder(value)) texts.push(value);
  return texts.length > 0 ? texts : [value];
}

/** On a command line: its passwords and credentials, and the secret-named variables interpolated into it. */
export function commandLineSecretTexts(value: string | readonly string[], written: ReadonlyArray<ComposeOrigin | undefined>): string[] {
  const words = typeof value === 'string' ? [value] : value;
  return [
    ...detectPasswordArguments(value)
      .filter((match) => match.severity === 'error')
      .map((match) => (words[match.argument ?? 0] ?? '').slice(match.start, match.end)),
    ...written.flatMap((origin) => secretReplacements(origin?.references ?? []).map((replacement) => replacement.value)),
  ];
}

/** What secret-named variables put into a value (`${V:+alt}` puts `alt`, not V). */
export function secretReplacements(references: readonly VariableReference[]): { variable: string; value: string }[] {
  return references.flatMap((reference) => {
    const own = !reference.operator.endsWith('+') && !reference.fromArgument && reference.replacement !== '' && classifyName(reference.name).secret ? [{ variable: reference.name, value: reference.replacement }] : [];
    return [...own, ...secretReplacements(reference.nested)];
  });
}
