import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { UsageError } from '../errors.js';

/** The engine could not be used: unreachable, refused, or not in the state a command needs. */
export class EngineError extends UsageError {}

export interface Engine {
  docker: Docker;
  /** How the engine was addressed, for messages: DOCKER_HOST or the socket path. */
  endpoint: string;
}

/**
 * docker-modem picks the same socket when DOCKER_HOST is unset, but lazily; choosing it
 * here lets every message name the socket that was actually tried.
 */
function defaultSocket(): string {
  const user = join(homedir(), '.docker', 'run', 'docker.sock');
  return existsSync(user) ? user : '/var/run/docker.sock';
}

/** A client for the engine of DOCKER_HOST, which docker-modem reads from the process environment. */
export function engineClient(): Engine {
  const host = process.env.DOCKER_HOST;
  if (!host) {
    const socketPath = defaultSocket();
    return { docker: new Docker({ socketPath }), endpoint: `the socket ${socketPath} (DOCKER_HOST is not set)` };
  }
  try {
    return { docker: new Docker(), endpoint: `DOCKER_HOST=${host}` };
  } catch {
    throw new EngineError(`DOCKER_HOST=${host} is not an engine address; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host`);
  }
}

/** One paragraph that says what went wrong talking to the engine and what to do about it. */
export function connectionMessage(error: unknown, endpoint: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `no Docker engine reachable at ${endpoint}: the socket does not exist. Start dockerd (here: bash scripts/docker-engine.sh) or point DOCKER_HOST at a running engine.`;
    case 'ECONNREFUSED':
      return `no Docker engine reachable at ${endpoint}: the connection was refused. Start dockerd (here: bash scripts/docker-engine.sh) or point DOCKER_HOST at a running engine.`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${endpoint}: this user may not talk to the Docker engine. Add the user to the docker group (then log in again), or run as a user that may.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
    case 'ECONNRESET':
      return `no Docker engine reachable at ${endpoint} (${code}). Check DOCKER_HOST and that the engine is running and reachable from here.`;
    default:
      return undefined;
  }
}

