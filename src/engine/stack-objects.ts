import type Docker from 'dockerode';
import { engineFailure, type Engine } from './docker.js';
import { listServices, STACK_LABEL, type SwarmService } from './services.js';
import { listSecrets } from './swarm-secrets.js';

export type StackObjectKind = 'config' | 'secret';

export interface StackObject {
  kind: StackObjectKind;
  id: string;
  name: string;
}

interface ConfigListEntry {
  ID: string;
  Spec?: { Name?: string };
}

interface ObjectRef {
  ConfigID?: string;
  ConfigName?: string;
  SecretID?: string;
  SecretName?: string;
}

/**
 * The configs and secrets docker stack deploy made for this stack (file configs and secret
 * templates, named after their content) that no service names any more: the versions a
 * change left behind. The secrets planes pushes are external and not among them. A service's
 * previous spec is not consulted: `docker service rollback` to a spec whose config is gone
 * fails, and deploying the older files again is how a stack goes back.
 */
export function unusedStackObjects(objects: StackObject[], services: SwarmService[]): StackObject[] {
  const used = new Set(services.flatMap((service) => objectRefs(service).flatMap((ref) => [ref.ConfigID, ref.ConfigName, ref.SecretID, ref.SecretName])));
  return objects.filter((object) => !used.has(object.id) && !used.has(object.name));
}

/** Removes the stack's configs and secret templates that no service uses; returns what it removed. */
export async function pruneStackObjects(engine: Engine, stack: string): Promise<StackObject[]> {
  let unused: StackObject[];
  try {
    const [objects, services] = await Promise.all([stackObjects(engine.docker, stack), listServices(engine.docker)]);
    unused = unusedStackObjects(objects, services);
  } catch (error) {
    throw engineFailure(error, 'listing configs, secrets and services', engine.endpoint);
  }
  for (const object of unused) {
    try {
      await (object.kind === 'config' ? engine.docker.getConfig(object.id) : engine.docker.getSecret(object.id)).remove();
    } catch (error) {
      throw engineFailure(error, `removing ${object.kind} ${object.name}`, engine.endpoint);
    }
  }
  return unused;
}

async function stackObjects(docker: Docker, stack: string): Promise<StackObject[]> {
  const filters = { label: [`${STACK_LABEL}=${stack}`] };
  const [configs, secrets] = await Promise.all([docker.listConfigs({ filters }), listSecrets(docker, filters)]);
  return [
    ...(configs as unknown as ConfigListEntry[]).map((entry): StackObject => ({ kind: 'config', id: entry.ID, name: entry.Spec?.Name ?? entry.ID })),
    ...secrets.map(({ id, name }): StackObject => ({ kind: 'secret', id, name })),
  ];
}

function objectRefs(service: SwarmService): ObjectRef[] {
  const container = service.Spec?.TaskTemplate?.ContainerSpec ?? {};
  const list = (value: unknown): ObjectRef[] => (Array.isArray(value) ? (value as ObjectRef[]) : []);
  return [...list(container['Configs']), ...list(container.Secrets)];
}
