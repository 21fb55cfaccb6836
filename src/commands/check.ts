import { Option, type Command } from 'commander';
import { type FormatName, formatNames, formatters } from '../report/index.js';
import { ruleCatalogue, runCheck } from '../check/index.js';
import { existsSync } from 'node:fs';
import { MANIFEST_FILE } from '../layout.js';
import { UsageError } from '../errors.js';

interface CheckFlags {
  file?: string[];
  projectDirectory?: string;
  envFile?: string[];
  swarm?: boolean;
  manifest?: string;
  format: FormatName;
  maxWarnings?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'check a compose setup (generated or hand-written) so that no secret ends up in a container environment, build argument, label, command line, config or image; exit 0 clean, 1 errors, 2 bad input',
    )
    .option('-f, --file <file>', 'compose file, repeatable, as docker compose -f (default: the manifest\'s environments, else compose.yaml … plus its override)', collect)
    .option('--project-directory <dir>', 'as docker compose --project-directory')
    .option('--env-file <file>', 'as docker compose --env-file, repeatable (default: .env of the project directory)', collect)
    .option('--swarm', 'the -f files are a Swarm stack file (docker stack deploy -c)')
    .option('-m, --manifest <file>', 'planes manifest to check generated files against (default: compose/stack.yaml when present)')
    .addOption(new Option('--format <format>', 'output format').choices(formatNames).default('text'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .action(async (flags: CheckFlags) => {
      const maxWarnings = flags.maxWarnings === undefined ? undefined : Number(flags.maxWarnings);
      if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0)) {
        throw new UsageError(`--max-warnings takes a whole number of 0 or more`);
      }
      // The manifest schema and the generator are loaded only for a planes project.
      const hasManifest = flags.manifest !== undefined || existsSync(MANIFEST_FILE);
      const manifest = hasManifest ? (await import('../check/manifest.js')).projectManifest(process.cwd(), flags.manifest) : undefined;
      const { report, sources } = runCheck({
        cwd: process.cwd(),
        environment: process.env,
        ...(flags.file ? { files: flags.file } : {}),
        ...(flags.projectDirectory ? { projectDirectory: flags.projectDirectory } : {}),
        ...(flags.envFile ? { envFiles: flags.envFile } : {}),
        ...(flags.swarm ? { swarm: true } : {}),
        ...(manifest ? { manifest } : {}),
      });
      const color = flags.format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.stdout.write(formatters[flags.format](report, { color, readSource: (file) => sources.get(file), rules: ruleCatalogue() }));
      const tooManyWarnings = maxWarnings !== undefined && report.summary.warnings > maxWarnings;
      if (report.summary.errors > 0 || tooManyWarnings) process.exitCode = 1;
    });
}
