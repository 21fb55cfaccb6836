import { secretFileState, secretFileValue, securePrivateDirectory, writeFilesAtomically, type PlannedWrite } from '../fs/index.js';
import { secretExampleFile, secretFile, SECRETS_DIR } from '../layout.js';
import { type LoadedManifest, type Manifest, ManifestError, renderDevTemplates, SWARM_SECRET_MAX_BYTES, secretMounts } from '../manifest/index.js';
import { randomSecret } from './random.js';

export interface SetupResult {
  created: string[];
  /** Filled from the example, as the manifest allows for dev (`dev: example`). */
  fromExample: string[];
  existing: string[];
  /** Templated secrets rendered anew: missing, or their inputs changed. */
  rendered: string[];
  /** Templated secrets not rendered because a secret they are built from is still missing. */
  waiting: { file: string; parts: string[] }[];
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
export function setupDevSecrets(loaded: LoadedManifest, root: string): SetupResult {
  const { manifest } = loaded;
  const result: SetupResult = { created: [], fromExample: [], existing: [], rendered: [], waiting: [], missing: [], tightenedDirectory: false };
  result.tightenedDirectory = securePrivateDirectory(root, SECRETS_DIR).tightened;

  const writes: PlannedWrite[] = [];
  for (const [name, secret] of Object.entries(manifest.secrets)) {
    if (secret.template !== undefined) continue;
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
  writes.push(...renderedSecrets(loaded, root, writes, result));
  writeFilesAtomically(writes, { root });
  return result;
}

/**
 * The templated secrets, rendered from the dev values of their parts (those on disk, or those
 * this setup is about to write): written when missing, replaced when their inputs changed.
 */
function renderedSecrets(loaded: LoadedManifest, root: string, planned: readonly PlannedWrite[], result: SetupResult): PlannedWrite[] {
  const { manifest } = loaded;
  const devValue = (secret: string): string | undefined => {
    const file = secretFile(secret);
    return planned.find((write) => write.path === file)?.content ?? secretFileValue(root, file);
  };
  const writes: PlannedWrite[] = [];
  for (const rendering of renderDevTemplates(manifest, devValue)) {
    const file = secretFile(rendering.secret);
    if ('waitingFor' in rendering) {
      result.waiting.push({ file, parts: rendering.waitingFor });
    } else if ('tooLarge' in rendering) {
      throw new ManifestError([
        {
          position: loaded.locate(['secrets', rendering.secret, 'template']),
          message: `the template renders to ${rendering.tooLarge} bytes, more than the ${SWARM_SECRET_MAX_BYTES / 1024} KB Swarm holds in a secret; nothing was written`,
        },
      ]);
    } else if ('spaceIn' in rendering) {
      throw new ManifestError([
        {
          position: loaded.locate(['secrets', rendering.secret, 'template']),
          message: `secrets/${rendering.spaceIn}.txt holds a space, which urlencode (Go's urlquery, what Swarm renders with) writes as + and a URL's reader takes for +; choose a value without spaces; nothing was written`,
        },
      ]);
    } else if (secretFileValue(root, file) === rendering.value) {
      result.existing.push(file);
    } else {
      writes.push({ path: file, content: rendering.value, mode: fileMode(manifest, rendering.secret), secret: true, rendered: true });
      result.rendered.push(file);
    }
  }
  return writes;
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
