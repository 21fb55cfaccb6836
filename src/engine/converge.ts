import type Docker from 'dockerode';
import { maskCredentials } from '../redact/index.js';
import { eligibleNodes, listNodes, nodeLabel, type SwarmNode } from './placement.js';
import { serviceName, serviceTasks, type SwarmService, type SwarmTask } from './services.js';

const FAILED_UPDATE_STATES = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

/**
 * stalled: nothing moves the service on while no update runs, though it could move: tasks left
 * on the old secret (an update ended while their node was away), or tasks Swarm does not place
 * though nodes that may run them are ready (a node back from a stop; moby/moby#36699, #53722).
 */
export type Convergence = { done: true } | { done: false; waitingFor: string; stalled?: Stall } | { failed: string };

type Stall = 'old secret' | 'not placed';

/**
 * Whether a service runs what its spec now asks for: every task meant to run is running with
 * the new secret, as many as the spec wants: for a global service, one on every node that may
 * run it (`nodes`: the Swarm's), a node back from a stop included, whose task Swarm makes anew
 * only once it sees the node ready. Until then, an update Swarm stopped is a failure, and one
 * in progress is waited for. `tasks`: every task the engine lists for the service; those that
 * ended only say why a node has none running.
 */
export function convergence(service: SwarmService, tasks: SwarmTask[], secretId: string, nodes: readonly SwarmNode[] = []): Convergence {
  const name = serviceName(service);
  const update = service.UpdateStatus;
  // What the tasks run decides: an update Swarm still calls in progress may wait for a task
  // that went with its node, while every task meant to run already runs on the new secret.
  const tasksState = tasksConvergence(service, tasks, secretId, nodes);
  if (tasksState.done) return tasksState;
  if (update?.State && FAILED_UPDATE_STATES.has(update.State)) {
    return { failed: `${name}: the update ${update.State.replace('_', ' ')}${update.Message ? ` (${maskCredentials(update.Message)})` : ''}` };
  }
  if (update?.State === 'updating') {
    // Every task replaced, yet a node that may run one has none: the update waits for a task that went with its node.
    if (tasksState.stalled === 'not placed') return { done: false, waitingFor: `${name}: update in progress; ${tasksState.waiting}`, stalled: 'not placed' };
    return { done: false, waitingFor: `${name}: update in progress` };
  }
  return { done: false, waitingFor: `${name}: ${tasksState.waiting}`, ...(tasksState.stalled ? { stalled: tasksState.stalled } : {}) };
}

/** Whether every task meant to run runs on the new secret, as many as the spec wants, wherever it wants them; else what is awaited. */
function tasksConvergence(service: SwarmService, tasks: SwarmTask[], secretId: string, nodes: readonly SwarmNode[]): { done: true } | { done: false; waiting: string; stalled?: Stall } {
  const meantToRun = tasks.filter((task) => task.DesiredState === 'running');
  const current = meantToRun.filter((task) => (task.Spec?.ContainerSpec?.Secrets ?? []).some((ref) => ref.SecretID === secretId));
  const stale = meantToRun.length - current.length;
  if (stale > 0) return { done: false, waiting: `${stale} task(s) still on the old secret`, stalled: 'old secret' };
  const eligible = eligibleNodes(service.Spec?.TaskTemplate?.Placement?.Constraints ?? [], nodes);
  const wanted = service.Spec?.Mode?.Replicated?.Replicas;
  const notRunning = current.filter((task) => task.Status?.State !== 'running');
  if (notRunning.length > 0) {
    const error = notRunning.map((task) => task.Status?.Err).find(Boolean);
    const waiting = { done: false as const, waiting: `${notRunning.length} task(s) not running yet${error ? ` (${maskCredentials(error)})` : ''}` };
    // Only tasks that no node has taken: one that is starting is on its way.
    const unplaced = notRunning.every((task) => task.Status?.State === 'pending');
    return unplaced && roomFor(wanted ?? current.length, service, eligible) ? { ...waiting, stalled: 'not placed' } : waiting;
  }
  if (wanted !== undefined && current.length < wanted) {
    const waiting = { done: false as const, waiting: `${current.length} of ${wanted} tasks running` };
    return roomFor(wanted, service, eligible) ? { ...waiting, stalled: 'not placed' } : waiting;
  }
  // A global service whose tasks may end for good (restart condition none or on-failure) need not run on every node.
  if (service.Spec?.Mode?.Global && (service.Spec.TaskTemplate?.RestartPolicy?.Condition ?? 'any') === 'any') {
    const without = (eligible ?? []).filter((node) => !current.some((task) => task.NodeID === node.ID));
    if (without.length > 0) return { done: false, waiting: `no task yet on ${without.map((node) => withLastError(node, tasks)).join(', ')}`, stalled: 'not placed' };
  }
  return { done: true };
}

