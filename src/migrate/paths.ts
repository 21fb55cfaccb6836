/**
 * Host paths of the original setup, written from the migrated project: its build contexts,
 * bind mounts, config and build secret files stay where they are, and the new project points
 * at them (service volumes and configs through src/compose/host-paths.ts).
 */
import { relative, sep } from 'node:path';

/** `abs` relative to `outDir`, as Compose wants a relative path (`./x`, `../x`). */
export function fromOut(outDir: string, abs: string): string {
  const path = relative(outDir, abs).split(sep).join('/');
  if (path === '') return '.';
  return path.startsWith('../') || path === '..' ? path : `./${path}`;
}
