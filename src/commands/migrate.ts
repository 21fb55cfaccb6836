import type { Command } from 'commander';
import { formatReport, inspectLocalImage, isClean, migrate } from '../migrate/index.js';

interface MigrateFlags {
  file?: string[];
  envFile?: string[];
  projectDirectory?: string;
  out: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `planes migrate`: exit 0 when the migrated project works as the original, 1 when the report lists blockers. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'turn a compose setup into a planes project in --out: compose/stack.yaml, secrets/<name>.txt (0600), config/*.env and the generated dev and prod files; ' +
        'the source files are never modified. Prints every setting with its plane and why, and what to review; exit 1 when something is left for a human to finish',
    )
    .option('-f, --file <file>', 'compose file, repeatable, as docker compose -f (default: compose.yaml … plus its override)', collect)
    .option('--env-file <file>', 'as docker compose --env-file, repeatable (default: .env of the project directory)', collect)
    .option('--project-directory <dir>', 'as docker compose --project-directory')
    .requiredOption('-o, --out <dir>', 'directory of the new planes project (must be empty unless --force)')
    .option('--dry-run', 'print the report; write nothing')
    .option('--force', 'write into a non-empty --out directory (over the files planes migrate makes there)')
    .option('--json', 'print the report as JSON')
    .action((flags: MigrateFlags) => {
      const report = migrate({
        cwd: process.cwd(),
        environment: process.env,
        ...(flags.file ? { files: flags.file } : {}),
        ...(flags.envFile ? { envFiles: flags.envFile } : {}),
        ...(flags.projectDirectory ? { projectDirectory: flags.projectDirectory } : {}),
        out: flags.out,
        dryRun: flags.dryRun === true,
        force: flags.force === true,
        lookup: inspectLocalImage,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!isClean(report)) process.exitCode = 1;
    });
}
