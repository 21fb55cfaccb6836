import type Docker from 'dockerode';
import { listServices, runningTasks, stackServices, STACK_LABEL, type SwarmTask } from '../services.js';
import type { AuditSubject } from './findings.js';

const PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
const SWARM_SERVICE_LABEL = 'com.docker.swarm.service.name';

export interface AuditScope {
  /** Compose project: its containers. */
  project?: string;
  /** Swarm stack: its services and their task containers. */
  stack?: string;
  images: boolean;
}

interface ContainerDetails {
  Name?: string;
  Image?: string;
  Config?: { Env?: string[] | null; Image?: string; Labels?: Record<string, string> | null };
}

interface ImageDetails {
  Id?: string;
  Config?: { Env?: string[] | null };
}

/** Everything of the scope that carries an environment, as subjects of the audit. */
export async function collectSubjects(docker: Docker, scope: AuditScope): Promise<AuditSubject[]> {
  const subjects: AuditSubject[] = [];
  const images = new Map<string, string>();

  const labels = [
    ...(scope.project ? [`${PROJECT_LABEL}=${scope.project}`] : []),
    ...(scope.stack ? [`${STACK_LABEL}=${scope.stack}`] : []),
  ];
  // Each label is its own query: the engine ANDs the labels of one filter.
  const seen = new Set<string>();
  for (const label of labels) {
    for (const summary of await docker.listContainers({ filters: { label: [label] } })) {
      if (seen.has(summary.Id)) continue;
      seen.add(summary.Id);
      const details = (await docker.getContainer(summary.Id).inspect()) as ContainerDetails;
      const containerLabels = details.Config?.Labels ?? {};
      subjects.push({
        file: `container:${(details.Name ?? summary.Id).replace(/^\//, '')}`,
        service: containerLabels[COMPOSE_SERVICE_LABEL] ?? containerLabels[SWARM_SERVICE_LABEL] ?? null,
        env: details.Config?.Env ?? [],
      });
      const ref = details.Config?.Image ?? summary.Image;
      if (details.Image && !images.has(details.Image)) images.set(details.Image, ref);
    }
  }

  if (scope.stack) {
    for (const service of await stackServices(docker, scope.stack)) {
      const container = service.Spec?.TaskTemplate?.ContainerSpec;
      const name = service.Spec?.Name ?? service.ID;
      subjects.push({ file: `service:${name}`, service: name, env: container?.Env ?? [] });
      // The engine lists only its own node's containers; the manager knows every task's spec, wherever it runs.
      for (const task of await runningTasks(docker, service.ID)) {
        subjects.push({ file: `task:${taskName(name, task)}`, service: name, env: task.Spec?.ContainerSpec?.Env ?? [] });
      }
      if (container?.Image) {
        const ref = container.Image;
        const id = await imageId(docker, ref);
        if (id && !images.has(id)) images.set(id, ref);
      }
    }
  }

  if (scope.images) {
    for (const [id, ref] of images) subjects.push(await imageSubject(docker, id, ref));
  }
  return subjects;
}

/** As the task's container is named on its node: <service>.<slot>.<task> (a global service's tasks have the node instead of a slot). */
function taskName(service: string, task: SwarmTask): string {
  return `${service}.${task.Slot ?? task.NodeID ?? ''}.${task.ID}`;
}

/**
 * Why a stack or project named on the command line has nothing to audit: a misspelt name
 * finds nothing, and nothing would read as "no problems". Undefined when both are there.
 */
export async function namedScopeProblem(docker: Docker, scope: Pick<AuditScope, 'stack' | 'project'>): Promise<string | undefined> {
  if (scope.stack !== undefined) {
    const stacks = new Set((await listServices(docker)).flatMap((service) => service.Spec?.Labels?.[STACK_LABEL] ?? []));
    if (!stacks.has(scope.stack)) return `no Swarm stack named ${scope.stack} here (stacks: ${namesOrNone(stacks)}); check the name given to --stack`;
  }
  if (scope.project !== undefined) {
    const projects = new Set((await docker.listContainers()).flatMap((container) => container.Labels?.[PROJECT_LABEL] ?? []));
    if (!projects.has(scope.project)) return `no running Compose project named ${scope.project} here (running projects: ${namesOrNone(projects)}); check the name given to --project, or start it`;
  }
  return undefined;
}

function namesOrNone(names: Set<string>): string {
  return names.size === 0 ? 'none' : [...names].sort().join(', ');
}

async function imageId(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return ((await docker.getImage(ref).inspect()) as ImageDetails).Id;
  } catch {
    // A service may name an image this node does not have (it runs elsewhere): nothing to inspect here.
    return undefined;
  }
}

async function imageSubject(docker: Docker, id: string, ref: string): Promise<AuditSubject> {
  const image = docker.getImage(id);
  const details = (await image.inspect()) as ImageDetails;
  const history = (await image.history()) as { CreatedBy?: string }[];
  return {
    file: `image:${ref}`,
    service: null,
    env: details.Config?.Env ?? [],
    history: history.map((layer) => layer.CreatedBy ?? '').filter(Boolean),
  };
}
