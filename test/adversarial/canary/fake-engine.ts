import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A Docker engine that is a Swarm manager, small enough to read: it answers the requests the
 * engine commands make (secrets, services, tasks, containers, images) from a world the hostile
 * input describes, on a unix socket of the run's own directory, so that `secrets push`, `rotate`,
 * `audit` and `deploy` get past the connection and read their sources — without ever talking to
 * the real engine. It records every request, so that the harness can check that a secret value
 * travels only where it must: in the Data of a secret being created.
 */

export interface WorldSecret {
  name: string;
  labels?: Record<string, string>;
}

export interface WorldService {
  name: string;
  /** com.docker.stack.namespace */
  stack: string;
  image?: string;
  env?: string[];
  /** Names of the Swarm secrets the service mounts. */
  secrets?: string[];
  /** A global service: one task on every ready node. */
  global?: boolean;
  /** A second ready node whose engine rejects every task of the service, with this error. */
  rejectedOn?: { node: string; error: string };
}

export interface WorldContainer {
  name: string;
  /** com.docker.compose.project */
  project?: string;
  /** com.docker.stack.namespace */
  stack?: string;
  service: string;
  image: string;
  env?: string[];
}

export interface WorldImage {
  ref: string;
  env?: string[];
  history?: string[];
}

export interface World {
  secrets?: WorldSecret[];
  services?: WorldService[];
  containers?: WorldContainer[];
  images?: WorldImage[];
}

export interface EngineRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  body: string;
}

interface SecretState {
  ID: string;
  CreatedAt: string;
  Spec: { Name: string; Labels: Record<string, string> };
}

interface ServiceState {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name: string;
    Labels: Record<string, string>;
    TaskTemplate: { ContainerSpec: { Image: string; Env: string[]; Secrets: { SecretID: string; SecretName: string; File: { Name: string } }[] } };
    Mode: { Replicated: { Replicas: number } } | { Global: Record<string, never> };
  };
  rejectedOn?: { node: string; error: string };
}

export class FakeEngine {
  readonly requests: EngineRequest[] = [];
  private readonly server: Server;
  private readonly secrets: SecretState[] = [];
  private readonly services: ServiceState[] = [];
  private readonly world: World;
  private nextId = 1;

  constructor(world: World) {
    this.world = world;
    for (const secret of world.secrets ?? []) this.addSecret(secret.name, secret.labels ?? {});
    for (const service of world.services ?? []) {
      this.services.push({
        ID: this.id('service'),
        Version: { Index: 1 },
        Spec: {
          Name: service.name,
          Labels: { 'com.docker.stack.namespace': service.stack },
          TaskTemplate: {
            ContainerSpec: {
              Image: service.image ?? 'planes-test/busybox:1',
              Env: service.env ?? [],
              Secrets: (service.secrets ?? []).map((name) => ({ SecretID: this.secretNamed(name)?.ID ?? 'unknown', SecretName: name, File: { Name: name } })),
            },
          },
          Mode: service.global ? { Global: {} } : { Replicated: { Replicas: 1 } },
        },
        ...(service.rejectedOn ? { rejectedOn: service.rejectedOn } : {}),
      });
    }
    this.server = createServer((request, response) => this.receive(request, response));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => resolve());
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private id(kind: string): string {
    return `${kind}${String(this.nextId++).padStart(6, '0')}`;
  }

  private secretNamed(name: string): SecretState | undefined {
    return this.secrets.find((secret) => secret.Spec.Name === name);
  }

