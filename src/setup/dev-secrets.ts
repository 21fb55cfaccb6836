import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { secretExampleFile, secretFile, SECRETS_DIR } from '../layout.js';
import { type Manifest, secretMounts } from '../manifest/index.js';
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
 * Creates the missing dev secret files (0600, or the owner-only mode the services ask for, in a
 * 0700 directory). An existing file is never touched: secrets are
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
    const mode = fileMode(manifest, name);
    if (secret.generate) {
      createSecretFile(path, randomSecret(secret.generate.length, secret.generate.charset), mode);
      result.created.push(file);
    } else if (secret.dev === 'example' && secret.example !== undefined) {
      createSecretFile(path, secret.example, mode);
      result.fromExample.push(file);
    } else {
      const example = secretExampleFile(name);
      result.missing.push({ name, file, example, ...(secret.description ? { description: secret.description } : {}) });
    }
  }
  return result;
}

/**
 * Compose bind-mounts a secret file as it is on the host, so the file itself carries the mode
 * the services ask for — when they agree on one that keeps it to its owner (0400); otherwise 0600.
 */
function fileMode(manifest: Manifest, secret: string): number {
  const modes = new Set(Object.values(manifest.services).flatMap((service) => secretMounts(service).filter((m) => m.secret === secret).map((m) => m.mode)));
  const [only] = [...modes];
  if (modes.size !== 1 || only === undefined) return OWNER_ONLY;
  const mode = parseInt(only, 8);
  return (mode & 0o077) === 0 && (mode & 0o400) !== 0 ? mode : OWNER_ONLY;
}

const OWNER_ONLY = 0o600;

function createSecretFile(path: string, value: string, mode: number): void {
  const temp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
  writeFileSync(temp, value, { mode, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}

