/**
 * Host paths of the original setup, rewritten relative to the migrated project: its build
 * contexts, bind mounts and build secret files stay where they are, and the new project
 * points at them.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `abs` relative to `outDir`, as Compose wants a relative path (`./x`, `../x`). */
export function fromOut(outDir: string, abs: string): string {
  const path = relative(outDir, abs).split(sep).join('/');
  if (path === '') return '.';
  return path.startsWith('../') || path === '..' ? path : `./${path}`;
}

/** A short-syntax volume (`./data:/data:ro`) with its relative host path rebased; named volumes and absolute paths unchanged. */
export function rebaseShortVolume(volume: string, workingDir: string, outDir: string): string {
  const colon = volume.indexOf(':');
  if (colon === -1) return volume;
  const source = volume.slice(0, colon);
  return isRelativeHostPath(source) ? `${fromOut(outDir, resolve(workingDir, source))}${volume.slice(colon)}` : volume;
}

export function rebaseHostPath(path: string, workingDir: string, outDir: string): string {
  return isRelativeHostPath(path) ? fromOut(outDir, resolve(workingDir, path)) : path;
}

function isRelativeHostPath(path: string): boolean {
  return (path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../')) && !isAbsolute(path);
}
