import { relative, sep } from 'node:path';

/** How findings and messages name a file: relative to the working directory, `/`-separated. */
export function displayPath(cwd: string, path: string): string {
  return relative(cwd, path).split(sep).join('/') || '.';
}

/**
 * displayPath for one working directory, each path worked out once: a large project names the
 * same env files and directories once per service, and path.relative is not cheap.
 */
export function pathDisplay(cwd: string): (path: string) => string {
  const shown = new Map<string, string>();
  return (path) => {
    let display = shown.get(path);
    if (display === undefined) {
      display = displayPath(cwd, path);
      shown.set(path, display);
    }
    return display;
  };
}
