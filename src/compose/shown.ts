/**
 * A value of the loaded model as a message may show it (a path in "env file … not found", a
 * service name): the loader's messages, and those of the modules above about an entry, pass
 * it through showValue with the variables interpolation filled it from.
 */
import { showValue } from '../redact/index.js';
import type { VariableReference } from './interpolate.js';
import type { ComposeOrigin } from './model.js';

export function shownEntry(value: string, origin: ComposeOrigin | undefined): string {
  return showValue(value, filledByOf(origin));
}

/** The variables that filled the entry written at `origin`, if interpolation did. */
export function filledByOf(origin: ComposeOrigin | undefined): string[] {
  return fillingVariables(origin?.references ?? []);
}

/**
 * The variables whose own value is part of an interpolated string: an unset one adds nothing,
 * and where a default or an alternative is used, the variables in it do.
 */
export function fillingVariables(references: readonly VariableReference[]): string[] {
  return references.flatMap((reference) => {
    if (reference.fromArgument) return fillingVariables(reference.nested);
    return reference.replacement === '' ? [] : [reference.name];
  });
}
