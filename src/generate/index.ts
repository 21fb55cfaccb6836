import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ManifestError, type LoadedManifest } from '../manifest/load.js';
import { environmentNames } from '../manifest/model.js';
import { composeFile } from './compose.js';
import { envFiles } from './env-files.js';
import { secretExamples } from './examples.js';
import { GITIGNORE, gitignoreWithSecrets } from './gitignore.js';

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
 * `root` is only read for .gitignore, which planes appends to but does not own.
 */
export function generate(loaded: LoadedManifest, root: string): Generation {
  const { manifest, file } = loaded;
  const manifestFile = file.split('\\').join('/');
  const env = envFiles(manifest, manifestFile);
  if (env.problems.length > 0) {
    throw new ManifestError(env.problems.map(({ path, message }) => ({ position: loaded.locate(path), message })));
  }
  const files: GeneratedFile[] = [];
  const notes: string[] = [];
  for (const environment of environmentNames(manifest)) {
    const compose = composeFile(manifest, environment, manifestFile, root);
    files.push({ path: manifest.environments[environment]!.file, content: compose.content });
    notes.push(...compose.notes);
  }
  files.push(...env.files, ...secretExamples(manifest));
  const gitignorePath = join(root, GITIGNORE);
  files.push({ path: GITIGNORE, content: gitignoreWithSecrets(existsSync(gitignorePath) ? readFileSync(gitignorePath, 'utf8') : undefined) });
  return { files, notes: [...new Set(notes)] };
}

/** A unified diff of every generated file that differs from what is on disk (empty: up to date). */
export function drift(generation: Generation, root: string): string {
  return generation.files
    .map(({ path, content }) => {
      const absolute = join(root, path);
      const current = existsSync(absolute) ? readFileSync(absolute, 'utf8') : '';
      if (current === content) return '';
      return createTwoFilesPatch(`a/${path}`, `b/${path}`, current, content, existsSync(absolute) ? undefined : '(missing)', undefined, { context: 3 });
    })
    .join('');
}
