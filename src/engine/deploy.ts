import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Refuses to deploy a stack file that differs from what the manifest generates: the
 * secrets were checked against the generated one, and what is deployed must be the same.
 */
export function assertStackFileCurrent(root: string, file: string, generated: string): void {
  const path = join(root, file);
  if (!existsSync(path)) throw new UsageError(`${file} does not exist; run planes generate first`);
  if (readFileSync(path, 'utf8') !== generated) throw new UsageError(`${file} is out of date with the manifest; run planes generate (planes generate --check shows the difference)`);
}

export const RESOLVE_IMAGE = ['always', 'changed', 'never'] as const;
export type ResolveImage = (typeof RESOLVE_IMAGE)[number];

export function stackDeployArgs(file: string, stack: string, resolveImage: ResolveImage): string[] {
  return ['stack', 'deploy', '-c', file, '--resolve-image', resolveImage, '--prune', stack];
}

/** Runs the docker CLI with the terminal attached, so its progress reaches the user as it comes. */
export function runDocker(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { cwd, stdio: 'inherit' });
    child.on('error', (error) =>
      reject(new UsageError(`cannot run the docker CLI (${(error as NodeJS.ErrnoException).code ?? error.message}); planes deploy needs docker on the PATH`)),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
