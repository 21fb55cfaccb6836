/**
 * The migrated project on disk: the manifest, the files `planes generate` makes from it, and
 * the secret values, 0600 in a 0700 secrets/. The manifest is read back and generated from
 * exactly as `planes generate` would, so what is written is what planes accepts. Every file
 * is written, or none; a non-empty directory is refused unless forced, and neither an input
 * file nor an existing secret file is ever overwritten.
 */
import { mkdirSync, readdirSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { displayPath, errorCode, fileFailure, finishInterruptedWrite, type PlannedWrite, securePrivateDirectory, writeFilesAtomically } from '../fs/index.js';
import { MANIFEST_FILE, SECRETS_DIR, secretFile } from '../layout.js';
import { generate } from '../generate/index.js';
import { parseManifest } from '../manifest/index.js';
import type { MigrationPlan } from './plan.js';

export interface ProjectFiles {
  writes: PlannedWrite[];
  notes: string[];
}

const HEADER = [
  '# Written by planes migrate: the single source of truth of this stack from now on.',
  '# Edit it, then run `planes generate`. The migration report lists what to review.',
].join('\n');

/** Every file of the migrated project, paths absolute under `outDir`. */
export function projectFiles(plan: MigrationPlan, outDir: string): ProjectFiles {
  const text = `${HEADER}\n${stringify(plan.manifest, { lineWidth: 0 })}`;
  const loaded = parseManifest(text, MANIFEST_FILE);
  const generation = generate(loaded, outDir);
  const writes: PlannedWrite[] = [
    { path: join(outDir, MANIFEST_FILE), content: text },
    ...generation.files.map((file) => ({ path: join(outDir, file.path), content: file.content })),
    ...plan.secretFiles.map(({ name, value }) => ({ path: join(outDir, secretFile(name)), content: value, mode: 0o600, secret: true })),
  ];
  return { writes, notes: generation.notes };
}

/**
 * Refuses a destination that is not a directory, or that holds files unless forced. A
 * migration into it that was interrupted is finished (or undone) first.
 */
export function checkDestination(outDir: string, force: boolean): void {
  const shown = displayPath(process.cwd(), outDir);
  let stat: Stats;
  try {
    stat = statSync(outDir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw fileFailure(error, 'cannot use --out', shown, 'nothing was changed');
  }
  if (!stat.isDirectory()) throw new UsageError(`--out ${shown} is not a directory; name a new or empty directory for the planes project`);
  finishInterruptedWrite(outDir);
  let entries: string[];
  try {
    entries = readdirSync(outDir);
  } catch (error) {
    throw fileFailure(error, 'cannot read', shown, 'nothing was changed');
  }
  if (entries.length > 0 && !force) {
    throw new UsageError(`${outDir} is not empty; choose an empty --out directory, or pass --force to write over the files planes migrate makes there`);
  }
}

/**
 * Writes the project all or none, creating `outDir` when missing (and removing it again when
 * the write fails). Never writes over an input of the migration or an existing secret file,
 * forced or not.
 */
export function writeProject(files: ProjectFiles, outDir: string, inputFiles: readonly string[]): void {
  const shown = displayPath(process.cwd(), outDir);
  let created: string | undefined;
  try {
    created = mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw fileFailure(error, 'cannot create', shown, 'nothing was changed');
  }
  let secretsCreated = false;
  try {
    // The project's secrets/ exists and is private even when nothing was moved into it yet.
    secretsCreated = securePrivateDirectory(outDir, SECRETS_DIR).created;
    const protect = inputFiles.map((file) => ({ path: resolve(file), as: 'an input of the migration', advice: 'choose another --out' }));
    writeFilesAtomically(files.writes, { root: outDir, protect });
  } catch (error) {
    if (secretsCreated) removeEmptyDirectories(join(outDir, SECRETS_DIR), join(outDir, SECRETS_DIR));
    if (created !== undefined) removeEmptyDirectories(outDir, created);
    throw error;
  }
}

/** Removes `path` and its parents up to `top`, each only if empty: what a recursive mkdir created. */
function removeEmptyDirectories(path: string, top: string): void {
  for (let current = path; current.length >= top.length; current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
  }
}
