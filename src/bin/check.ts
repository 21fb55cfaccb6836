import { runCli } from '../cli.js';
import { registerCheckCommand } from '../commands/check.js';

/** `planes check` alone: the lint step in CI, kept to the code it needs so that it starts fast. */
export const main = (argv: string[]): Promise<number> => runCli(argv, [{ commands: ['check'], load: async () => registerCheckCommand }]);
