import type { Command } from 'commander';
import { outcome, type Outcome, type Responder } from '../cli.js';
import { formatReport, inspectLocalImage, isClean, migrate, type MigrateOptions, type MigrationReport } from '../migrate/index.js';
import { collect } from './options.js';

interface MigrateFlags {
  file?: string[];
  envFile?: string[];
  projectDirectory?: string;
  out: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

/** `planes migrate`: exit 0 when the migrated project works as the original, 1 when the report lists blockers. */
export function registerMigrateCommand(program: Command, responder: Responder): void {
  program
    .command('migrate')
    .description(
      'turn a compose setup into a planes project in --out: compose/stack.yaml, secrets/<name>.txt (0600), config/*.env and the generated dev and prod files; ' +
        'the source files are never modified. Prints every setting with its plane and why, and what to review; exit 1 when something is left for a human to finish',
    )
    .addHelpText(
      'after',
      [
        '',
        'Secrets are moved to files under /run/secrets:',
        '  - a URL with a password (DATABASE_URL=postgresql://app:pw@db/shop) becomes a templated secret: the password a secret',
        '    of its own, the rest template text that planes setup and Swarm render back byte for byte (urlencode); one that',
        '    cannot be rebuilt exactly stays one secret, with the reason',
        "  - an image with a *_FILE convention reads the file; any other gets the secret as a variable set by planes' wrapper,",
        "    starting the service's own entrypoint or the image's (image_start), learnt from its Dockerfile, planes' table of",
        '    known images or an image already on this machine (never pulled); unknown, or an image without a shell',
        '    (WebAssembly, distroless, FROM scratch): a blocker with the lines to add',
        '  - a secret ARG or ENV in a Dockerfile the project builds is a blocker naming its line (RUN --mount=type=secret)',
        '  - a secret on a command line or in a healthcheck is read from its file where a shell runs it; elsewhere, and in a',
        '    label or a config, it is a blocker (left out of every file planes writes)',
      ].join('\n'),
    )
    .option('-f, --file <file>', 'compose file, repeatable, as docker compose -f (default: compose.yaml … plus its override)', collect)
    .option('--env-file <file>', 'as docker compose --env-file, repeatable (default: .env of the project directory)', collect)
    .option('--project-directory <dir>', 'as docker compose --project-directory')
    .requiredOption('-o, --out <dir>', 'directory of the new planes project (must be empty unless --force)')
    .option('--dry-run', 'print the report; write nothing')
    .option('--force', 'write into a non-empty --out directory (over the files planes migrate makes there)')
    .option('--json', 'print the report as JSON')
    .action(responder.respond((flags: MigrateFlags) => migrateOutcome(migrate(migrateOptions(flags)), flags.json === true)));
}

function migrateOptions(flags: MigrateFlags): MigrateOptions {
  return {
    cwd: process.cwd(),
    environment: process.env,
    ...(flags.file ? { files: flags.file } : {}),
    ...(flags.envFile ? { envFiles: flags.envFile } : {}),
    ...(flags.projectDirectory ? { projectDirectory: flags.projectDirectory } : {}),
    out: flags.out,
    dryRun: flags.dryRun === true,
    force: flags.force === true,
    lookup: inspectLocalImage,
  };
}

/** Exit 1 when the report lists a blocker: something a human must finish. */
function migrateOutcome(report: MigrationReport, json: boolean): Outcome {
  return outcome({ stdout: json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report) }, isClean(report) ? 0 : 1);
}
