import { Option, type Command } from 'commander';
import { type FormatName, formatNames, formatters } from '../report/index.js';
import { type CheckOptions, type CheckResult, ruleCatalogue, runCheck } from '../check/index.js';
import { existsSync } from 'node:fs';
import { outcome, type Outcome, type Responder } from '../cli.js';
import { MANIFEST_FILE } from '../layout.js';
import { UsageError } from '../errors.js';
import { collect, useColor } from './options.js';

interface CheckFlags {
  file?: string[];
  projectDirectory?: string;
  envFile?: string[];
  swarm?: boolean;
  manifest?: string;
  format: FormatName;
  maxWarnings?: string;
}

export function registerCheckCommand(program: Command, responder: Responder): void {
  program
    .command('check')
    .description(
      'check a compose setup (generated or hand-written) so that no secret ends up in a container environment, build argument, label, command line, config or image; exit 0 clean, 1 errors, 2 bad input (notes, such as a dev secret file planes setup creates on a fresh clone, never change it)',
    )
    .option('-f, --file <file>', 'compose file, repeatable, as docker compose -f (default: the manifest\'s environments, else compose.yaml … plus its override)', collect)
    .option('--project-directory <dir>', 'as docker compose --project-directory')
    .option('--env-file <file>', 'as docker compose --env-file, repeatable (default: .env of the project directory)', collect)
    .option('--swarm', 'the -f files are a Swarm stack file (docker stack deploy -c)')
    .option('-m, --manifest <file>', 'planes manifest to check generated files against (default: compose/stack.yaml when present)')
    .addOption(new Option('--format <format>', 'output format').choices(formatNames).default('text'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (notes do not count)')
    .action(
      responder.respond(async (flags: CheckFlags) => {
        const maxWarnings = maxWarningsOf(flags.maxWarnings);
        const result = runCheck(await checkOptions(flags));
        return checkOutcome(result, { format: flags.format, color: useColor(flags.format), maxWarnings });
      }),
    );
}

function maxWarningsOf(flag: string | undefined): number | undefined {
  const maxWarnings = flag === undefined ? undefined : Number(flag);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0)) {
    throw new UsageError(`--max-warnings takes a whole number of 0 or more`);
  }
  return maxWarnings;
}

async function checkOptions(flags: CheckFlags): Promise<CheckOptions> {
  // The manifest schema and the generator are loaded only for a planes project.
  const hasManifest = flags.manifest !== undefined || existsSync(MANIFEST_FILE);
  const manifest = hasManifest ? (await import('../check/manifest.js')).projectManifest(process.cwd(), flags.manifest) : undefined;
  return {
    cwd: process.cwd(),
    environment: process.env,
    ...(flags.file ? { files: flags.file } : {}),
    ...(flags.projectDirectory ? { projectDirectory: flags.projectDirectory } : {}),
    ...(flags.envFile ? { envFiles: flags.envFile } : {}),
    ...(flags.swarm ? { swarm: true } : {}),
    ...(manifest ? { manifest } : {}),
  };
}

/** The report in the asked format; exit 1 on an error or on more warnings than allowed. */
function checkOutcome({ report, sources }: CheckResult, output: { format: FormatName; color: boolean; maxWarnings: number | undefined }): Outcome {
  const text = formatters[output.format](report, { color: output.color, readSource: (file) => sources.get(file), rules: ruleCatalogue() });
  const tooManyWarnings = output.maxWarnings !== undefined && report.summary.warnings > output.maxWarnings;
  return outcome({ stdout: text }, report.summary.errors > 0 || tooManyWarnings ? 1 : 0);
}
