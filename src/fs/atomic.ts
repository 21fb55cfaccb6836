/**
 * Writing a set of files all or none, and finishing a write that a killed process left half done.
 *
 * Every target is resolved and checked first (confine.ts): nothing changes when one of them is
 * refused. Each file is then staged in <root>/.planes-staging — a 0700 directory whose own
 * .gitignore keeps everything in it out of git, secret or not — and synced; missing target
 * directories are created (and listed, to be removed again). Then a journal naming every
 * staged file and its target is written atomically beside them: the commit point. Only then
 * are the staged files moved into place, by rename (secret files by link, which never replaces
 * a file). A failure before the journal removes the staging directory and leaves every
 * target as it was. A process killed after it leaves the journal, and the next planes command
 * that writes or reads the files finishes the moves (finishInterruptedWrite): the set of files
 * is always entirely old or entirely new.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { SECRETS_DIR } from '../layout.js';
import { type PlannedWrite, realRoot, type ResolvedWrite, resolveWrites, STAGING_DIR, type WriteOptions } from './confine.js';
import { displayPath } from './display.js';
import { errorCode, fileFailure } from './failure.js';
import { PRIVATE_DIRECTORY_MODE, tightenDirectory } from './private.js';

/** The commit point: which staged file goes where. Written once, atomically; its presence means "finish the moves". */
const JOURNAL = 'journal';
/** Target directories the write creates, written before it creates them, so that an abandoned write can remove them. */
const CREATED_DIRECTORIES = 'directories';
/** Keeps the staging directory, secret files included, out of `git status` whatever the project's .gitignore says. */
const STAGING_IGNORE = { name: '.gitignore', content: '# planes stages its writes here; nothing in this directory belongs in git\n*\n' };

interface JournalEntry {
  /** The staged file's name in the staging directory. */
  staged: string;
  /** Its target, relative to the project root, `/`-separated. */
  target: string;
  /** Link into place, never replacing a file (secret files); otherwise rename over the target. */
  create: boolean;
}

/**
 * Writes every file or none (see above). Throws a UsageError naming the file and what to do
 * when a write is refused or the system refuses it; nothing has changed then.
 */
export function writeFilesAtomically(writes: readonly PlannedWrite[], options: WriteOptions): void {
  finishInterruptedWrite(options.root);
  const { root, targets } = resolveWrites(writes, options);
  // Secret files go into place last, after the .gitignore that keeps them out of git.
  const pending = targets.filter((target) => !target.unchanged).sort((a, b) => Number(a.secret === true) - Number(b.secret === true));
  if (pending.length === 0) return;
  const staging = join(root, STAGING_DIR);
  const entries = stage(root, staging, pending);
  moveIntoPlace(root, staging, entries);
}

/** Refuses, as writeFilesAtomically would, writes planes must not make, before anything else is done; changes nothing. */
export function checkWrites(writes: readonly PlannedWrite[], options: WriteOptions): void {
  resolveWrites(writes, options);
}

/**
 * Finishes the write an interrupted planes command left in `root`: moves the staged files
 * into place when its journal was written, or removes them (and the directories it created)
 * when it was not. Says what it did; undefined when there was nothing to do.
 */
export function finishInterruptedWrite(root: string): string | undefined {
  let stat: Stats;
  try {
    stat = lstatSync(join(root, STAGING_DIR));
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw fileFailure(error, 'cannot look at', displayPath(process.cwd(), join(root, STAGING_DIR)));
  }
  const real = realRoot(root);
  const staging = join(real, STAGING_DIR);
  const shown = displayPath(process.cwd(), staging);
  if (!stat.isDirectory()) throw new UsageError(`${shown} is not the directory where planes stages its writes: remove or rename it`);
  const journal = readJournal(staging, shown);
  if (journal !== undefined) {
    moveIntoPlace(real, staging, journal);
    return `finished writing ${journal.length} file(s) that an interrupted planes command had staged in ${shown}/`;
  }
  abandon(real, staging, readCreatedDirectories(staging));
  return `removed what an interrupted planes command had staged in ${shown}/ (it had not replaced any file)`;
}

/** Stages every file and writes the journal; on any failure, undoes all of it and throws. */
function stage(root: string, staging: string, targets: readonly ResolvedWrite[]): JournalEntry[] {
  const shownRoot = displayPath(process.cwd(), root);
  try {
    mkdirSync(staging, { mode: PRIVATE_DIRECTORY_MODE });
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      throw new UsageError(`${displayPath(process.cwd(), staging)}/ appeared while planes was writing: another planes command is writing in ${shownRoot}; run one at a time`);
    }
    throw fileFailure(error, 'cannot write in', shownRoot, 'nothing was changed');
  }
  const created: string[] = [];
  // What planes was writing when a failure came: the staging directory, a new directory, a file.
  let current = `${displayPath(process.cwd(), staging)}/`;
  try {
    writeNewFile(join(staging, STAGING_IGNORE.name), STAGING_IGNORE.content, 0o600, false);
    const directories = [...new Set(targets.flatMap((target) => target.missingDirectories))].sort((a, b) => a.length - b.length);
    writeNewFile(join(staging, CREATED_DIRECTORIES), JSON.stringify(directories.map((path) => relativeTo(root, path))), 0o600, false);
    for (const directory of directories) {
      current = displayPath(process.cwd(), directory);
      // secrets/ is private however it comes to be made, for a secret file or an example.
      mkdirSync(directory, { mode: directory === join(root, SECRETS_DIR) ? PRIVATE_DIRECTORY_MODE : 0o777 });
      created.push(directory);
    }
    for (const directory of new Set(targets.filter((t) => t.secret).map((t) => dirname(t.absolute)))) {
      current = displayPath(process.cwd(), directory);
      tightenDirectory(directory, current);
    }
    assertOneFileSystem(staging, targets);
    const entries = targets.map((target, index): JournalEntry => {
      current = target.shown;
      writeNewFile(join(staging, String(index)), target.content, target.mode ?? (target.secret ? 0o600 : 0o644), target.secret === true);
      return { staged: String(index), target: target.relative, create: target.secret === true && target.rendered !== true };
    });
    current = `${displayPath(process.cwd(), staging)}/`;
    writeJournal(staging, entries);
    return entries;
  } catch (error) {
    abandon(root, staging, created);
    throw fileFailure(error, 'cannot write', current, 'nothing was changed');
  }
}

