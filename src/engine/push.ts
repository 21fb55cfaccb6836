import type { Manifest } from '../manifest/index.js';
import { engineFailure, type Engine } from './docker.js';
import { sha256Hex } from './hash.js';
import { describeSource, readSecretValue, sourceOf } from './sources.js';
import type { ExternalSecret } from './stack-secrets.js';
import { createSecret, LABEL_SHA256, listSecrets, planesLabels, type SwarmSecret } from './swarm-secrets.js';

/**
 * created: new in the Swarm. unchanged: already there with the same value.
 * conflict: there with another value. unlabelled: there, made outside planes, value unknown.
 */
export type PushStatus = 'created' | 'unchanged' | 'conflict' | 'unlabelled';

export interface PushResult extends ExternalSecret {
  source: string;
  status: PushStatus;
}

export function pushDecision(existing: SwarmSecret | undefined, sha256: string): Exclude<PushStatus, 'created'> | 'create' {
  if (!existing) return 'create';
  const label = existing.labels[LABEL_SHA256];
  if (label === undefined) return 'unlabelled';
  return label === sha256 ? 'unchanged' : 'conflict';
}

/**
 * Creates the Swarm secrets an environment needs from their sources. Every value is read
 * before anything is created, so a failing source leaves the Swarm as it was.
 */
export async function pushSecrets(engine: Engine, manifest: Manifest, needed: ExternalSecret[], root: string, env: NodeJS.ProcessEnv = process.env): Promise<PushResult[]> {
  const values = new Map<string, Buffer>();
  for (const { secret } of needed) values.set(secret, await readSecretValue(secret, sourceOf(manifest, secret), root, env));

  let existing: SwarmSecret[];
  try {
    existing = await listSecrets(engine.docker, { name: [`${manifest.name}_`] });
  } catch (error) {
    throw engineFailure(error, 'listing secrets', engine.endpoint);
  }
  const byName = new Map(existing.map((s) => [s.name, s]));

  const results: PushResult[] = [];
  for (const item of needed) {
    const value = values.get(item.secret)!;
    const sha256 = sha256Hex(value);
    const decision = pushDecision(byName.get(item.name), sha256);
    if (decision === 'create') {
      try {
        await createSecret(engine.docker, item.name, value, planesLabels(manifest.name, item.secret, sha256));
      } catch (error) {
        throw engineFailure(error, `creating secret ${item.name}`, engine.endpoint);
      }
    }
    results.push({ ...item, source: describeSource(sourceOf(manifest, item.secret)), status: decision === 'create' ? 'created' : decision });
  }
  return results;
}
