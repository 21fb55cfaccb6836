import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { secretFile, SECRETS_DIR } from '../generate/compose.js';
import type { Manifest } from '../manifest/schema.js';
import { randomSecret } from './random.js';

export interface SetupResult {
  created: string[];
  /** Filled from the example, as the manifest allows for dev (`dev: example`). */
  fromExample: string[];
  existing: string[];
  /** Operator-provided secrets still missing: the user must create these files. */
  missing: { name: string; file: string; example: string; description?: string }[];
  /** The secrets directory was more open than 0700 and has been tightened. */
  tightenedDirectory: boolean;
}

/**
 * Creates the missing dev secret files. An existing file is never touched: secrets are
 * written under a temporary name and hard-linked into place, which fails rather than
 * replace a file that appeared in between.
 */
export function setupDevSecrets(manifest: Manifest, root: string): SetupResult {
  const result: SetupResult = { created: [], fromExample: [], existing: [], missing: [], tightenedDirectory: false };
  const directory = join(root, SECRETS_DIR);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if ((statSync(directory).mode & 0o077) !== 0) {
    chmodSync(directory, 0o700);
    result.tightenedDirectory = true;
  }

  for (const [name, secret] of Object.entries(manifest.secrets)) {
    const file = secretFile(name);
    const path = join(root, file);
    if (existsSync(path)) {
      result.existing.push(file);
      continue;
    }
    if (secret.generate) {
      createSecretFile(path, randomSecret(secret.generate.length, secret.generate.charset));
      result.created.push(file);
    } else if (secret.dev === 'example' && secret.example !== undefined) {
      createSecretFile(path, secret.example);
      result.fromExample.push(file);
    } else {
      const example = `${file}.example`;
      result.missing.push({ name, file, example, ...(secret.description ? { description: secret.description } : {}) });
    }
  }
  return result;
}

function createSecretFile(path: string, value: string): void {
  const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
  writeFileSync(temp, value, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

