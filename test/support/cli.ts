import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'planes.cjs');

let nodeOptions: string[] | undefined;

/** The Node options of the executable's shebang, `#!/usr/bin/env -S node <options> --`. (npm test builds it first.) */
export function shebangNodeOptions(): string[] {
  if (nodeOptions === undefined) {
    const [interpreter, ...options] = readFileSync(CLI, 'utf8').split('\n', 1)[0]!.replace(/^#!\/usr\/bin\/env -S /, '').split(' ');
    if (interpreter !== 'node' || options.pop() !== '--') throw new Error(`unexpected first line of ${CLI}`);
    nodeOptions = options;
  }
  return nodeOptions;
}

/**
 * The built `planes` as its shebang runs it: this Node, the shebang's options and `--`, the
 * executable. The options are more than speed: V8 takes the code caches only under the options
 * the build recorded them with.
 */
export function planesCommand(): string[] {
  return [process.execPath, ...shebangNodeOptions(), '--', CLI];
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `planes` (npm test builds it first) as a user would. */
export function planes(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const [node, ...rest] = planesCommand();
  const result = spawnSync(node!, [...rest, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningCli {
  /** Resolves once the command's standard error contains the text, so that a test can act in the middle of it. */
  stderrShows(text: string): Promise<void>;
  done: Promise<CliResult>;
}

/** Runs the built `planes` without waiting for it: a fault can then be made while it works. */
export function planesRunning(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningCli {
  const [node, ...rest] = planesCommand();
  const child = spawn(node!, [...rest, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const wait of waiting.filter(({ text }) => stderr.includes(text))) wait.resolve();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return {
    stderrShows: (text) =>
      new Promise((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiting.push({ text, resolve });
        void done.then(() => reject(new Error(`planes ${args.join(' ')} ended without printing ${JSON.stringify(text)}:\n${stderr}`)));
      }),
    done,
  };
}
