import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export interface PlannedWrite {
  path: string;
  content: string;
  mode?: number;
}

/**
 * Writes every file or none: all contents go to temporary siblings first, and only when
 * all of them are on disk are they renamed over their targets. A crash before the renames
 * leaves the old files untouched.
 */
export function writeFilesAtomically(writes: readonly PlannedWrite[]): void {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const write of writes) {
      mkdirSync(dirname(write.path), { recursive: true });
      const temp = join(dirname(write.path), `.${basename(write.path)}.${randomBytes(6).toString('hex')}.tmp`);
      writeFileSync(temp, write.content, { mode: write.mode ?? 0o644, flag: 'wx' });
      staged.push({ temp, target: write.path });
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target } of staged) renameSync(temp, target);
}
