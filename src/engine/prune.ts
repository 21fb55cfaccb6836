import { externalSecretName, type Manifest } from '../manifest/index.js';
import { engineFailure, type Engine } from './docker.js';
import { listServices, secretRefs, type SwarmService } from './services.js';
import { LABEL_SECRET, LABEL_STACK, listSecrets, removeSecret, type SwarmSecret } from './swarm-secrets.js';

export interface PruneCandidate {
  secret: SwarmSecret;
  reason: string;
}

/**
 * The secrets of this stack that may go: labelled by planes for it, used by no service, and
 * not the current name of a secret of the manifest (so dropped ones and older versions).
 */
export function pruneCandidates(manifest: Manifest, secrets: SwarmSecret[], services: SwarmService[]): PruneCandidate[] {
  const current = new Set(Object.keys(manifest.secrets).map((name) => externalSecretName(manifest, name)));
  const used = new Set(services.flatMap((service) => secretRefs(service).flatMap((ref) => [ref.SecretID, ref.SecretName])));
  return secrets
    .filter((s) => s.labels[LABEL_STACK] === manifest.name && !current.has(s.name) && !used.has(s.id) && !used.has(s.name))
    .map((secret) => {
      const name = secret.labels[LABEL_SECRET];
      const reason = name !== undefined && name in manifest.secrets ? `an older version of ${name}` : `${name ?? 'its secret'} is no longer in the manifest`;
      return { secret, reason };
    });
}

export async function pruneSecrets(engine: Engine, manifest: Manifest, options: { dryRun: boolean }): Promise<PruneCandidate[]> {
  let candidates: PruneCandidate[];
  try {
    const [secrets, services] = await Promise.all([
      listSecrets(engine.docker, { label: [`${LABEL_STACK}=${manifest.name}`] }),
      listServices(engine.docker),
    ]);
    candidates = pruneCandidates(manifest, secrets, services);
  } catch (error) {
    throw engineFailure(error, 'listing secrets and services', engine.endpoint);
  }
  if (options.dryRun) return candidates;
  for (const { secret } of candidates) {
    try {
      await removeSecret(engine.docker, secret.id);
    } catch (error) {
      throw engineFailure(error, `removing secret ${secret.name}`, engine.endpoint);
    }
  }
  return candidates;
}
