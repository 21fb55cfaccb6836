import type Docker from 'dockerode';
import { EngineError } from './docker.js';
import { runningTasks, serviceName, type SwarmService, type SwarmTask } from './services.js';

const FAILED_UPDATE_STATES = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

export type Convergence = { done: true } | { done: false; waitingFor: string } | { failed: string };

/**
 * Whether a service runs what its spec now asks for: its update has finished, and every
 * task meant to run is running with the new secret, as many as the spec wants.
 */
export function convergence(service: SwarmService, tasks: SwarmTask[], secretId: string): Convergence {
  const name = serviceName(service);
  const update = service.UpdateStatus;
  if (update?.State && FAILED_UPDATE_STATES.has(update.State)) {
    return { failed: `${name}: the update ${update.State.replace('_', ' ')}${update.Message ? ` (${update.Message})` : ''}` };
  }
  if (update?.State === 'updating') return { done: false, waitingFor: `${name}: update in progress` };
  const current = tasks.filter((task) => (task.Spec?.ContainerSpec?.Secrets ?? []).some((ref) => ref.SecretID === secretId));
  const stale = tasks.length - current.length;
  if (stale > 0) return { done: false, waitingFor: `${name}: ${stale} task(s) still on the old secret` };
  const notRunning = current.filter((task) => task.Status?.State !== 'running');
  if (notRunning.length > 0) {
    const error = notRunning.map((task) => task.Status?.Err).find(Boolean);
    return { done: false, waitingFor: `${name}: ${notRunning.length} task(s) not running yet${error ? ` (${error})` : ''}` };
  }
  const wanted = service.Spec?.Mode?.Replicated?.Replicas;
  if (wanted !== undefined && current.length < wanted) return { done: false, waitingFor: `${name}: ${current.length} of ${wanted} tasks running` };
  return { done: true };
}

/** Polls until every service has converged on the secret, or fails with what it was still waiting for. */
export async function waitForConvergence(docker: Docker, serviceIds: string[], secretId: string, timeoutMs: number, pollMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...serviceIds];
  let waitingFor = '';
  for (;;) {
    const still: string[] = [];
    for (const id of pending) {
      const service = (await docker.getService(id).inspect()) as SwarmService;
      const state = convergence(service, await runningTasks(docker, id), secretId);
      if ('failed' in state) throw new EngineError(state.failed);
      if (!state.done) {
        still.push(id);
        waitingFor = state.waitingFor;
      }
    }
    pending = still;
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new EngineError(`the services did not converge within ${Math.round(timeoutMs / 1000)} s; last seen: ${waitingFor}. Inspect them with docker service ps --no-trunc, then run the command again or raise --timeout`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
