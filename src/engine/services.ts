import type Docker from 'dockerode';

export const STACK_LABEL = 'com.docker.stack.namespace';

export interface SecretRef {
  SecretID?: string;
  SecretName?: string;
  File?: { Name?: string; UID?: string; GID?: string; Mode?: number };
}

export interface ServiceSpec {
  Name?: string;
  Labels?: Record<string, string>;
  TaskTemplate?: {
    ContainerSpec?: { Image?: string; Env?: string[]; Secrets?: SecretRef[] } & Record<string, unknown>;
    Placement?: { Constraints?: string[]; MaxReplicas?: number } & Record<string, unknown>;
    RestartPolicy?: { Condition?: string } & Record<string, unknown>;
    /** Raised by one, it makes Swarm replace every task of the service though nothing else changed. */
    ForceUpdate?: number;
  } & Record<string, unknown>;
  Mode?: { Replicated?: { Replicas?: number }; Global?: object };
}

export interface SwarmService {
  ID: string;
  Version?: { Index?: number };
  Spec?: ServiceSpec;
  UpdateStatus?: { State?: string; Message?: string };
}

export interface SwarmTask {
  ID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; Timestamp?: string };
  Spec?: { ContainerSpec?: { Env?: string[]; Secrets?: SecretRef[] } };
}

export async function listServices(docker: Docker, filters: { label?: string[]; name?: string[] } = {}): Promise<SwarmService[]> {
  return (await docker.listServices({ filters })) as unknown as SwarmService[];
}

export function stackServices(docker: Docker, stack: string): Promise<SwarmService[]> {
  return listServices(docker, { label: [`${STACK_LABEL}=${stack}`] });
}

export function serviceName(service: SwarmService): string {
  return service.Spec?.Name ?? service.ID;
}

export function secretRefs(service: SwarmService): SecretRef[] {
  return service.Spec?.TaskTemplate?.ContainerSpec?.Secrets ?? [];
}

export function usesSecret(service: SwarmService, secret: { id: string; name: string }): boolean {
  return secretRefs(service).some((ref) => ref.SecretID === secret.id || ref.SecretName === secret.name);
}

/** The spec with every reference to `from` pointing at `to`: same target file, owner and mode. */
export function specWithSecretReplaced(spec: ServiceSpec, from: { id: string; name: string }, to: { id: string; name: string }): ServiceSpec {
  const container = spec.TaskTemplate?.ContainerSpec ?? {};
  const secrets = (container.Secrets ?? []).map((ref) =>
    ref.SecretID === from.id || ref.SecretName === from.name ? { ...ref, SecretID: to.id, SecretName: to.name } : ref,
  );
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...container, Secrets: secrets } } };
}

export async function updateService(docker: Docker, service: SwarmService, spec: ServiceSpec): Promise<void> {
  // The version guards against a concurrent update; _query/_body keep the spec out of the URL.
  await docker.getService(service.ID).update({ _query: { version: service.Version?.Index ?? 0 }, _body: spec });
}

/** The spec with ForceUpdate raised: given back to the service, Swarm replaces all its tasks (docker service update --force). */
export function forcedSpec(spec: ServiceSpec): ServiceSpec {
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 } };
}

export async function runningTasks(docker: Docker, serviceId: string): Promise<SwarmTask[]> {
  return (await docker.listTasks({ filters: { service: [serviceId], 'desired-state': ['running'] } })) as SwarmTask[];
}

/** Every task of the service the engine still lists: those meant to run and those that ended (its task history). */
export async function serviceTasks(docker: Docker, serviceId: string): Promise<SwarmTask[]> {
  return (await docker.listTasks({ filters: { service: [serviceId] } })) as SwarmTask[];
}
