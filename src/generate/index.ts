import { isFile, readTextFile } from '../fs/index.js';
import { join } from 'node:path';
import { environmentNames, type LoadedManifest, ManifestError } from '../manifest/index.js';
import { composeFile, wrapperUsed } from './compose.js';
import { SECRET_ENV_SCRIPT } from './secret-env.js';
import { configDigests, contentDigest } from './config-digests.js';
import { secretTemplateFiles } from './secret-templates.js';
import { formatDrift } from './drift.js';
import { envFiles } from './env-files.js';
import { secretExamples } from './examples.js';
import { currentGitignore, gitignoreWithSecrets } from './gitignore.js';
import { GITIGNORE, SECRET_ENV_WRAPPER } from '../layout.js';

export { envFiles } from './env-files.js';
export { rewriteConfigFiles, rewriteVolumeSources } from './host-paths.js';
export { templatedSecretName } from './secret-templates.js';

export interface GeneratedFile {
  /** Relative to the project root, `/`-separated. */
  path: string;
  content: string;
}

export interface Generation {
  files: GeneratedFile[];
  notes: string[];
}

/**
 * Every file the manifest determines, in a fixed order: same manifest, same bytes.
 * `root` is only read for .gitignore, which planes appends to but does not own, and for the
 * content digests of file configs (config-digests.ts).
 */
export function generate(loaded: LoadedManifest, root: string): Generation {
  const { manifest, file } = loaded;
  const manifestFile = file.split('\\').join('/');
  const env = envFiles(manifest, manifestFile);
  const configs = configDigests(manifest.name, manifest.configs, root);
  // The wrapper is generated here: its digest is that of what is written, not of what is on disk now.
  const wrapper = wrapperUsed(manifest);
  if (wrapper) configs.digests.set(SECRET_ENV_WRAPPER.config, contentDigest(SECRET_ENV_SCRIPT));
  const problems = [...env.problems, ...configs.problems];
  if (problems.length > 0) {
    throw new ManifestError(problems.map(({ path, message }) => ({ position: loaded.locate(path), message })));
  }
  const files: GeneratedFile[] = [];
  const notes: string[] = [...configs.notes];
  for (const environment of environmentNames(manifest)) {
    const compose = composeFile(manifest, environment, manifestFile, root, configs.digests);
    files.push({ path: manifest.environments[environment]!.file, content: compose.content });
    notes.push(...compose.notes);
  }
  files.push(...env.files, ...secretTemplateFiles(manifest), ...(wrapper ? [{ path: SECRET_ENV_WRAPPER.file, content: SECRET_ENV_SCRIPT }] : []), ...secretExamples(manifest));
  files.push({ path: GITIGNORE, content: gitignoreWithSecrets(currentGitignore(root)) });
  return { files, notes: [...new Set(notes)] };
}

export interface StaleFile {
  /** Relative to the project root. */
  path: string;
  /** What generation writes there. */
  content: string;
  /** What is there now; undefined when there is no such file. */
  current: string | undefined;
}

/** Every generated file that differs from what is on disk: what `generate --check` and the drift rule report. */
export function staleFiles(generation: Generation, root: string): StaleFile[] {
  return generation.files.flatMap(({ path, content }) => {
    const current = textOf(join(root, path), path);
    return current === content ? [] : [{ path, content, current }];
  });
}

/** Which lines of which generated files differ, values masked (see drift.ts); empty: up to date. */
export function drift(generation: Generation, root: string): string {
  return formatDrift(staleFiles(generation, root));
}

function textOf(path: string, display: string): string | undefined {
  return isFile(path) ? readTextFile(path, display) : undefined;
}
