import { engineFailure, type Engine } from './docker.js';
import type { ExternalSecret } from './stack-secrets.js';
import { listSecrets } from './swarm-secrets.js';

/** The external secrets a stack file needs that the Swarm does not have: what would make docker stack deploy fail. */
export async function missingSecrets(engine: Engine, needed: ExternalSecret[]): Promise<ExternalSecret[]> {
  let names: Set<string>;
  try {
    names = new Set((await listSecrets(engine.docker)).map((s) => s.name));
  } catch (error) {
    throw engineFailure(error, 'listing secrets', engine.endpoint);
  }
  return needed.filter((item) => !names.has(item.name));
}
