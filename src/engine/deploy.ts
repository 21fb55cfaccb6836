import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readTextFile } from '../fs/index.js';

/**
 * Why the stack file must not be deployed: it differs from what the manifest generates (the
 * secrets were checked against the generated one, and what is deployed must be the same), or
 * it is missing. Undefined when it is current.
 */
export function stackFileDrift(root: string, file: string, generated: string): string | undefined {
  const path = join(root, file);
  if (!existsSync(path)) return `${file} does not exist; run planes generate first`;
  if (readTextFile(path, file) !== generated) return `${file} is out of date with the manifest; run planes generate (planes generate --check shows the difference)`;
  return undefined;
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
