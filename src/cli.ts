#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { registerManifestCommands } from './commands/manifest.js';
import { registerCheckCommand } from './commands/check.js';
import { registerEngineCommands } from './commands/engine.js';
import { registerMigrateCommand } from './commands/migrate.js';

const program = new Command('planes')
  .description(
    'Sort every setting of a Compose/Swarm stack into four planes (build, config, secret, external), ' +
      "generate the dev and prod compose files from one manifest, and check that no secret ever ends up in a container's environment.",
  )
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerManifestCommands(program);
registerCheckCommand(program);
registerEngineCommands(program);
registerMigrateCommand(program);

async function main(argv: string[]): Promise<number> {
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
