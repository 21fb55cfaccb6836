/**
 * Where a planned write really lands, refused before anything changes when that is not a
 * place planes may write: outside the project root, through a symbolic link leading out of
 * it, onto a directory or a special file, onto a secret file, the manifest or another input,
 * or twice onto the same file. Every existing component of every path is looked at with
 * lstat, so a link is seen as a link.
 */
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { SECRETS_DIR } from '../layout.js';
import { displayPath } from './display.js';
import { errorCode, fileFailure } from './failure.js';
import { readSecretFile } from './private.js';
import { kindOf } from './read.js';

export interface PlannedWrite {
  /** Absolute, or relative to the project root. */
  path: string;
  content: string;
  /** Defaults to 0644 (less the umask). */
  mode?: number;
  /**
   * A secret file (secrets/<name>.txt): created with exactly `mode`, never through a link,
   * never over an existing file (one that already holds this very content is left alone).
   */
  secret?: boolean;
  /** A secret file planes renders from others (a templated secret): replaced, by rename, when its inputs changed. */
  rendered?: boolean;
}

/** A file that must not be written, and what it is, for the message. */
export interface ProtectedFile {
  path: string;
  /** `the manifest`, `an input of the migration`. */
  as: string;
  /** What the user can do instead. */
  advice?: string;
}

export interface WriteOptions {
  /** The project root: every write must land inside it. */
  root: string;
  protect?: readonly ProtectedFile[];
}

export interface ResolvedWrite extends PlannedWrite {
  /** The real absolute path the file lands at. */
  absolute: string;
  /** The same, relative to the real root, `/`-separated. */
  relative: string;
  /** The path as the user knows it, for messages. */
  shown: string;
  /** Directories to create for it, outermost first. */
  missingDirectories: string[];
  /** A secret file that already holds this content: nothing to write. */
  unchanged: boolean;
}

/** Where planes stages its writes, inside the project root (see atomic.ts). */
export const STAGING_DIR = '.planes-staging';

const SECRET_FILE = new RegExp(`^${SECRETS_DIR}/[^/]+\\.txt$`);

/** Whether a path relative to the project root, `/`-separated, is where a secret file lives (secrets/*.txt, as the .gitignore entry says). */
export function isSecretFilePath(relativePath: string): boolean {
  return SECRET_FILE.test(relativePath);
}

/** The real path of the project root, which must be a directory planes can use. */
export function realRoot(root: string): string {
  const shown = displayPath(process.cwd(), resolve(root));
  try {
    const real = realpathSync(root);
    if (!statSync(real).isDirectory()) throw new UsageError(`${shown} is not a directory; planes writes a project into a directory`);
    return real;
  } catch (error) {
    throw fileFailure(error, 'cannot use the directory', shown, 'nothing was changed');
  }
}

/** Every write resolved and checked; throws a UsageError naming the first one planes must not make. */
export function resolveWrites(writes: readonly PlannedWrite[], options: WriteOptions): { root: string; targets: ResolvedWrite[] } {
  const root = realRoot(options.root);
  const protectedFiles = new Map((options.protect ?? []).map((file) => [realLocation(resolve(options.root, file.path)), file]));
  const seen = new Map<string, string>();
  const targets = writes.map((write) => {
    const target = resolveWrite(root, resolve(options.root), write);
    const guarded = protectedFiles.get(target.absolute);
    if (guarded) throw new UsageError(`${target.shown} is ${guarded.as}; planes never writes over it${guarded.advice ? `: ${guarded.advice}` : ''}`);
    const twice = seen.get(target.absolute);
    if (twice !== undefined) throw new UsageError(`${target.shown} would be written twice (it is also ${twice}); give each generated file its own path`);
    seen.set(target.absolute, target.shown);
    return target;
  });
  return { root, targets };
}

function resolveWrite(root: string, givenRoot: string, write: PlannedWrite): ResolvedWrite {
  const lexical = resolve(givenRoot, write.path);
  const shown = displayPath(process.cwd(), lexical);
  const inside = relative(givenRoot, lexical);
  if (inside === '') throw new UsageError(`${shown} is the project directory itself; planes writes files inside it`);
  if (!isInside(inside)) throw new UsageError(`${shown} is outside the project (${displayPath(process.cwd(), givenRoot)}); planes writes only inside it`);

  const { absolute, stat, missingDirectories } = walk(root, givenRoot, inside.split(sep), write.secret === true, shown);
  const relativePath = relative(root, absolute).split(sep).join('/');
  if (write.secret && !isSecretFilePath(relativePath)) throw new Error(`planes bug: a secret file must be written under ${SECRETS_DIR}/, not at ${relativePath}`);
  if (!write.secret && isSecretFilePath(relativePath)) {
    throw new UsageError(`${shown} is where planes keeps a secret file (${SECRETS_DIR}/*.txt); planes never writes a generated file there: choose another path`);
  }
  if (relativePath === STAGING_DIR || relativePath.startsWith(`${STAGING_DIR}/`)) {
    throw new UsageError(`${shown} is inside ${STAGING_DIR}/, where planes stages its writes: choose another path`);
  }
  assertWritableDirectory(missingDirectories.length > 0 ? parentOf(missingDirectories[0]!) : parentOf(absolute), shown);
  const unchanged = stat !== undefined && write.secret === true && (write.rendered === true ? readSecretFile(absolute, shown) === write.content : sameSecret(absolute, write.content, shown));
  return { ...write, absolute, relative: relativePath, shown, missingDirectories, unchanged };
}

