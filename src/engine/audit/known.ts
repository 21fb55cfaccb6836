import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readFileBytes } from '../../fs/index.js';
import { SECRETS_DIR } from '../../layout.js';
import type { Manifest } from '../../manifest/index.js';
import { sha256Hex } from '../hash.js';
import { LABEL_SECRET, LABEL_SHA256, type SwarmSecret } from '../swarm-secrets.js';
import { trimTrailingNewlines } from '../sources.js';

/**
 * The secrets of a stack an audit can recognise: by hash (any value equal to one), and, for
 * the values at hand, by content (a value inside a longer string, such as a history line).
 * Values stay in memory; findings only ever name the secret.
 */
export interface KnownSecrets {
  /** sha256 of a value → the name of its secret. */
  hashes: Map<string, string>;
  values: { name: string; value: string }[];
}

/** Too short a value would be found inside unrelated text by chance. */
const MIN_SEARCHED_LENGTH = 8;

export function emptyKnown(): KnownSecrets {
  return { hashes: new Map(), values: [] };
}

export function addKnownValue(known: KnownSecrets, name: string, value: Buffer): void {
  // A file written with an editor ends in a newline the same value in an environment lacks.
  for (const form of [value, trimTrailingNewlines(value)]) {
    if (form.length === 0) continue;
    known.hashes.set(sha256Hex(form), name);
    const text = form.toString('utf8');
    if (text.length >= MIN_SEARCHED_LENGTH && !known.values.some((v) => v.value === text)) known.values.push({ name, value: text });
  }
}

/** The dev secret files, secrets/<name>.txt under the project root. */
export function addSecretFiles(known: KnownSecrets, root: string): void {
  const directory = join(root, SECRETS_DIR);
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.txt')) {
      addKnownValue(known, entry.name.slice(0, -'.txt'.length), readFileBytes(join(directory, entry.name), `${SECRETS_DIR}/${entry.name}`));
    }
  }
}

/** The hashes planes put on the Swarm secrets it created (the values never leave the Swarm). */
export function addSwarmLabels(known: KnownSecrets, secrets: SwarmSecret[]): void {
  for (const secret of secrets) {
    const sha256 = secret.labels[LABEL_SHA256];
    if (sha256) known.hashes.set(sha256, secret.labels[LABEL_SECRET] ?? secret.name);
  }
}

/** Build secrets' values as the build would read them, where they are available here. */
export function addBuildSecrets(known: KnownSecrets, manifest: Manifest, root: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, source] of Object.entries(manifest.build_secrets)) {
    if ('env' in source) {
      const value = env[source.env];
      if (value) addKnownValue(known, name, Buffer.from(value, 'utf8'));
    } else {
      const path = isAbsolute(source.file) ? source.file : join(root, source.file);
      if (existsSync(path)) addKnownValue(known, name, readFileBytes(path, source.file));
    }
  }
}
