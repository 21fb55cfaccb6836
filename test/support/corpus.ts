import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/corpus beside the repository: real compose files of public projects (its SOURCES.md). */
export const CORPUS = resolve(fileURLToPath(new URL('../../../shared/corpus', import.meta.url)));

/**
 * Whether the shared corpus (or a directory of it) is there for the suite `what`. Absent, the
 * suite skips with one loud line; under CI=true it fails instead, since CI must run it.
 */
export function corpusPresent(what: string, directory = CORPUS): boolean {
  if (existsSync(directory)) return true;
  const line = `${what}: SKIPPED — ${directory} is absent`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must have ../shared beside the repository`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

/** Every YAML file under `directory`, sorted. */
export function corpusComposeFiles(directory = CORPUS): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
