/**
 * Every compose file of the shared corpus loads, or is refused with a message for the user
 * (a UsageError): never a crash. The checker's conformance suite builds on this.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../src/compose/index.js';
import { UsageError } from '../../src/errors.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

function composeFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return composeFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

const present = existsSync(CORPUS);
if (!present) {
  const line = `compose loader corpus: SKIPPED — ${CORPUS} is absent`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must have ../shared beside the repository`);
  console.warn(`\n!!! ${line}\n`);
}

describe.skipIf(!present)('loadComposeProject on the shared corpus', () => {
  it('loads all 141 files without a crash', () => {
    const files = composeFiles(CORPUS);
    expect(files).toHaveLength(141);
    const crashes: string[] = [];
    for (const file of files) {
      try {
        loadComposeProject({ files: [file], cwd: dirname(file), environment: { HOME: '/home/corpus' } });
      } catch (error) {
        if (!(error instanceof UsageError)) crashes.push(`${file}: ${(error as Error).stack ?? String(error)}`);
      }
    }
    expect(crashes).toEqual([]);
  });
});