/** Removes the staging directory and the directories the write created (those still empty). */
function abandon(root: string, staging: string, createdDirectories: readonly string[]): void {
  removeStaging(staging);
  for (const directory of [...createdDirectories].reverse()) {
    try {
      rmdirSync(isAbsolute(directory) ? directory : join(root, directory));
    } catch {
      // Not empty (something else was put there since) or already gone: leave it.
    }
  }
}

/**
 * Moves every staged file still in the staging directory into place, syncs the directories,
 * and removes the staging directory. Each move is done once: a staged file that is gone was
 * moved by an earlier, interrupted run.
 */
function moveIntoPlace(root: string, staging: string, entries: readonly JournalEntry[]): void {
  const directories = new Set<string>();
  for (const entry of entries) {
    const from = join(staging, entry.staged);
    const to = join(root, ...entry.target.split('/'));
    directories.add(dirname(to));
    if (!exists(from)) continue;
    try {
      if (entry.create) createFrom(from, to);
      else renameSync(from, to);
    } catch (error) {
      throw interrupted(error, displayPath(process.cwd(), to), staging);
    }
  }
  try {
    for (const directory of directories) syncDirectory(directory);
  } catch (error) {
    throw interrupted(error, [...directories].map((d) => displayPath(process.cwd(), d)).join(', '), staging);
  }
  removeStaging(staging);
}

/** Removes the staging directory, its .gitignore last: until then, git ignores whatever is still staged, secret or not. */
function removeStaging(staging: string): void {
  let entries: string[];
  try {
    entries = readdirSync(staging);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) if (entry !== STAGING_IGNORE.name) rmSync(join(staging, entry), { recursive: true, force: true });
  rmSync(join(staging, STAGING_IGNORE.name), { force: true });
  rmdirSync(staging);
}

/** A secret file is linked into place, which fails rather than replace a file that appeared since. */
function createFrom(staged: string, target: string): void {
  try {
    linkSync(staged, target);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  unlinkSync(staged);
}

function interrupted(error: unknown, shown: string, staging: string): Error {
  const failure = fileFailure(error, 'cannot put in place', shown);
  if (!(failure instanceof UsageError)) return failure;
  return new UsageError(
    `${failure.message}; the new files wait in ${displayPath(process.cwd(), staging)}/ and the next planes command in this project puts the rest in place once the cause is fixed`,
  );
}

/** A new file (never an existing one, never through a link), synced to disk; `exactMode` sets the mode whatever the umask. */
function writeNewFile(path: string, content: string, mode: number, exactMode: boolean): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    if (exactMode) fchmodSync(fd, mode);
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The journal appears whole or not at all: written aside, synced, renamed, and the directory synced. */
function writeJournal(staging: string, entries: readonly JournalEntry[]): void {
  const aside = join(staging, `${JOURNAL}.new`);
  writeNewFile(aside, JSON.stringify({ version: 1, entries }), 0o600, false);
  renameSync(aside, join(staging, JOURNAL));
  syncDirectory(staging);
}

function readJournal(staging: string, shown: string): JournalEntry[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(staging, JOURNAL), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw fileFailure(error, 'cannot read', `${shown}/${JOURNAL}`);
  }
  const entries = (() => {
    try {
      return (JSON.parse(text) as { entries?: unknown }).entries;
    } catch {
      return undefined;
    }
  })();
  if (!Array.isArray(entries) || !entries.every(isJournalEntry)) {
    throw new UsageError(`${shown}/${JOURNAL} is not a journal planes wrote; remove ${shown}/ and run planes generate (and planes setup) again`);
  }
  return entries;
}

function isJournalEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | null;
  return (
    typeof entry?.staged === 'string' &&
    /^\d+$/.test(entry.staged) &&
    typeof entry.target === 'string' &&
    entry.target !== '' &&
    !entry.target.startsWith('/') &&
    entry.target.split('/').every((part) => part !== '' && part !== '.' && part !== '..') &&
    typeof entry.create === 'boolean'
  );
}

function readCreatedDirectories(staging: string): string[] {
  try {
    const list: unknown = JSON.parse(readFileSync(join(staging, CREATED_DIRECTORIES), 'utf8'));
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string' && !item.startsWith('/') && !item.split('/').includes('..')) : [];
  } catch {
    // Killed before the list was written: it had created no directory.
    return [];
  }
}

/** A rename cannot cross file systems: every target directory must be on the staging directory's. */
function assertOneFileSystem(staging: string, targets: readonly ResolvedWrite[]): void {
  const device = statSync(staging).dev;
  for (const target of targets) {
    if (statSync(dirname(target.absolute)).dev !== device) {
      throw new UsageError(`${target.shown} is on another file system than the project root; planes moves files into place within one file system: keep the project on one`);
    }
  }
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function relativeTo(root: string, path: string): string {
  return path.slice(root.length + 1).split(sep).join('/');
}
