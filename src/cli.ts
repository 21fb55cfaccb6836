import { Command, CommanderError } from 'commander';
import { isUsageError } from './errors.js';

export type RegisterCommands = (program: Command) => void;

/** Commands that share a module, loaded only when one of them runs (or for the overall help). */
export interface CommandGroup {
  commands: string[];
  load: () => Promise<RegisterCommands>;
}

/**
 * Runs the planes command line over the given command groups and returns the exit code:
 * 0 done, 1 what the command reports as failed, 2 bad input or a wrong flag.
 */
export async function runCli(argv: string[], groups: CommandGroup[]): Promise<number> {
  const program = new Command('planes')
    .description(
      'Sort every setting of a Compose/Swarm stack into four planes (build, config, secret, external), ' +
        "generate the dev and prod compose files from one manifest, and check that no secret ever ends up in a container's environment.",
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const named = groups.filter((group) => group.commands.includes(argv[2] ?? ''));
  // Help, a typo or no command at all: every command must be there to be listed.
  for (const group of named.length > 0 ? named : groups) (await group.load())(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isUsageError(error)) {
      process.stderr.write(`planes: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
