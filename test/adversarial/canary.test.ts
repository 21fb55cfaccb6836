import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { newCanary, occurrences, position, redacted } from './canary/canary.js';
import { COMMANDS } from './canary/commands.js';
import { CLASSES, INPUTS } from './canary/inputs.js';
import { type Cell, cellName, cells, defaultConcurrency, recordGeneratedFiles, runCells } from './canary/matrix.js';
import type { RunOptions, RunOutcome } from './canary/sandbox.js';
import { filesAppearedIn, namesIn } from './canary/tree.js';

/**
 * The canary harness (issue "Trust"): every command, in every output format, over a matrix of
 * hostile inputs, must keep one secret value — the canary — out of stdout, stderr and every file
 * it writes (secrets/*.txt excepted), out of HOME and TMPDIR, and away from anything outside the
 * project; it must end within its time with exit 0, 1 or 2 and no stack trace. The inputs are
 * in canary/inputs.ts and the commands in canary/commands.ts, both as data; canary-harness.test.ts
 * shows that the harness catches a planted leak of each kind and passes a clean run.
 *
 * CANARY_ONLY=<text> runs only the cells whose name holds it (`CANARY_ONLY='7 not a file'`,
 * `CANARY_ONLY='› planes migrate'`); CANARY_KEEP=1 keeps every run's directory;
 * CANARY_CONCURRENCY=<n> sets how many run at a time.
 */

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'planes.cjs');

/** A run of planes takes about a second, five on a machine loaded ten times over: twice that is a hang. */
const RUN_TIMEOUT_MS = 10_000;

const canary = newCanary();
const only = process.env.CANARY_ONLY;
const matrix: Cell[] = cells(INPUTS).filter((cell) => only === undefined || cellName(cell).includes(only));
const outcomes = new Map<Cell, RunOutcome>();
let baseDir = '';
let seconds = 0;
/** The system's temporary directories, where a run that ignored its TMPDIR would write. */
const SYSTEM_TEMP = [...new Set([tmpdir(), '/tmp'])];
let tempBefore = new Map<string, Set<string>>();

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build it with node scripts/build.mjs`);
  baseDir = mkdtempSync(join(tmpdir(), 'planes-canary-'));
  // Through its shebang, as users run it: `node dist/planes.cjs` would let Node read an --env-file among the arguments.
  const executable = [DIST];
  const options: RunOptions = { canary, executable, timeoutMs: RUN_TIMEOUT_MS, baseDir, generatedFiles: recordGeneratedFiles(executable, baseDir) };
  const started = Date.now();
  tempBefore = namesIn(SYSTEM_TEMP);
  const results = await runCells(matrix, options);
  seconds = (Date.now() - started) / 1000;
  matrix.forEach((cell, index) => outcomes.set(cell, results[index]!));
}, 900_000);

afterAll(() => {
  if (baseDir && process.env.CANARY_KEEP !== '1') rmSync(baseDir, { recursive: true, force: true });
  if (outcomes.size === 0) return;
  const failed = [...outcomes].filter(([, outcome]) => outcome.violations.length > 0);
  if (failed.length > 0) console.log(groupedFailures(failed));
  const kinds = new Map<string, number>();
  for (const [, outcome] of failed) for (const v of outcome.violations) kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
  const inputs = new Set(matrix.map((cell) => cell.input));
  const hostile = [...inputs].filter((input) => input.class !== CLASSES.baseline).length;
  const commandsRun = new Set(matrix.map((cell) => cell.command.id)).size;
  const ended = [...outcomes].filter(([, o]) => o.exitCode !== null && o.exitCode <= 2).sort(([, a], [, b]) => b.durationMs - a.durationMs);
  const slowest = ended[0] ? `${(ended[0][1].durationMs / 1000).toFixed(1)} s: ${cellName(ended[0][0])}` : 'none';
  console.log(
    `canary harness: ${hostile} hostile inputs and ${inputs.size - hostile} clean baselines in ${new Set([...inputs].map((i) => i.class)).size} classes × ${commandsRun} commands and formats (of ${COMMANDS.length}) → ` +
      `${matrix.length} runs in ${seconds.toFixed(1)} s (${defaultConcurrency()} at a time, the slowest that ended with 0, 1 or 2 took ${slowest}); ${failed.length} runs failed` +
      (kinds.size > 0 ? ` (${[...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ')})` : ''),
  );
});

describe('the canary stays in secrets/*.txt', () => {
  it('no file that appeared in the system temporary directory during the runs holds it', () => {
    const leaks = filesAppearedIn(tempBefore, baseDir).flatMap(({ path, content }) => {
      const text = content.toString('latin1');
      const named = occurrences(path, canary).length > 0 ? [`${redacted(path, canary)}: its name holds the canary`] : [];
      return [...named, ...occurrences(text, canary).map((o) => `${redacted(path, canary)}: ${o.form} at ${position(text, o.offset)}`)];
    });
    if (leaks.length > 0) throw new Error(`files outside every run's directory hold the canary:\n  ${leaks.join('\n  ')}`);
  });

  it.each(matrix.map((cell) => [cellName(cell), cell] as const))('%s', (_, cell) => {
    const outcome = outcomes.get(cell);
    if (!outcome) throw new Error('the run did not happen (see the error of beforeAll)');
    if (outcome.violations.length > 0) {
      const where = outcome.directory ? `\n  (run directory kept: ${outcome.directory})` : '';
      const said = outcome.stderrTail ? `\n  (stderr, redacted: ${JSON.stringify(outcome.stderrTail)})` : '';
      throw new Error(`${cellName(cell)}: exit ${outcome.exitCode ?? outcome.signal ?? '—'} after ${outcome.durationMs} ms\n${outcome.violations.map((v) => `  ${v.kind}: ${v.detail}`).join('\n')}${said}${where}`);
    }
  });
});

/** The failures by class, then by input, each with the commands that failed and how. */
function groupedFailures(failed: [Cell, RunOutcome][]): string {
  const lines = ['canary harness failures, by class:'];
  const byClass = new Map<string, Map<string, string[]>>();
  for (const [cell, outcome] of failed) {
    const inputs = byClass.get(cell.input.class) ?? new Map<string, string[]>();
    byClass.set(cell.input.class, inputs);
    const kinds = [...new Set(outcome.violations.map((v) => v.kind))].join('+');
    inputs.set(cell.input.id, [...(inputs.get(cell.input.id) ?? []), `${cell.command.id} (${kinds})`]);
  }
  for (const [klass, inputs] of [...byClass].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${klass}`);
    for (const [input, commands] of inputs) lines.push(`    ${input}: ${commands.join('; ')}`);
  }
  return lines.join('\n');
}
