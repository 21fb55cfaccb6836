/**
 * Every compose file of the shared corpus loads, or is refused with a message for the user
 * (a UsageError): never a crash. The checker's conformance suite builds on this.
 */
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../src/compose/index.js';
import { UsageError } from '../../src/errors.js';
import { corpusComposeFiles, corpusPresent } from '../support/corpus.js';

const present = corpusPresent('compose loader corpus');

describe.skipIf(!present)('loadComposeProject on the shared corpus', () => {
  it('loads all 141 files without a crash', () => {
    const files = corpusComposeFiles();
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
