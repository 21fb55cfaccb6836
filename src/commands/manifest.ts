import type { Command } from 'commander';
import { lines, outcome, type Outcome, type Responder } from '../cli.js';
import { finishInterruptedWrite, writeFilesAtomically } from '../fs/index.js';
import { drift, generate, type Generation } from '../generate/index.js';
import { loadManifest, manifestJsonSchema } from '../manifest/index.js';
import { formatPlan, plan, type PlanRow } from '../plan/index.js';
import { type SetupResult, setupDevSecrets } from '../setup/index.js';
import { MANIFEST_OPTION } from './options.js';

/** The commands that work from the manifest alone: schema, generate, setup, plan. */
export function registerManifestCommands(program: Command, responder: Responder): void {
  registerSchemaCommand(program, responder);
  registerGenerateCommand(program, responder);
  registerSetupCommand(program, responder);
  registerPlanCommand(program, responder);
}

function registerSchemaCommand(program: Command, responder: Responder): void {
  program
    .command('schema')
    .description('print the JSON Schema of the manifest (for editors: # yaml-language-server: $schema=…)')
    .action(responder.respond(() => outcome({ stdout: `${JSON.stringify(manifestJsonSchema(), null, 2)}\n` })));
}

function registerGenerateCommand(program: Command, responder: Responder): void {
  program
    .command('generate')
    .description('write the compose files, config/*.env, secrets/*.txt.example and the .gitignore entry from the manifest')
    .option(...MANIFEST_OPTION)
    .option('--check', 'write nothing; exit 1 when a generated file is out of date, printing each line that differs (path:line: differs, then the current and expected line) with the values of secrets masked')
    .action(
      responder.respond((options: { manifest: string; check?: boolean }) => {
        const root = process.cwd();
        // A write an earlier planes command left half done is finished before anything is read.
        const finished = finishInterruptedWrite(root);
        const generation = generate(loadManifest(options.manifest), root);
        if (options.check) return withNote(finished, driftOutcome(drift(generation, root)));
        writeFilesAtomically(generation.files, { root, protect: [{ path: options.manifest, as: 'the manifest' }] });
        return withNote(finished, generateOutcome(generation, options.manifest));
      }),
    );
}

function registerSetupCommand(program: Command, responder: Responder): void {
  program
    .command('setup')
    .description('create the missing dev secret files (mode 0600 in a 0700 directory), never overwriting one; render templated secrets anew when their inputs changed')
    .option(...MANIFEST_OPTION)
    .action(
      responder.respond((options: { manifest: string }) => {
        const root = process.cwd();
        const finished = finishInterruptedWrite(root);
        return withNote(finished, setupOutcome(setupDevSecrets(loadManifest(options.manifest), root)));
      }),
    );
}

function registerPlanCommand(program: Command, responder: Responder): void {
  program
    .command('plan')
    .description('print, per environment, every setting with its plane and where it lands')
    .option(...MANIFEST_OPTION)
    .option('--json', 'print the rows as JSON')
    .action(
      responder.respond((options: { manifest: string; json?: boolean }) => {
        const finished = finishInterruptedWrite(process.cwd());
        return withNote(finished, planOutcome(plan(loadManifest(options.manifest).manifest), options.json === true));
      }),
    );
}

/** The outcome, after a note saying what planes did to finish an interrupted write. */
function withNote(note: string | undefined, result: Outcome): Outcome {
  return note === undefined ? result : { ...result, stderr: `note: ${note}\n${result.stderr}` };
}

/** `generate --check`: the differing lines, and exit 1, when a generated file is out of date. */
function driftOutcome(diff: string): Outcome {
  if (diff === '') return outcome({});
  return outcome({ stdout: diff, stderr: lines(['planes: generated files are out of date; run `planes generate`']) }, 1);
}

function generateOutcome(generation: Generation, manifestFile: string): Outcome {
  return outcome({ stderr: lines([...generation.notes.map((note) => `note: ${note}`), `planes: wrote ${generation.files.length} files from ${manifestFile}`]) });
}

/** Exit 1 when a secret needs an operator: setup does not make up a value it was not told how to make. */
function setupOutcome(result: SetupResult): Outcome {
  const done = [
    ...(result.tightenedDirectory ? ['planes: secrets/ was readable by others; set it to 0700'] : []),
    ...result.created.map((file) => `created ${file} (random)`),
    ...result.fromExample.map((file) => `created ${file} from its example (dev only; put the real value there to use the feature)`),
    ...result.rendered.map((file) => `rendered ${file} from its template`),
    ...result.waiting.map(({ file, parts }) => `not rendered ${file}: its template waits for ${parts.map((part) => `secrets/${part}.txt`).join(', ')}`),
  ];
  if (result.missing.length > 0) {
    const missing = result.missing.map(({ file, example, description }) => `  ${file}${description ? ` (${description})` : ''}: cp ${example} ${file}, then put the real value in it`);
    return outcome({ stderr: lines([...done, 'planes: these secrets must be provided by an operator:', ...missing]) }, 1);
  }
  return outcome({ stderr: lines([...done, `planes: dev secrets ready (${result.created.length + result.fromExample.length} created, ${result.rendered.length > 0 ? `${result.rendered.length} rendered, ` : ''}${result.existing.length} already there)`]) });
}

function planOutcome(rows: PlanRow[], json: boolean): Outcome {
  return outcome({ stdout: json ? `${JSON.stringify(rows, null, 2)}\n` : formatPlan(rows) });
}
