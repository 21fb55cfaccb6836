import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerTools } from '../../support/engine.js';
import { docker, type Output, waitFor } from '../support.js';

/**
 * The Swarm of scripts/swarm-cluster.sh: three managers and two workers, each a dockerd in a
 * network namespace of its own, reached through its socket. The suite brings it up itself and
 * takes it down after, so that `npm test` proves the multi-node plane wherever it runs as root.
 */

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'swarm-cluster.sh');

export const MANAGERS = ['m1', 'm2', 'm3'] as const;
export const WORKERS = ['w1', 'w2'] as const;
export const NODES = [...MANAGERS, ...WORKERS] as const;
export type Node = (typeof NODES)[number];

export function socket(node: Node): string {
  return `unix:///run/planes-${node}/docker.sock`;
}

/** docker against one node of the cluster. */
export function on(node: Node, args: string[]): Output {
  return docker(['-H', socket(node), ...args]);
}

function script(args: string[]): Output {
  const result = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function succeeds(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/**
 * Whether a cluster can be made here: root, the tools, network namespaces, and the host engine
 * with the image the nodes load. One loud line when not; under CI=true a failure.
 */
export function clusterPossible(suite: string): boolean {
  if (!dockerTools(suite, ['engine', 'stack'])) return false;
  const missing = [
    ...(process.getuid?.() === 0 ? [] : ['root']),
    ...['ip', 'nsenter', 'dockerd'].filter((tool) => !succeeds('sh', ['-c', `command -v ${tool}`])),
    ...(succeeds('unshare', ['--net', 'true']) ? [] : ['network namespaces']),
  ];
  if (missing.length === 0) return true;
  const line = `${suite}: SKIPPED — a multi-node Swarm needs ${missing.join(', ')} (scripts/swarm-cluster.sh)`;
  if (process.env.CI === 'true') throw new Error(`${line}; CI must run these tests`);
  console.warn(`\n!!! ${line}\n`);
  return false;
}

/** Brings the cluster up (idempotent); whether this call made it, so that only its maker takes it down. */
export function clusterUp(): boolean {
  const existed = NODES.every((node) => on(node, ['version', '--format', '{{.Server.Version}}']).status === 0);
  const up = script(['up']);
  if (up.status !== 0) throw new Error(`scripts/swarm-cluster.sh up failed:\n${up.stderr}`);
  return !existed;
}

export function clusterDown(): void {
  const down = script(['down']);
  if (down.status !== 0) throw new Error(`scripts/swarm-cluster.sh down failed:\n${down.stderr}`);
}

export function stopNode(node: Node): void {
  const stopped = script(['stop', node]);
  if (stopped.status !== 0) throw new Error(`stopping ${node} failed:\n${stopped.stderr}`);
}

/** Starts a node's engine again; it rejoins the Swarm with the state it had. */
export function startNode(node: Node): void {
  const started = script(['start', node]);
  if (started.status !== 0) throw new Error(`starting ${node} failed:\n${started.stderr}`);
}

/** Waits until the Swarm has a leader and sees every node ready. */
export async function clusterReady(): Promise<void> {
  // A node back from a stop rejoins after the Swarm's heartbeats notice it: slower on a busy machine.
  await waitFor('every node of the cluster to be ready under a leader', 180_000, () => {
    const nodes = on('m1', ['node', 'ls', '--format', '{{.Status}}']);
    return nodes.status === 0 && nodes.stdout.split('\n').filter((line) => line === 'Ready').length === NODES.length ? true : undefined;
  });
}

/** Removes a stack from the cluster, then its secrets and configs once no service holds them; best effort, for afterAll. */
export async function removeClusterStack(stack: string): Promise<void> {
  on('m1', ['stack', 'rm', stack]);
  const left = (kind: 'service' | 'secret' | 'config') => on('m1', [kind, 'ls', '-q', '--filter', kind === 'service' ? `label=com.docker.stack.namespace=${stack}` : `name=${stack}_`]).stdout.split('\n').filter(Boolean);
  await waitFor('the stack, its secrets and configs to go', 60_000, () => {
    if (left('service').length > 0) return undefined;
    for (const kind of ['secret', 'config'] as const) if (left(kind).length > 0) on('m1', [kind, 'rm', ...left(kind)]);
    return left('secret').length + left('config').length === 0 ? true : undefined;
  }).catch(() => {});
}

/** The running containers of a service on one node. */
export function containersOn(node: Node, service: string): string[] {
  return on(node, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]).stdout.split('\n').filter(Boolean);
}

/** Where each running container of the service is: node → container ids. */
export function placement(service: string): Record<Node, string[]> {
  return Object.fromEntries(NODES.map((node) => [node, containersOn(node, service)])) as Record<Node, string[]>;
}
