/**
 * Errors the user can fix: bad input, a missing file, a wrong flag. The CLI prints the
 * message alone (no stack trace) and exits 2. Anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message);
  }
}

/** Where something was written in a source file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(pos: SourcePosition): string {
  return `${pos.file}:${pos.line}:${pos.column}`;
}

/** A UsageError that names the place in a file that needs fixing. */
export class InputError extends UsageError {
  constructor(
    readonly position: SourcePosition,
    readonly problem: string,
  ) {
    super(`${formatPosition(position)}: ${problem}`);
  }
}
