/**
 * The migrated project on disk: the manifest, the files `planes generate` makes from it, and
 * the secret values, 0600 in a 0700 secrets/. The manifest is read back and generated from
 * exactly as `planes generate` would, so what is written is what planes accepts. Every file
 * is written, or none; a non-empty directory is refused unless forced, and an input file is
 * never overwritten.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { type PlannedWrite, writeFilesAtomically } from '../fs/index.js';
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
    ...plan.secretFiles.map(({ name, value }) => ({ path: join(outDir, secretFile(name)), content: value, mode: 0o600 })),
  ];
  return { writes, notes: generation.notes };
}

/** Refuses a destination that holds files, unless forced. */
export function checkDestination(outDir: string, force: boolean): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !force) {
    throw new UsageError(`${outDir} is not empty; choose an empty --out directory, or pass --force to write over the files planes migrate makes there`);
  }
}

/** Never writes over an input of the migration, forced or not. */
export function writeProject(files: ProjectFiles, outDir: string, inputFiles: readonly string[]): void {
  const inputs = new Set(inputFiles.map((file) => resolve(file)));
  const clash = files.writes.find((write) => inputs.has(resolve(write.path)));
  if (clash) throw new UsageError(`${clash.path} is an input of the migration; planes migrate never writes over its input: choose another --out`);
  const secrets = join(outDir, SECRETS_DIR);
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  chmodSync(secrets, 0o700);
  writeFilesAtomically(files.writes);
}
