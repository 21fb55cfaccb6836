/**
 * Cost guards: inputs crafted to make a parser or a detector slow (bench/adversarial.ts),
 * each timed in-process (median of three) against a budget about ten times what linear work
 * takes here. A budget missed means quadratic or worse behaviour crept in; the unit tests
 * only check what comes out.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolate } from '../src/compose/interpolate.js';
import { detectPasswordArguments } from '../src/judge/command-line.js';
import { detectCredentials } from '../src/redact/values.js';
import { parseYaml } from '../src/yaml/parse.js';
import { readTextFile } from '../src/fs/read.js';
import { ADVERSARIAL_SCRIPT, ADVERSARIAL_VALUES, longInterpolation, ordinaryValues, yamlAliasBomb } from './adversarial.js';

interface Guard {
  label: string;
  budgetMs: number;
  /** Runs once; throws when the outcome is wrong (a guard that is fast by failing proves nothing). */
  run: () => void;
}

const RUNS = 3;

function expectThrows(action: () => void, what: string): void {
  try {
    action();
  } catch {
    return;
  }
  throw new Error(`${what} was accepted`);
}

function costGuards(scratch: string): Guard[] {
  const hugeFile = join(scratch, 'huge.yml');
  writeFileSync(hugeFile, '');
  truncateSync(hugeFile, 50 * 1024 * 1024);
  const bomb = yamlAliasBomb();
  const { text: interpolation } = longInterpolation();
  // A fresh set for every run: detectCredentials remembers the values it scanned.
  const valueSets = Array.from({ length: RUNS }, (_, run) => ordinaryValues(100_000, run * 100_000));
  return [
    { label: 'YAML alias bomb refused', budgetMs: 100, run: () => expectThrows(() => parseYaml(bomb, 'bomb.yml'), 'the alias bomb') },
    { label: '50 MB file refused', budgetMs: 50, run: () => expectThrows(() => readTextFile(hugeFile, 'huge.yml'), 'the 50 MB file') },
    {
      label: `credential detectors, ${ADVERSARIAL_VALUES.length} adversarial values`,
      budgetMs: 500,
      run: () => ADVERSARIAL_VALUES.forEach((value) => detectCredentials(value)),
    },
    { label: 'credential detectors, 100,000 ordinary values', budgetMs: 1_000, run: () => freshSet(valueSets).forEach((value) => detectCredentials(value)) },
    { label: 'password flags, adversarial script', budgetMs: 200, run: () => void detectPasswordArguments(ADVERSARIAL_SCRIPT) },
    { label: 'interpolation, 20,000 references + 200 kB', budgetMs: 200, run: () => void interpolate(interpolation, () => undefined) },
  ];
}

function freshSet(sets: string[][]): string[] {
  const set = sets.pop();
  if (set === undefined) throw new Error('no fresh set of values left for this run');
  return set;
}

export interface GuardResult {
  label: string;
  budgetMs: number;
  /** Median of RUNS, or the error that stopped it. */
  ms: number | null;
  error?: string;
}

export function runCostGuards(): GuardResult[] {
  const scratch = mkdtempSync(join(tmpdir(), 'planes-guards-'));
  try {
    return costGuards(scratch).map(({ label, budgetMs, run }) => {
      try {
        const times = Array.from({ length: RUNS }, () => {
          const started = performance.now();
          run();
          return performance.now() - started;
        }).sort((a, b) => a - b);
        return { label, budgetMs, ms: times[Math.floor(RUNS / 2)] as number };
      } catch (error) {
        return { label, budgetMs, ms: null, error: error instanceof Error ? error.message : String(error) };
      }
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
