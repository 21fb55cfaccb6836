import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'planes.cjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `planes` (npm test builds it first) as a user would. */
export function planes(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  // `--`, as the executable's shebang has it: Node 20 would read an --env-file among args itself.
  const result = spawnSync(process.execPath, ['--', CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
