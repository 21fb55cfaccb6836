import { spawnSync } from 'node:child_process';

/**
 * Whether the real Docker tools answer. Tests that need them skip with one loud line when
 * they do not, except in CI (CI=true), where a missing engine is a failure.
 */
export function dockerTools(suite: string, needs: ('compose' | 'stack' | 'engine')[]): boolean {
  const missing = needs.filter((need) => !answers(need));
  if (missing.length === 0) return true;
  const line = `${suite}: SKIPPED — no ${missing.join(', ')} reachable (run scripts/docker-engine.sh)`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run these tests`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

function answers(need: 'compose' | 'stack' | 'engine'): boolean {
  const args = { compose: ['compose', 'version'], stack: ['stack', 'config', '--help'], engine: ['info', '--format', '{{.ServerVersion}}'] }[need];
  return spawnSync('docker', args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The tool that will read a generated file: `docker compose config -q` or `docker stack config`. */
export function acceptedByTheirTool(root: string, environment: { target: 'compose' | 'swarm'; file: string }): Run {
  return environment.target === 'compose'
    ? run('docker', ['compose', '-f', environment.file, 'config', '-q'], root)
    : run('docker', ['stack', 'config', '-c', environment.file], root);
}
