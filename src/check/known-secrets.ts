/**
 * The secrets a project gives away by name, gathered once before its rules run, so that every
 * rule recognises the same value written elsewhere (DESIGN.md §4, issue 11 class 6). Sound
 * sources only: what the project declares a secret (a top-level `secrets:` entry, by its
 * variable or its file) and what its own files hold under a secret name (`environment`,
 * `build.args`, env_file and `.env` lines). The shell's own variables are left out unless a
 * secret names them: what a CI runner happens to export is no part of the project.
 */
import { statSync } from 'node:fs';
import type { ComposeProject } from '../compose/index.js';
import { readTextFile } from '../fs/index.js';
import { classifyName, KnownSecretValues } from '../judge/index.js';

/** A secret file larger than this holds a certificate or a key store, not a password to search for. */
const MAX_SECRET_FILE_BYTES = 4096;

export function projectSecrets(project: ComposeProject, display: (path: string) => string): KnownSecretValues {
  const known = new KnownSecretValues();
  const { projectEnv, model } = project;
  // Declared secrets first: their names are the ones a reader knows them by.
  for (const [name, definition] of Object.entries(topLevelSecrets(model['secrets']))) {
    const variable = definition['environment'];
    if (typeof variable === 'string') addValue(known, name, projectEnv.lookup(variable));
    const file = definition['file'];
    if (typeof file === 'string') addValue(known, name, secretFileText(file, display));
  }
  const bySecretName = (name: string, value: string | null | undefined): void => {
    if (classifyName(name).secret) addValue(known, name, value);
  };
  for (const entry of projectEnv.entries) bySecretName(entry.key, entry.value);
  for (const read of project.envFileReads) for (const entry of read.entries) bySecretName(entry.key, entry.value);
  for (const definition of Object.values(model.services)) {
    const settings = [...Object.entries(definition.environment ?? {}), ...Object.entries(definition.build?.args ?? {})];
    // A bare NAME passes the host's value through.
    for (const [name, value] of settings) bySecretName(name, value ?? projectEnv.lookup(name));
  }
  return known;
}

function addValue(known: KnownSecretValues, name: string, value: string | null | undefined): void {
  if (typeof value === 'string') known.add(name, value);
}

function topLevelSecrets(defined: unknown): Record<string, Record<string, unknown>> {
  if (defined === null || typeof defined !== 'object' || Array.isArray(defined)) return {};
  const secrets: Record<string, Record<string, unknown>> = {};
  for (const [name, definition] of Object.entries(defined)) {
    if (definition !== null && typeof definition === 'object') secrets[name] = definition as Record<string, unknown>;
  }
  return secrets;
}

/**
 * The text of a small secret file, kept in memory to compare with; undefined when it is missing,
 * large, not a regular file or not text — whatever the secret-file rule has to say of it.
 */
function secretFileText(path: string, display: (path: string) => string): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > MAX_SECRET_FILE_BYTES) return undefined;
    return readTextFile(path, display(path));
  } catch {
    return undefined;
  }
}
