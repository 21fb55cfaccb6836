import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The function Node wraps every CommonJS module in; a bundle sees the same five names. */
export const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
export const WRAPPER_TAIL = '\n});';

export interface BundleLoader {
  /** The exports of dist/<name>, compiled once per process. */
  load(name: string): unknown;
  /** Whether V8 took the recorded cache of every bundle loaded so far. */
  readonly cachesAccepted: boolean;
  /** Writes each loaded bundle's code cache, with every function compiled so far in it. */
  recordCodeCaches(): void;
}

interface LoadedBundle {
  exports: unknown;
  script: Script;
  cacheFile: string;
  cacheAccepted: boolean;
}

/**
 * Loads the bundles in `dir` with the V8 code cache the build recorded beside each one
 * (<name>.v8cache): compiling ~0.7 MB of JavaScript is most of what `planes check` would
 * otherwise spend on a small project. A cache V8 does not take (another Node version) only
 * costs that time again; it never changes what runs.
 */
export function createBundleLoader(dir: string): BundleLoader {
  const loaded = new Map<string, LoadedBundle>();

  function load(name: string): unknown {
    const known = loaded.get(name);
    if (known) return known.exports;
    const file = join(dir, name);
    const cacheFile = `${file}.v8cache`;
    const cachedData = readIfPresent(cacheFile);
    const script = new Script(WRAPPER_HEAD + readFileSync(file, 'utf8') + WRAPPER_TAIL, { filename: file, ...(cachedData ? { cachedData } : {}) });
    const module = { exports: {} as unknown };
    const nodeRequire = createRequire(file);
    // A bundle that loads another of ours (`./<name>.cjs`) gets it through here, with its cache.
    const bundleRequire = (id: string): unknown => (id.startsWith('./') && id.endsWith('.cjs') ? load(id.slice(2)) : nodeRequire(id));
    const entry: LoadedBundle = { exports: undefined, script, cacheFile, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
    loaded.set(name, entry);
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, Object.assign(bundleRequire, nodeRequire), module, file, dir);
    entry.exports = module.exports;
    return module.exports;
  }

  return {
    load,
    get cachesAccepted() {
      return [...loaded.values()].every((bundle) => bundle.cacheAccepted);
    },
    recordCodeCaches() {
      for (const { script, cacheFile } of loaded.values()) {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      }
    },
  };
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
