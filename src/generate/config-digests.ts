/**
 * Configs that roll when their file changes.
 *
 * Swarm keeps a config immutable: deploying a changed file under the same name fails ("only
 * updates to Labels are allowed"), and a service whose spec names the same config is never
 * updated. The stack file therefore names each file config after its content
 * (`<stack>_<config>_<digest>`): a changed file is a new config, every service using it is
 * updated, and `planes deploy` removes the old one once no service names it.
 *
 * Compose bind-mounts a file config and recreates a container only when its service's
 * definition changed, so in dev each service that mounts file configs carries their digests in
 * a label (CONFIG_DIGESTS_LABEL): a changed file changes the label, and `docker compose up`
 * recreates the container.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FileReadError, readFileBytes } from '../fs/index.js';
import type { GenerationProblem } from './problems.js';

export const CONFIG_DIGESTS_LABEL = 'planes.config-digests';

/** Hex digits of the SHA-256 of a config's content kept in names: enough to tell versions of one file apart. */
const DIGEST_LENGTH = 12;

/** Swarm refuses a config name longer than this. */
const SWARM_NAME_MAX = 64;

export interface ConfigDigests {
  /** The content digest of each config read from a file that exists. */
  digests: Map<string, string>;
  /** What stops a config from rolling, for the user to read. */
  notes: string[];
  problems: GenerationProblem[];
}

export function configDigests(stack: string, configs: Record<string, unknown> | undefined, root: string): ConfigDigests {
  const result: ConfigDigests = { digests: new Map(), notes: [], problems: [] };
  for (const [name, definition] of Object.entries(configs ?? {})) {
    if (definition === null || typeof definition !== 'object') continue;
    const { file, name: ownName, external } = definition as { file?: unknown; name?: unknown; external?: unknown };
    if (typeof file !== 'string' || external === true) continue;
    if (ownName !== undefined) {
      result.notes.push(`configs.${name} has a name of its own: Swarm refuses a changed file under the same name (leave name out and planes names it after its content)`);
      continue;
    }
    const digest = fileDigest(join(root, file), file);
    if (digest === undefined) {
      result.notes.push(`configs.${name}: ${file} does not exist yet, so its name in the stack file carries no content digest; run planes generate again once it does`);
      continue;
    }
    const swarmName = rollingName(stack, name, digest);
    if (swarmName.length > SWARM_NAME_MAX) {
      result.problems.push({
        path: ['configs', name],
        message: `its Swarm name ${swarmName} would be longer than the ${SWARM_NAME_MAX} characters Swarm allows; use a shorter config or project name`,
      });
      continue;
    }
    result.digests.set(name, digest);
  }
  return result;
}

/** The Swarm name of a config or secret template named after its content: a changed content is a new object. */
export function rollingName(stack: string, name: string, digest: string): string {
  return `${stack}_${name}_${digest}`;
}

/** The label value of a service that mounts these configs: `name=digest` pairs in a fixed order. */
export function configDigestsLabel(mounted: readonly string[], digests: ReadonlyMap<string, string>): string | undefined {
  const pairs = [...new Set(mounted)]
    .filter((name) => digests.has(name))
    .sort()
    .map((name) => `${name}=${digests.get(name)}`);
  return pairs.length > 0 ? pairs.join(',') : undefined;
}

function fileDigest(path: string, display: string): string | undefined {
  let content: Buffer;
  try {
    content = readFileBytes(path, display);
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') return undefined;
    throw error;
  }
  return contentDigest(content);
}

export function contentDigest(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, DIGEST_LENGTH);
}
