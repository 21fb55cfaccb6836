import type { ComposeOrigin } from '../compose/index.js';
import type { SourcePosition } from '../errors.js';
import type { CheckContext } from './rule.js';

/** Where a finding on a compose entry points: its key, else its value, else the top of the first compose file. */
export function entryPosition(context: CheckContext, origin: ComposeOrigin | undefined): SourcePosition {
  const position = origin?.key ?? origin?.value;
  if (position !== undefined) return position;
  const file = context.project.files.find((candidate) => /\.ya?ml$/.test(candidate)) ?? context.project.files[0] ?? '.';
  return { file, line: 1, column: 1 };
}
