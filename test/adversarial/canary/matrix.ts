import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, type CommandSpec } from './commands.js';
import { type HostileInput, manifest } from './inputs.js';
import { runInSandbox, type RunOptions, type RunOutcome, type RunSpec } from './sandbox.js';
import { snapshot } from './tree.js';

/** One cell of the matrix: a hostile input under one command (in one format, against one engine). */
export interface Cell {
  input: HostileInput;
  command: CommandSpec;
}

export function cellName({ input, command }: Cell): string {
  return `[${input.class}] ${input.id} › planes ${command.id}`;
}

/** Every command of every family an input lists. */
export function cells(inputs: readonly HostileInput[], commands: readonly CommandSpec[] = COMMANDS): Cell[] {
  const applies = (input: HostileInput, command: CommandSpec) =>
    input.families.includes(command.family) && (input.only === undefined || input.only.some((id) => command.id === id || command.id.startsWith(`${id} [`)));
  return inputs.flatMap((input) => commands.filter((command) => applies(input, command)).map((command) => ({ input, command })));
}

export function runSpec({ input, command }: Cell, canary: string): RunSpec {
  const extra = input.args?.[command.family] ?? [];
  const expectation = input.expect && (input.expect.for === undefined || input.expect.for.includes(command.id)) ? input.expect : undefined;
  return {
    commandId: command.id,
    build: input.build,
    args: (paths) => [...command.args(paths), ...extra],
    ...(input.env ? { env: input.env(canary) } : {}),
    ...(command.engine === 'fake' ? { world: input.world?.(canary) ?? {} } : {}),
    ...(expectation ? { expect: expectation } : {}),
  };
}

/**
 * A run still going after this long is waiting (on a FIFO, until its timeout) rather than
 * working: it gives its place to the next run, so that hangs do not hold up the matrix.
 */
const OVERTIME_MS = 2_000;

/** Runs every cell, `concurrency` at a time — and up to as many more that have run into overtime. */
export async function runCells(list: readonly Cell[], options: RunOptions, concurrency = defaultConcurrency()): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(list.length);
  const running = new Set<Promise<void>>();
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      if (running.size >= 2 * concurrency) {
        await Promise.race(running);
        continue;
      }
      const index = next++;
      const run: Promise<void> = runInSandbox(runSpec(list[index]!, options.canary), options).then((outcome) => {
        outcomes[index] = outcome;
        running.delete(run);
      });
      running.add(run);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([run, new Promise((resolve) => (timer = setTimeout(resolve, OVERTIME_MS)))]);
      clearTimeout(timer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  await Promise.all(running);
  return outcomes;
}

/**
 * One more than the processors: a run spends part of its time starting up and waiting on files.
 * No more, to leave the other test files of the suite (the Docker oracles) their share.
 */
export function defaultConcurrency(): number {
  const asked = Number(process.env.CANARY_CONCURRENCY);
  return Number.isInteger(asked) && asked > 0 ? asked : availableParallelism() + 1;
}

/**
 * The files `planes generate` writes for the base manifest, so that an input can start from a
 * generated project without a run of its own. Throws when generation fails: the harness cannot
 * build its inputs.
 */
export function recordGeneratedFiles(executable: string[], baseDir: string): Map<string, Buffer> {
  const root = mkdtempSync(join(baseDir, 'generated-'));
  try {
    mkdirSync(join(root, 'compose'));
    writeFileSync(join(root, 'compose', 'stack.yaml'), manifest());
    const result = spawnSync(executable[0]!, [...executable.slice(1), 'generate'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: root, NO_COLOR: '1' }, timeout: 60_000 });
    if (result.status !== 0) throw new Error(`planes generate failed on the base manifest of the canary harness (exit ${result.status}): ${result.stderr}`);
    const files = new Map<string, Buffer>();
    for (const [path, entry] of snapshot(root)) if (entry.type === 'file' && path !== 'compose/stack.yaml') files.set(path, entry.content!);
    return files;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