/**
 * The node, and why the last task the service had there ended, when the engine says: a node
 * that is ready yet fails every task (an image or a network its engine cannot set up) is not
 * one that a rerun, once it is back, will mend.
 */
function withLastError(node: SwarmNode, tasks: SwarmTask[]): string {
  const [last] = tasks.filter((task) => task.NodeID === node.ID && task.DesiredState !== 'running' && task.Status?.Err).sort((a, b) => endedAt(b) - endedAt(a));
  const error = last?.Status?.Err;
  return error ? `${nodeLabel(node)} (its last task there failed: ${maskCredentials(error)})` : nodeLabel(node);
}

function endedAt(task: SwarmTask): number {
  return Date.parse(task.Status?.Timestamp ?? '') || 0;
}

/**
 * Whether the ready nodes the service may run on can hold `tasks` of it, at most MaxReplicas
 * each: then a task Swarm does not place is stuck, not waiting for a node. Resources are not
 * counted; a service they hold back is restarted in vain, a few times at most.
 */
function roomFor(tasks: number, service: SwarmService, eligible: SwarmNode[] | undefined): boolean {
  if (eligible === undefined || eligible.length === 0) return false;
  if (service.Spec?.Mode?.Global) return true;
  const perNode = service.Spec?.TaskTemplate?.Placement?.MaxReplicas;
  return perNode === undefined || perNode === 0 || eligible.length * perNode >= tasks;
}

/** A service that had not converged when the time ran out, or whose update stopped, and what it was waiting for or why it stopped. */
export interface Unconverged {
  service: string;
  waitingFor: string;
}

/** How often an update is restarted: a node coming back may report a task it lost after the first restart. */
const RESTARTS = 3;
/**
 * Polls that a service may stay stalled before its update is restarted: right after an update
 * is asked for, the last one's state still shows; a node just back takes some seconds more
 * before Swarm places tasks on it.
 */
const STALLED_POLLS: Record<Stall, number> = { 'old secret': 5, 'not placed': 15 };
const STALLED_BECAUSE: Record<Stall, string> = { 'old secret': 'and no update runs to move them', 'not placed': 'though nodes that may run them are ready' };

/**
 * Polls until every service has converged on the secret. An update Swarm stopped (a node went
 * away under it), or a service that stalled (see Convergence), is restarted, a few times at
 * most; stopped once more, it is not waited for any longer. Those, and the services still
 * waiting when the time runs out (a node down, no node left that may run a task), are
 * returned, so that the caller keeps what their old tasks still use.
 */
export async function waitForConvergence(
  docker: Docker,
  serviceIds: string[],
  secretId: string,
  timeoutMs: number,
  options: { restart?: (service: SwarmService, reason: string) => Promise<void>; pollMs?: number } = {},
): Promise<Unconverged[]> {
  const deadline = Date.now() + timeoutMs;
  const restarts = new Map<string, number>();
  const stalledPolls = new Map<string, number>();
  const restart = async (service: SwarmService, reason: string): Promise<boolean> => {
    if (!options.restart || (restarts.get(service.ID) ?? 0) >= RESTARTS) return false;
    restarts.set(service.ID, (restarts.get(service.ID) ?? 0) + 1);
    stalledPolls.set(service.ID, 0);
    await options.restart(service, reason);
    return true;
  };
  const stopped: Unconverged[] = [];
  let pending = [...serviceIds];
  for (;;) {
    const waiting: Unconverged[] = [];
    const waitingIds: string[] = [];
    const nodes = await listNodes(docker);
    for (const id of pending) {
      const service = (await docker.getService(id).inspect()) as SwarmService;
      const state = convergence(service, await serviceTasks(docker, id), secretId, nodes);
      if ('failed' in state) {
        if (await restart(service, state.failed)) {
          waitingIds.push(id);
          waiting.push({ service: serviceName(service), waitingFor: `${state.failed}; restarted` });
        } else stopped.push({ service: serviceName(service), waitingFor: state.failed });
      } else if (!state.done) {
        const stalled = state.stalled ? (stalledPolls.get(id) ?? 0) + 1 : 0;
        stalledPolls.set(id, stalled);
        if (state.stalled && stalled >= STALLED_POLLS[state.stalled]) await restart(service, `${state.waitingFor}, ${STALLED_BECAUSE[state.stalled]}`);
        waitingIds.push(id);
        waiting.push({ service: serviceName(service), waitingFor: state.waitingFor });
      }
    }
    pending = waitingIds;
    if (waiting.length === 0 || Date.now() >= deadline) return [...stopped, ...waiting];
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}
