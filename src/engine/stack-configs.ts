import type Docker from 'dockerode';
import { engineFailure, type Engine } from './docker.js';
import { listServices, STACK_LABEL, type SwarmService } from './services.js';

export interface StackConfig {
  id: string;
  name: string;
}

interface ConfigListEntry {
  ID: string;
  Spec?: { Name?: string };
}

interface ConfigRef {
  ConfigID?: string;
  ConfigName?: string;
}

/**
 * The configs docker stack deploy made for this stack that no service names any more: the
 * versions a changed file left behind (a stack file names each file config after its content).
 * A service's previous spec is not consulted: `docker service rollback` to a spec whose config
 * is gone fails, and planes deploy is how a stack goes back (deploy the older files again).
 */
export function unusedStackConfigs(configs: StackConfig[], services: SwarmService[]): StackConfig[] {
  const used = new Set(services.flatMap((service) => configRefs(service).flatMap((ref) => [ref.ConfigID, ref.ConfigName])));
  return configs.filter((config) => !used.has(config.id) && !used.has(config.name));
}

/** Removes the stack's configs no service uses; returns their names. */
export async function pruneStackConfigs(engine: Engine, stack: string): Promise<string[]> {
  let unused: StackConfig[];
  try {
    const [configs, services] = await Promise.all([stackConfigs(engine.docker, stack), listServices(engine.docker)]);
    unused = unusedStackConfigs(configs, services);
  } catch (error) {
    throw engineFailure(error, 'listing configs and services', engine.endpoint);
  }
  for (const config of unused) {
    try {
      await engine.docker.getConfig(config.id).remove();
    } catch (error) {
      throw engineFailure(error, `removing config ${config.name}`, engine.endpoint);
    }
  }
  return unused.map((config) => config.name);
}

async function stackConfigs(docker: Docker, stack: string): Promise<StackConfig[]> {
  const entries = (await docker.listConfigs({ filters: { label: [`${STACK_LABEL}=${stack}`] } })) as unknown as ConfigListEntry[];
  return entries.map((entry) => ({ id: entry.ID, name: entry.Spec?.Name ?? entry.ID }));
}

function configRefs(service: SwarmService): ConfigRef[] {
  const configs = service.Spec?.TaskTemplate?.ContainerSpec?.['Configs'];
  return Array.isArray(configs) ? (configs as ConfigRef[]) : [];
}
