import { runCli } from '../cli.js';
import { COMMAND_GROUPS } from '../commands/index.js';

/** Every command of planes, and the help that lists them all (dist/commands.cjs). */
export const main = (argv: string[]): Promise<number> => runCli(argv, COMMAND_GROUPS);
