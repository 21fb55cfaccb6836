import type { Command } from 'commander';
import { writeFilesAtomically } from '../fs/index.js';
import { drift, generate } from '../generate/index.js';
import { MANIFEST_FILE } from '../layout.js';
import { loadManifest, manifestJsonSchema } from '../manifest/index.js';
import { formatPlan, plan } from '../plan/index.js';
import { setupDevSecrets } from '../setup/index.js';

const MANIFEST_OPTION = ['-m, --manifest <file>', 'the manifest', MANIFEST_FILE] as const;

/** The commands that work from the manifest alone: schema, generate, setup, plan. */
export function registerManifestCommands(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the manifest (for editors: # yaml-language-server: $schema=…)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    });

  program
    .command('generate')
    .description('write the compose files, config/*.env, secrets/*.txt.example and the .gitignore entry from the manifest')
    .option(...MANIFEST_OPTION)
    .option('--check', 'write nothing; exit 1 with a unified diff when a generated file is out of date')
    .action((options: { manifest: string; check?: boolean }) => {
      const root = process.cwd();
      const generation = generate(loadManifest(options.manifest), root);
      if (options.check) {
        const diff = drift(generation, root);
        if (diff) {
          process.stdout.write(diff);
          process.stderr.write('planes: generated files are out of date; run `planes generate`\n');
          process.exitCode = 1;
        }
        return;
      }
      writeFilesAtomically(generation.files);
      for (const note of generation.notes) process.stderr.write(`note: ${note}\n`);
      process.stderr.write(`planes: wrote ${generation.files.length} files from ${options.manifest}\n`);
    });

  program
    .command('setup')
    .description('create the missing dev secret files (mode 0600 in a 0700 directory); never overwrites one')
    .option(...MANIFEST_OPTION)
    .action((options: { manifest: string }) => {
      const { manifest } = loadManifest(options.manifest);
      const result = setupDevSecrets(manifest, process.cwd());
      if (result.tightenedDirectory) process.stderr.write('planes: secrets/ was readable by others; set it to 0700\n');
      for (const file of result.created) process.stderr.write(`created ${file} (random)\n`);
      for (const file of result.fromExample) process.stderr.write(`created ${file} from its example (dev only; put the real value there to use the feature)\n`);
      if (result.missing.length > 0) {
        const lines = result.missing.map(({ file, example, description }) => `  ${file}${description ? ` (${description})` : ''}: cp ${example} ${file}, then put the real value in it`);
        process.stderr.write(`planes: these secrets must be provided by an operator:\n${lines.join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      process.stderr.write(`planes: dev secrets ready (${result.created.length + result.fromExample.length} created, ${result.existing.length} already there)\n`);
    });

  program
    .command('plan')
    .description('print, per environment, every setting with its plane and where it lands')
    .option(...MANIFEST_OPTION)
    .option('--json', 'print the rows as JSON')
    .action((options: { manifest: string; json?: boolean }) => {
      const rows = plan(loadManifest(options.manifest).manifest);
      process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : formatPlan(rows));
    });
}
