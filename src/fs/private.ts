/**
 * The secrets directory and the secret files in it, handled without ever following a
 * symbolic link: lstat to see what is there, opens with O_NOFOLLOW, modes changed with
 * fchmod on an open descriptor (a chmod on a path would change whatever a link points at).
 */
import { accessSync, closeSync, constants, existsSync, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { displayPath } from './display.js';
import { errorCode, fileFailure } from './failure.js';

/** Owner only: what a directory of secrets must be. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Makes `relative` under `root` a private directory: created 0700 when missing, tightened to
 * 0700 when others could read it. Refuses a link, a file, or a directory planes cannot read,
 * saying what it found. Returns whether it created the directory or tightened its mode.
 */
export function securePrivateDirectory(root: string, relative: string): { created: boolean; tightened: boolean } {
  const path = join(root, relative);
  const shown = displayPath(process.cwd(), path);
  const stat = privateDirectoryStat(path, shown);
  if (stat === undefined) {
    try {
      mkdirSync(path, { mode: PRIVATE_DIRECTORY_MODE });
    } catch (error) {
      throw fileFailure(error, 'cannot create', `${shown}/`, 'nothing was changed');
    }
    return { created: true, tightened: false };
  }
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw fileFailure(error, 'cannot read', `${shown}/ (${ownerAndMode(stat)})`, 'nothing was changed');
  }
  return { created: false, tightened: tightenDirectory(path, shown) };
}

/**
 * What is at `path`, which must be a real directory when it exists: undefined when missing;
 * a link or anything else is refused with what it is.
 */
function privateDirectoryStat(path: string, shown: string): Stats | undefined {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw fileFailure(error, 'cannot look at', `${shown}/`, 'nothing was changed');
  }
  if (stat.isSymbolicLink()) {
    throw new UsageError(
      `${shown}/ is a symbolic link to ${readlinkSync(path)}; planes keeps secrets in a real directory of the project: ` +
        `replace the link with a directory ${shown}/ (move the secret files into it), then run the command again`,
    );
  }
  if (!stat.isDirectory()) {
    throw new UsageError(`${shown} is ${stat.isFile() ? 'a file' : 'not a directory'}; planes keeps secrets in a directory ${shown}/: move it away, then run the command again`);
  }
  return stat;
}

/** Sets an existing directory to 0700 through a descriptor opened without following a link; whether it had to. */
export function tightenDirectory(path: string, shown: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    if (errorCode(error) === 'ELOOP') privateDirectoryStat(path, shown);
    throw fileFailure(error, 'cannot open', `${shown}/`, 'nothing was changed');
  }
  try {
    if ((fstatSync(fd).mode & 0o077) === 0) return false;
    fchmodSync(fd, PRIVATE_DIRECTORY_MODE);
    return true;
  } catch (error) {
    throw fileFailure(error, 'cannot make private', `${shown}/`, 'no secret file was written');
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the secret file at `relative` under `root` is there. Refuses what planes must not
 * take for a secret file: a link (dangling or not), a directory or special file, a file it
 * cannot read. The directory holding it must have been checked first (securePrivateDirectory).
 */
export function secretFileState(root: string, relative: string): 'absent' | 'present' {
  const path = join(root, relative);
  const shown = displayPath(process.cwd(), path);
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'absent';
    throw fileFailure(error, 'cannot look at', shown, 'nothing was changed');
  }
  if (stat.isSymbolicLink()) {
    const target = readlinkSync(path);
    const dangling = !existsSync(path);
    throw new UsageError(
      `${shown} is a symbolic link to ${target}${dangling ? ', which does not exist' : ''}; planes keeps each secret in a regular file and never writes through a link: ` +
        `remove the link${dangling ? '' : ' and put the value in a file of that name'}, then run the command again`,
    );
  }
  if (!stat.isFile()) throw new UsageError(`${shown} is not a regular file; a secret file holds the value alone: remove it, then run the command again`);
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw fileFailure(error, 'cannot read', `${shown} (${ownerAndMode(stat)})`, 'nothing was changed');
  }
  return 'present';
}

/** The value of the secret file at `relative` under `root`, undefined when there is none; refuses what secretFileState refuses. */
export function secretFileValue(root: string, relative: string): string | undefined {
  return secretFileState(root, relative) === 'present' ? readSecretFile(join(root, relative), relative) : undefined;
}

/** The value in a secret file, opened without following a link. */
export function readSecretFile(path: string, shown: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw fileFailure(error, 'cannot read', shown, 'nothing was changed');
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function ownerAndMode(stat: Stats): string {
  return `owner uid ${stat.uid}, mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}`;
}
