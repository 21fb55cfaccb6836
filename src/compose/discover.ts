/**
 * Which compose files make the project, as `docker compose` decides: the `-f` files in the
 * order given; else those of `COMPOSE_FILE`; else the first of `compose.yaml`, `compose.yml`,
 * `docker-compose.yml`, `docker-compose.yaml` in the directory or the nearest parent that has
 * one, followed by the first override file found beside it.
 */
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isFile, notARegularFile } from '../fs/index.js';

const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const DEFAULT_OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface DiscoveryOptions {
  /** `-f`, as given (relative to `cwd`). */
  files?: readonly string[];
  /** Where the search for default files starts (the project directory, or `cwd`). */
  searchFrom: string;
  cwd: string;
  /** Looked up for `COMPOSE_FILE` and `COMPOSE_PATH_SEPARATOR`. */
  lookup: (name: string) => string | undefined;
}

/** Absolute paths of the compose files, main file first. */
export function discoverComposeFiles(options: DiscoveryOptions): string[] {
  const given = options.files !== undefined && options.files.length > 0 ? options.files : fromEnvironment(options.lookup);
  if (given !== undefined) {
    return given.map((file) => {
      const path = resolve(options.cwd, file);
      if (isFile(path)) return path;
      const kind = notARegularFile(path);
      throw new UsageError(kind === undefined ? `compose file ${file} not found` : `compose file ${file} is ${kind}, not a file; name a compose file with -f`);
    });
  }
  for (let directory = resolve(options.cwd, options.searchFrom); ; directory = dirname(directory)) {
    const main = firstFile(directory, DEFAULT_FILE_NAMES);
    if (main !== undefined) {
      const override = firstFile(directory, DEFAULT_OVERRIDE_FILE_NAMES);
      return override === undefined ? [main] : [main, override];
    }
    if (dirname(directory) === directory) break;
  }
  throw new UsageError(`no compose file found in ${options.searchFrom} or its parents (looked for ${DEFAULT_FILE_NAMES.join(', ')}); name one with -f`);
}

function fromEnvironment(lookup: (name: string) => string | undefined): string[] | undefined {
  const value = lookup('COMPOSE_FILE');
  if (value === undefined || value === '') return undefined;
  return value.split(lookup('COMPOSE_PATH_SEPARATOR') || ':').filter((file) => file !== '');
}

function firstFile(directory: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const path = join(directory, name);
    if (isFile(path)) return path;
  }
  return undefined;
}