interface Walked {
  absolute: string;
  /** The target's own lstat (after a link inside the project), when it exists. */
  stat: Stats | undefined;
  missingDirectories: string[];
}

/**
 * Follows `parts` from the real root one component at a time. A link is followed only when
 * it stays inside the project, and never on the way to a secret file.
 */
function walk(root: string, givenRoot: string, parts: string[], secret: boolean, shown: string): Walked {
  let current = root;
  for (let index = 0; index < parts.length; index++) {
    const last = index === parts.length - 1;
    const next = join(current, parts[index]!);
    const nextShown = displayPath(process.cwd(), join(givenRoot, ...parts.slice(0, index + 1)));
    let stat = lstatIfPresent(next, nextShown);
    if (stat === undefined) {
      const missingDirectories = parts.slice(index, -1).map((_, i) => join(current, ...parts.slice(index, index + i + 1)));
      return { absolute: join(current, ...parts.slice(index)), stat: undefined, missingDirectories };
    }
    if (stat.isSymbolicLink()) {
      current = followInside(root, next, nextShown, secret);
      stat = lstatSync(current);
    } else {
      current = next;
    }
    if (!last && !stat.isDirectory()) {
      throw new UsageError(`${nextShown} is ${kindOf(stat)}, where ${shown} needs a directory: remove or rename it`);
    }
    if (last && !stat.isFile()) {
      const what = stat.isDirectory() ? 'a directory' : kindOf(stat);
      throw new UsageError(`${shown} is ${what}, where planes writes a file: remove or rename it, or choose another path; nothing was changed`);
    }
    if (last) return { absolute: current, stat, missingDirectories: [] };
  }
  throw new Error('planes bug: an empty path to write');
}

/** The real path a link inside the project leads to; refuses a link to a secret, one leading out of the project, one leading nowhere. */
function followInside(root: string, link: string, shown: string, secret: boolean): string {
  const target = readlinkSync(link);
  if (secret) {
    throw new UsageError(`${shown} is a symbolic link to ${target}; planes keeps secrets in real files and directories of the project and never writes through a link: replace the link with a directory (or file) of that name`);
  }
  let real: string;
  try {
    real = realpathSync(link);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ELOOP') throw new UsageError(`${shown} is a symbolic link to ${target}, which does not exist: remove the link`);
    throw fileFailure(error, 'cannot follow', shown, 'nothing was changed');
  }
  if (!isInside(relative(root, real))) {
    throw new UsageError(`${shown} is a symbolic link to ${target}, outside the project; planes writes only inside the project (${displayPath(process.cwd(), root)}): remove the link, or make it point inside the project`);
  }
  return real;
}

/** Whether a path relative to the root stays inside it. */
function isInside(relativePath: string): boolean {
  return relativePath !== '..' && !relativePath.startsWith(`..${sep}`) && !isAbsolute(relativePath);
}

function lstatIfPresent(path: string, shown: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw fileFailure(error, 'cannot look at', shown, 'nothing was changed');
  }
}

/** planes must be able to create and rename files in the directory a file lands in. */
function assertWritableDirectory(directory: string, shown: string): void {
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw fileFailure(error, `cannot write ${shown} in`, displayPath(process.cwd(), directory), 'nothing was changed');
  }
}

/** A secret file already there is left alone when it holds the very value planes would write, and refused otherwise. */
function sameSecret(path: string, content: string, shown: string): boolean {
  if (readSecretFile(path, shown) === content) return true;
  throw new UsageError(`${shown} already exists; planes never overwrites a secret file: move it away first, or write elsewhere`);
}

/** The real path of `path`: its deepest existing ancestor resolved, the rest as given. */
function realLocation(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = parentOf(current);
      if (parent === current) return path;
      missing.push(current.slice(parent.length).replace(/^[\\/]/, ''));
      current = parent;
    }
  }
}

function parentOf(path: string): string {
  return resolve(path, '..');
}

