import type { CommandGroup } from '../cli.js';

/**
 * Every command, each group loaded only when one of its commands runs: `planes generate`
 * does not pay for the Docker client or the migrator. `planes check` alone has a bundle of its
 * own (dist/check.cjs, from src/bin/check.ts), which imports ./check.ts directly.
 */
export const COMMAND_GROUPS: CommandGroup[] = [
  { commands: ['schema', 'generate', 'setup', 'plan'], load: async () => (await import('./manifest.js')).registerManifestCommands },
  { commands: ['check'], load: async () => (await import('./check.js')).registerCheckCommand },
  { commands: ['secrets', 'audit', 'deploy'], load: async () => (await import('./engine.js')).registerEngineCommands },
  { commands: ['migrate'], load: async () => (await import('./migrate.js')).registerMigrateCommand },
];
