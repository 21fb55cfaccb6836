import { relative, sep } from 'node:path';

/** How findings and messages name a file: relative to the working directory, `/`-separated. */
export function displayPath(cwd: string, path: string): string {
  return relative(cwd, path).split(sep).join('/') || '.';
}
