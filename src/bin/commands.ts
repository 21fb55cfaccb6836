import { runCli, type CommandGroup } from '../cli.js';

/**
 * Every command, each group loaded only when one of its commands runs: `planes generate`
 * does not pay for the Docker client or the migrator.
 */
const COMMAND_GROUPS: CommandGroup[] = [
  { commands: ['schema', 'generate', 'setup', 'plan'], load: async () => (await import('../commands/manifest.js')).registerManifestCommands },
  { commands: ['check'], load: async () => (await import('../commands/check.js')).registerCheckCommand },
  { commands: ['secrets', 'audit', 'deploy'], load: async () => (await import('../commands/engine.js')).registerEngineCommands },
  { commands: ['migrate'], load: async () => (await import('../commands/migrate.js')).registerMigrateCommand },
];

export const main = (argv: string[]): Promise<number> => runCli(argv, COMMAND_GROUPS);
