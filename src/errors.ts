// `planes check` loads the manifest support from a bundle of its own (see scripts/build.mjs),
// which has its own copy of this class: a registered symbol recognises both.
const USAGE_ERROR = Symbol.for('planes.UsageError');

/**
 * Errors the user can fix: bad input, a missing file, a wrong flag. The CLI prints the
 * message alone (no stack trace) and exits 2. Anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly [USAGE_ERROR] = true;
  constructor(message: string) {
    super(message);
  }
}

export function isUsageError(value: unknown): value is UsageError {
  return typeof value === 'object' && value !== null && (value as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
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
