#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';

type Register = (program: Command) => void;

/**
 * Each group of commands, loaded only when one of its commands runs: `planes check` in CI
 * should not pay for the Docker client, the manifest schema or the migrator.
 */
const COMMAND_GROUPS: { commands: string[]; load: () => Promise<Register> }[] = [
  { commands: ['schema', 'generate', 'setup', 'plan'], load: async () => (await import('./commands/manifest.js')).registerManifestCommands },
  { commands: ['check'], load: async () => (await import('./commands/check.js')).registerCheckCommand },
  { commands: ['secrets', 'audit', 'deploy'], load: async () => (await import('./commands/engine.js')).registerEngineCommands },
  { commands: ['migrate'], load: async () => (await import('./commands/migrate.js')).registerMigrateCommand },
];

async function main(argv: string[]): Promise<number> {
  const program = new Command('planes')
    .description(
      'Sort every setting of a Compose/Swarm stack into four planes (build, config, secret, external), ' +
        "generate the dev and prod compose files from one manifest, and check that no secret ever ends up in a container's environment.",
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const named = COMMAND_GROUPS.filter((group) => group.commands.includes(argv[2] ?? ''));
  // Help, a typo or no command at all: every command must be there to be listed.
  for (const group of named.length > 0 ? named : COMMAND_GROUPS) (await group.load())(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`planes: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv);
