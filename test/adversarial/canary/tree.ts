import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a directory tree holds, entry by entry, without following a symbolic link and without
 * opening anything but a regular file (a FIFO would block, a device would never end).
 */
export interface TreeEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** The permission bits. */
  mode: number;
  /** A regular file's bytes. */
  content?: Buffer;
  /** A symbolic link's target, as written. */
  target?: string;
}

/** Relative path (with `/`) → entry, the root itself left out. */
export type Tree = Map<string, TreeEntry>;

/** Larger files are compared and scanned by their first bytes only: no input or output of these runs comes near. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export function snapshot(root: string): Tree {
  const tree: Tree = new Map();
  const visit = (directory: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      return; // unreadable (a run may leave a directory without permissions): its entry is still compared
    }
    for (const name of names.sort()) {
      const path = join(directory, name);
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      const mode = stat.mode & 0o7777;
      if (stat.isSymbolicLink()) tree.set(relative, { type: 'symlink', mode, target: readlinkSync(path) });
      else if (stat.isDirectory()) {
        tree.set(relative, { type: 'directory', mode });
        visit(path, relative);
      } else if (stat.isFile()) tree.set(relative, { type: 'file', mode, content: readHead(path) });
      else tree.set(relative, { type: 'other', mode });
    }
  };
  visit(root, '');
  return tree;
}

function readHead(path: string): Buffer {
  try {
    const content = readFileSync(path);
    return content.length > MAX_READ_BYTES ? content.subarray(0, MAX_READ_BYTES) : content;
  } catch {
    return Buffer.alloc(0);
  }
}

export type ChangeKind = 'created' | 'changed' | 'deleted';

export interface Change {
  path: string;
  kind: ChangeKind;
  /** The entry after the run (absent when deleted). */
  entry?: TreeEntry;
}

/** What differs between two snapshots of the same tree: entries created, changed (type, content, mode or target) or deleted. */
export function changes(before: Tree, after: Tree): Change[] {
  const found: Change[] = [];
  for (const [path, entry] of after) {
    const earlier = before.get(path);
    if (!earlier) found.push({ path, kind: 'created', entry });
    else if (!sameEntry(earlier, entry)) found.push({ path, kind: 'changed', entry });
  }
  for (const path of before.keys()) if (!after.has(path)) found.push({ path, kind: 'deleted' });
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

export function sameContent(a: TreeEntry | undefined, b: TreeEntry | undefined): boolean {
  if (!a || !b || a.type !== b.type || a.target !== b.target) return false;
  return a.content === undefined ? b.content === undefined : b.content !== undefined && a.content.equals(b.content);
}

function sameEntry(a: TreeEntry, b: TreeEntry): boolean {
  return sameContent(a, b) && a.mode === b.mode;
}

/** The names directly in each directory, to see later what appeared there. */
export function namesIn(directories: readonly string[]): Map<string, Set<string>> {
  return new Map(directories.map((directory) => [directory, new Set(readdirSafe(directory))]));
}

/**
 * The regular files under the entries that appeared in these directories since `before` (the
 * runs' own directory left out), at most `limit` of them: where a run that ignores TMPDIR would
 * have written. Other processes of the machine create entries there too; only their files are read.
 */
export function filesAppearedIn(before: Map<string, Set<string>>, exclude: string, limit = 5_000): { path: string; content: Buffer }[] {
  const files: { path: string; content: Buffer }[] = [];
  const visit = (path: string, depth: number): void => {
    if (files.length >= limit || path === exclude) return;
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isFile() && stat.size <= 1024 * 1024) files.push({ path, content: readHead(path) });
    else if (stat?.isDirectory() && depth < 6) for (const name of readdirSafe(path)) visit(join(path, name), depth + 1);
  };
  for (const [directory, names] of before) for (const name of readdirSafe(directory)) if (!names.has(name)) visit(join(directory, name), 0);
  return files;
}

function readdirSafe(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
