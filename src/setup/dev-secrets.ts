import { secretFileState, securePrivateDirectory, writeFilesAtomically, type PlannedWrite } from '../fs/index.js';
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
 * 0700 directory), all or none. An existing file is never touched, and nothing is reached
 * through a link: secrets/ must be a real directory and each secret file a regular file or
 * absent — anything else (a link, a dangling link, a directory, a file planes cannot read)
 * is refused, before anything is written, with what was found.
 */
export function setupDevSecrets(manifest: Manifest, root: string): SetupResult {
  const result: SetupResult = { created: [], fromExample: [], existing: [], missing: [], tightenedDirectory: false };
  result.tightenedDirectory = securePrivateDirectory(root, SECRETS_DIR).tightened;

  const writes: PlannedWrite[] = [];
  for (const [name, secret] of Object.entries(manifest.secrets)) {
    const file = secretFile(name);
    if (secretFileState(root, file) === 'present') {
      result.existing.push(file);
      continue;
    }
    const mode = fileMode(manifest, name);
    if (secret.generate) {
      writes.push({ path: file, content: randomSecret(secret.generate.length, secret.generate.charset), mode, secret: true });
      result.created.push(file);
    } else if (secret.dev === 'example' && secret.example !== undefined) {
      writes.push({ path: file, content: secret.example, mode, secret: true });
      result.fromExample.push(file);
    } else {
      const example = secretExampleFile(name);
      result.missing.push({ name, file, example, ...(secret.description ? { description: secret.description } : {}) });
    }
  }
  writeFilesAtomically(writes, { root });
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
