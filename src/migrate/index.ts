/**
 * `planes migrate`: read a compose setup as `planes check` sees it, plan the planes project
 * that carries it (every setting in its plane, secrets out of every environment), write it
 * (unless a dry run), and say what was done and what a human should review. Never prints.
 */
import { relative, resolve, sep } from 'node:path';
import { planMigration } from './plan.js';
import type { LocalImageLookup } from './process.js';
import type { MigrationReport } from './report.js';
import { readSource } from './source.js';
import { guardedProjectFiles, guardedReport, searchedSecrets } from './guard.js';
import { checkDestination, writeProject } from './write.js';

export { formatReport, isClean, type MigrationReport } from './report.js';
export type { LocalImageLookup } from './process.js';
export { inspectLocalImage } from './local-images.js';

export interface MigrateOptions {
  cwd: string;
  /** The shell environment, for interpolation as Compose does it. */
  environment: Readonly<Record<string, string | undefined>>;
  /** `-f`, as docker compose; none: Compose's discovery. */
  files?: string[];
  /** `--env-file`, as docker compose. */
  envFiles?: string[];
  projectDirectory?: string;
  /** The directory of the new project, relative to cwd. */
  out: string;
  dryRun: boolean;
  force: boolean;
  /** ENTRYPOINT and CMD of images on this machine, for the wrapper that sets secrets as variables. */
  lookup?: LocalImageLookup;
}

export function migrate(options: MigrateOptions): MigrationReport {
  const cwd = resolve(options.cwd);
  const outDir = resolve(cwd, options.out);
  const source = readSource({
    cwd,
    environment: options.environment,
    ...(options.files?.length ? { files: options.files } : {}),
    ...(options.envFiles?.length ? { envFiles: options.envFiles } : {}),
    ...(options.projectDirectory ? { projectDirectory: options.projectDirectory } : {}),
  });
  const plan = planMigration(source, { outDir, ...(options.lookup ? { lookup: options.lookup } : {}) });
  const secrets = searchedSecrets(plan.texts);
  checkDestination(outDir, options.force);
  const files = guardedProjectFiles(plan, outDir, secrets);
  if (!options.dryRun) writeProject(files, outDir, source.inputFiles);

  const shown = relative(cwd, outDir).split(sep).join('/');
  return guardedReport(
    {
      inputs: source.project.files,
      out: shown === '' ? '.' : shown.startsWith('../') ? outDir : shown,
      written: !options.dryRun,
      settings: plan.rows,
      reviews: plan.reviews,
      files: files.writes.map((write) => ({ path: relative(outDir, write.path).split(sep).join('/'), mode: write.mode ?? 0o644 })),
      notes: files.notes,
    },
    secrets,
  );
}
