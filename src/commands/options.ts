import { MANIFEST_FILE } from '../layout.js';

/** The manifest every command but check reads (check's own -m has no default: without one it looks for a manifest). */
export const MANIFEST_OPTION = ['-m, --manifest <file>', 'the manifest', MANIFEST_FILE] as const;

export const ENV_OPTION = ['-e, --env <name>', 'the Swarm environment (default: the only one with target: swarm)'] as const;

/** For a repeatable option: every value given, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Colour is for text read on a terminal, and off whenever NO_COLOR is set (no-color.org). */
export function useColor(format: string): boolean {
  return format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
}