/** The message the engine sent with a failed request, without the status boilerplate. */
function engineReason(error: unknown): string {
  const e = error as { json?: { message?: unknown }; message?: unknown } | undefined;
  if (typeof e?.json?.message === 'string') return e.json.message;
  if (typeof e?.message === 'string') return e.message;
  return String(error);
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Turns a failed engine request into an EngineError that says what was being done. Errors
 * that are not from the engine are bugs and are passed through untouched.
 */
export function engineFailure(error: unknown, doing: string, endpoint: string): Error {
  const connection = connectionMessage(error, endpoint);
  if (connection) return new EngineError(connection);
  if (statusCode(error) !== undefined) {
    const reason = engineReason(error);
    return new EngineError(quorumMessage(reason, endpoint, doing) ?? stoppingMessage(reason, endpoint, doing) ?? `the Docker engine refused ${doing}: ${reason}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The words of a manager whose Swarm lost its Raft quorum: with no leader it refuses every
 * change ("does not have a leader"), and in the seconds before the leader steps down a change
 * it cannot commit times out (DeadlineExceeded). Either way, nothing was changed.
 */
const NO_LEADER = /does not have a leader/i;
const NOT_COMMITTED = /DeadlineExceeded|context deadline exceeded/;

function quorumMessage(reason: string, endpoint: string, doing?: string, managers?: number): string | undefined {
  const during = doing ? ` during ${doing}` : '';
  const majority = managers ? `more than half of its ${managers} managers (${Math.floor(managers / 2) + 1}) must be online` : 'more than half of its managers must be online';
  const restore = 'Start the stopped managers (or recover the Swarm with docker swarm init --force-new-cluster on a surviving manager), then run the command again';
  if (NO_LEADER.test(reason)) {
    return `the Swarm of the manager at ${endpoint} has lost its Raft quorum: it has no leader, so it takes no change${during}; ${majority}. ${restore}.`;
  }
  if (NOT_COMMITTED.test(reason)) {
    return `the Swarm of the manager at ${endpoint} did not commit a change in time${during}: it may be losing its Raft quorum (${majority}). Check the managers with docker node ls; ${restore}.`;
  }
  return undefined;
}

/**
 * The words of an engine that stopped managing its Swarm while it answered: it is shutting
 * down (its Swarm component's socket is already gone: gRPC `Unavailable`) or leaving the Swarm.
 */
const STOPPED_MANAGING = /code = Unavailable|This node is not a swarm manager/;

function stoppingMessage(reason: string, endpoint: string, doing: string): string | undefined {
  if (!STOPPED_MANAGING.test(reason)) return undefined;
  return `the Docker engine at ${endpoint} stopped managing its Swarm during ${doing}: it is shutting down or leaving the Swarm (it said: ${reason})`;
}

interface SwarmInfo {
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  /** Set when the manager cannot serve the Swarm, e.g. without a leader. */
  Error?: string;
  /** The managers this node knows of, also when the Swarm has no leader (Managers is then absent). */
  RemoteManagers?: unknown[] | null;
}

/** Connects and checks that the engine answers; with `swarmManager`, that it manages a Swarm. */
export async function connectEngine(options: { swarmManager?: boolean } = {}): Promise<Engine> {
  // Every answer of the engine may hold a secret (a container's Env, a service spec): nothing may log them.
  const logged = secretLoggingProblem();
  if (logged) throw new EngineError(logged);
  const engine = engineClient();
  try {
    await engine.docker.ping();
  } catch (error) {
    throw engineFailure(error, 'the connection check', engine.endpoint);
  }
  if (options.swarmManager) {
    const problem = await swarmManagerProblem(engine);
    if (problem) throw new EngineError(problem);
  }
  return engine;
}

/** Why this engine cannot manage Swarm secrets and services; undefined when it can. */
export async function swarmManagerProblem(engine: Engine): Promise<string | undefined> {
  let swarm: SwarmInfo | undefined;
  try {
    swarm = ((await engine.docker.info()) as { Swarm?: SwarmInfo }).Swarm;
  } catch (error) {
    throw engineFailure(error, 'the Swarm check', engine.endpoint);
  }
  return swarmProblem(swarm, engine.endpoint);
}

export function swarmProblem(swarm: SwarmInfo | undefined, endpoint: string): string | undefined {
  if (swarm?.LocalNodeState !== 'active') {
    return `the Docker engine at ${endpoint} is not part of a Swarm (state: ${swarm?.LocalNodeState || 'unknown'}). Run docker swarm init on it, or point DOCKER_HOST at a Swarm manager.`;
  }
  if (!swarm.ControlAvailable) {
    return `the Docker engine at ${endpoint} is a Swarm worker, not a manager: secrets and services are managed on managers. Point DOCKER_HOST at a manager node.`;
  }
  if (swarm.Error) {
    return quorumMessage(swarm.Error, endpoint, undefined, swarm.RemoteManagers?.length) ?? `the Swarm manager at ${endpoint} reports a problem: ${swarm.Error}`;
  }
  return undefined;
}

/**
 * docker-modem logs every request with its body when the `debug` package enables its
 * `modem` namespace (DEBUG=modem, DEBUG=*): a request carrying a secret would print it.
 */
export function requestLoggingProblem(debug: string | undefined): string | undefined {
  const patterns = (debug ?? '').split(/[\s,]+/).filter(Boolean);
  const matches = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test('modem');
  // As in `debug`, an exclusion (-pattern) wins over any inclusion.
  const excluded = patterns.some((p) => p.startsWith('-') && matches(p.slice(1)));
  const included = patterns.some((p) => !p.startsWith('-') && matches(p));
  return included && !excluded ? `DEBUG=${debug} makes docker-modem log request bodies, which would print secret values; unset DEBUG (or add -modem to it) to send secrets` : undefined;
}

/**
 * Why the process must not handle secret values now; undefined when it may. DEBUG=modem is
 * above. NODE_DEBUG makes Node's own modules log: `child_process` prints the whole environment
 * of every command it starts (the one that reads a secret source inherits the user's tokens),
 * and what the other sections print changes from one Node version to the next, so any of them
 * is refused while secrets are read or sent.
 */
export function secretLoggingProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const nodeDebug = env.NODE_DEBUG?.trim() ?? '';
  if (nodeDebug !== '') {
    return `NODE_DEBUG=${nodeDebug} makes Node log its internals (with child_process, the environment of every command planes runs), which could print secret values; unset NODE_DEBUG to read or send secrets`;
  }
  return requestLoggingProblem(env.DEBUG);
}