  private addSecret(name: string, labels: Record<string, string>): SecretState {
    const secret = { ID: this.id('secret'), CreatedAt: new Date(0).toISOString(), Spec: { Name: name, Labels: labels } };
    this.secrets.push(secret);
    return secret;
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const url = new URL(request.url ?? '/', 'http://engine');
      const path = url.pathname.replace(/^\/v\d+(\.\d+)?/, '');
      const filters = parseFilters(url.searchParams.get('filters'));
      const [status, answer] = this.answer(request.method ?? 'GET', path, filters, body);
      if (typeof answer === 'string') {
        response.writeHead(status, { 'Content-Type': 'text/plain', 'Api-Version': '1.45' }).end(answer);
      } else {
        response.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': '1.45' }).end(answer === undefined ? '' : JSON.stringify(answer));
      }
    });
  }

  private answer(method: string, path: string, filters: Filters, body: string): [number, unknown] {
    const route = `${method} ${path}`;
    let match: RegExpMatchArray | null;
    if (/^(GET|HEAD) \/_ping$/.test(route)) return [200, 'OK'];
    if (route === 'GET /version') return [200, { ApiVersion: '1.45', Version: '28.0.0-fake', Os: 'linux', Arch: 'amd64' }];
    if (route === 'GET /info') return [200, { Name: 'fake-engine', ServerVersion: '28.0.0-fake', Swarm: { LocalNodeState: 'active', ControlAvailable: true, NodeID: 'node1' } }];

    if (route === 'GET /secrets') {
      return [200, this.secrets.filter((s) => matchesName(s.Spec.Name, filters) && matchesLabels(s.Spec.Labels, filters))];
    }
    if (route === 'POST /secrets/create') {
      const spec = JSON.parse(body || '{}') as { Name?: string; Labels?: Record<string, string> };
      if (!spec.Name) return [400, { message: 'secret name is required' }];
      if (this.secretNamed(spec.Name)) return [409, { message: `secret ${spec.Name} already exists` }];
      return [201, { ID: this.addSecret(spec.Name, spec.Labels ?? {}).ID }];
    }
    if ((match = route.match(/^(GET|DELETE) \/secrets\/([^/]+)$/))) {
      const index = this.secrets.findIndex((s) => s.ID === match![2] || s.Spec.Name === match![2]);
      if (index === -1) return [404, { message: `secret ${match[2]} not found` }];
      if (match[1] === 'GET') return [200, this.secrets[index]];
      this.secrets.splice(index, 1);
      return [204, undefined];
    }

    if (route === 'GET /services') return [200, this.services.filter((s) => matchesName(s.Spec.Name, filters) && matchesLabels(s.Spec.Labels, filters))];
    if ((match = route.match(/^GET \/services\/([^/]+)$/))) {
      const service = this.services.find((s) => s.ID === match![1] || s.Spec.Name === match![1]);
      return service ? [200, service] : [404, { message: `service ${match[1]} not found` }];
    }
    if ((match = route.match(/^POST \/services\/([^/]+)\/update$/))) {
      const service = this.services.find((s) => s.ID === match![1]);
      if (!service) return [404, { message: `service ${match[1]} not found` }];
      service.Spec = JSON.parse(body) as ServiceState['Spec'];
      service.Version.Index++;
      return [200, { Warnings: [] }];
    }
    if (route === 'GET /nodes') {
      const node = (id: string, role: string) => ({ ID: id, Spec: { Role: role, Availability: 'active' }, Description: { Hostname: 'fake' }, Status: { State: 'ready' } });
      return [200, [node('node-1', 'manager'), ...this.services.flatMap((s) => (s.rejectedOn ? [node(s.rejectedOn.node, 'worker')] : []))]];
    }
    if (route === 'GET /tasks') {
      const wanted = filters.service ?? [];
      return [
        200,
        this.services
          .filter((s) => wanted.length === 0 || wanted.includes(s.ID) || wanted.includes(s.Spec.Name))
          .flatMap((s) => [
            { ID: `task-${s.ID}`, ServiceID: s.ID, NodeID: 'node-1', DesiredState: 'running', Status: { State: 'running' }, Spec: { ContainerSpec: s.Spec.TaskTemplate.ContainerSpec } },
            ...(s.rejectedOn
              ? [{ ID: `rejected-${s.ID}`, ServiceID: s.ID, NodeID: s.rejectedOn.node, DesiredState: 'shutdown', Status: { State: 'rejected', Err: s.rejectedOn.error, Timestamp: new Date().toISOString() }, Spec: { ContainerSpec: s.Spec.TaskTemplate.ContainerSpec } }]
              : []),
          ]),
      ];
    }

    const containers = this.world.containers ?? [];
    if (route === 'GET /containers/json') {
      return [200, containers.filter((c) => matchesLabels(containerLabels(c), filters)).map((c) => ({ Id: c.name, Names: [`/${c.name}`], Image: c.image, Labels: containerLabels(c) }))];
    }
    if ((match = route.match(/^GET \/containers\/([^/]+)\/json$/))) {
      const container = containers.find((c) => c.name === match![1]);
      if (!container) return [404, { message: `no such container: ${match[1]}` }];
      return [200, { Id: container.name, Name: `/${container.name}`, Image: `sha256:${container.image}`, Config: { Env: container.env ?? [], Image: container.image, Labels: containerLabels(container) } }];
    }
    if ((match = route.match(/^GET \/images\/(.+)\/(json|history)$/))) {
      const reference = decodeURIComponent(match[1]!).replace(/^sha256:/, '');
      const image = (this.world.images ?? []).find((i) => i.ref === reference);
      if (!image) return [404, { message: `no such image: ${reference}` }];
      if (match[2] === 'json') return [200, { Id: `sha256:${image.ref}`, Config: { Env: image.env ?? [] } }];
      return [200, (image.history ?? []).map((line) => ({ CreatedBy: line }))];
    }
    return [404, { message: `the fake engine of the canary harness does not answer ${route}` }];
  }
}

type Filters = Record<string, string[]>;

function parseFilters(text: string | null): Filters {
  if (!text) return {};
  const parsed = JSON.parse(text) as Record<string, string[] | Record<string, boolean>>;
  // The API accepts both {"label": ["a=b"]} and {"label": {"a=b": true}}.
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, Array.isArray(value) ? value : Object.keys(value)]));
}

/** Swarm's name filter matches prefixes. */
function matchesName(name: string, filters: Filters): boolean {
  return filters.name === undefined || filters.name.some((prefix) => name.startsWith(prefix));
}

function matchesLabels(labels: Record<string, string>, filters: Filters): boolean {
  return (filters.label ?? []).every((filter) => {
    const [key, value] = filter.split(/=(.*)/s);
    return key! in labels && (value === undefined || labels[key!] === value);
  });
}

function containerLabels(container: WorldContainer): Record<string, string> {
  return {
    ...(container.project ? { 'com.docker.compose.project': container.project, 'com.docker.compose.service': container.service } : {}),
    ...(container.stack ? { 'com.docker.stack.namespace': container.stack, 'com.docker.swarm.service.name': `${container.stack}_${container.service}` } : {}),
  };
}
