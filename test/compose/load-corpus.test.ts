/**
 * Every compose file of the shared corpus loads, or is refused with a message for the user
 * (a UsageError): never a crash. The checker's conformance suite builds on this.
 *
 * And planes reads a corpus file exactly when `docker compose config` does: each file is read
 * by both, as `docker compose -f FILE config` in the file's directory (its `.env`, its
 * env_files and build contexts beside it, as SOURCES.md copied them).
 */
import { execFile } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../src/compose/index.js';
import { UsageError } from '../../src/errors.js';
import { CORPUS, corpusComposeFiles, corpusPresent } from '../support/corpus.js';
import { dockerTools } from '../support/engine.js';
import { inPool } from '../support/pool.js';

const present = corpusPresent('compose loader corpus');
const hasCompose = present && dockerTools('corpus conformance against docker compose config', ['compose']);
const run = promisify(execFile);

/** A shell for both tools: nothing from the machine leaks into the interpolation. */
const ENVIRONMENT = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/corpus' };

/**
 * Files Compose 2.26 (the engine here) refuses for a feature that current Compose reads, and
 * planes reads as current Compose does. Each is named with the feature.
 */
const NEWER_THAN_THE_ORACLE: Record<string, string> = {
  'docker-compose/pkg/e2e/testdata/TestRawEnvFile/compose.yaml': 'env_file format: raw',
  'docker-compose/pkg/e2e/fixtures/watch/include.yaml': 'develop.watch include',
  'docker-compose/pkg/e2e/testdata/TestProviderRawSetEnv/compose.yaml': 'provider services',
  'docker-compose/pkg/e2e/testdata/TestProviderRawSetEnvOverridesUserEnv/compose.yaml': 'provider services',
  'docker-compose/pkg/e2e/testdata/TestProviderRawSetEnvOverridesInheritedEnv/compose.yaml': 'provider services',
  'docker-compose/pkg/e2e/testdata/TestProviderRawSetEnvOverridesInheritedEnvMapForm/compose.yaml': 'provider services',
  'docker-compose/pkg/e2e/testdata/TestProviderStopHook/compose.yaml': 'provider services',
  'docker-compose/pkg/e2e/testdata/TestDependsOnMultipleProviders/compose.yaml': 'provider services',
};

/** planes' reading: accepted, or the first reason it refuses (an exit 2, a load or schema problem). */
function planesRefusal(file: string): string | undefined {
  try {
    const project = loadComposeProject({ files: [file], cwd: dirname(file), environment: ENVIRONMENT });
    const problems = [...project.problems.map((problem) => problem.message), ...project.documents.flatMap((document) => document.schemaProblems.map((problem) => problem.message))];
    return problems[0];
  } catch (error) {
    if (error instanceof UsageError) return error.message.split('\n')[0];
    throw error;
  }
}

/** Compose's refusal, asked twice: on a loaded machine one call may fail for no fault of the file. */
async function composeRefusal(file: string, attempts = 2): Promise<string | undefined> {
  try {
    await run('docker', ['compose', '-f', file, 'config', '-q'], { cwd: dirname(file), env: ENVIRONMENT, timeout: 120_000 });
    return undefined;
  } catch (error) {
    if (attempts > 1) return composeRefusal(file, attempts - 1);
    return String((error as { stderr?: string }).stderr ?? error).trim().split('\n').at(-1) ?? 'refused';
  }
}

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

  it.skipIf(!hasCompose)(
    'reads every file docker compose config reads, and refuses every file it refuses',
    async () => {
      const files = corpusComposeFiles();
      const outcomes = await inPool(files, 3, async (file) => {
        const name = relative(CORPUS, file);
        return { name, compose: await composeRefusal(file), planes: planesRefusal(file) };
      });
      const newer = outcomes.filter(({ name }) => name in NEWER_THAN_THE_ORACLE);
      const compared = outcomes.filter(({ name }) => !(name in NEWER_THAN_THE_ORACLE));
      const accepted = compared.filter(({ compose }) => compose === undefined);
      const disagreements = compared.filter(({ compose, planes }) => (compose === undefined) !== (planes === undefined));
      console.log(
        `corpus conformance: ${files.length} files; compose accepts ${accepted.length}, refuses ${compared.length - accepted.length}; planes agrees on ${compared.length - disagreements.length}/${compared.length}; ${newer.length} read as newer Compose reads them (2.26 refuses)`,
      );
      expect(
        disagreements.map(({ name, compose, planes }) => (compose === undefined ? `${name}: compose reads it, planes refuses: ${planes}` : `${name}: compose refuses (${compose}), planes reads it`)),
      ).toEqual([]);
      // The files kept out of the comparison: 2.26 refuses them, planes reads them.
      expect(newer.filter(({ compose, planes }) => compose === undefined || planes !== undefined).map(({ name, planes }) => `${name}: ${planes ?? 'compose 2.26 reads it now'}`)).toEqual([]);
    },
    600_000,
  );
});
