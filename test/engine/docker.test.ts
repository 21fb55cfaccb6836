import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine, connectionMessage, EngineError, engineClient, engineFailure, requestLoggingProblem, swarmProblem } from '../../src/engine/docker.js';
import { UsageError } from '../../src/errors.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code}`), { code });
}

function withDockerHost(value: string | undefined): void {
  if (value === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = value;
}

describe('engine errors', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => withDockerHost(saved));

  it('names the socket tried when DOCKER_HOST is unset, and DOCKER_HOST when set', () => {
    withDockerHost(undefined);
    expect(engineClient().endpoint).toMatch(/^the socket \/.*docker\.sock \(DOCKER_HOST is not set\)$/);
    withDockerHost('unix:///tmp/x.sock');
    expect(engineClient().endpoint).toBe('DOCKER_HOST=unix:///tmp/x.sock');
  });

  it('turns connection failures into one paragraph that says what to do', () => {
    expect(connectionMessage(errno('ENOENT'), 'DOCKER_HOST=unix:///x')).toMatch(/^no Docker engine reachable at DOCKER_HOST=unix:\/\/\/x: the socket does not exist/);
    expect(connectionMessage(errno('ECONNREFUSED'), 'e')).toMatch(/connection was refused/);
    expect(connectionMessage(errno('EACCES'), 'e')).toMatch(/^permission denied on e.*docker group/);
    expect(connectionMessage(new Error('other'), 'e')).toBeUndefined();
  });

  it('wraps engine refusals as usage errors and leaves bugs alone', () => {
    const refused = Object.assign(new Error('(HTTP code 409) conflict'), { statusCode: 409, json: { message: 'name conflicts' } });
    expect(engineFailure(refused, 'creating secret x', 'e').message).toBe('the Docker engine refused creating secret x: name conflicts');
    const bug = new TypeError('x is undefined');
    expect(engineFailure(bug, 'y', 'e')).toBe(bug);
  });

  it('says when the engine is not a Swarm manager', () => {
    expect(swarmProblem({ LocalNodeState: 'inactive' }, 'e')).toMatch(/not part of a Swarm.*docker swarm init/);
    expect(swarmProblem({ LocalNodeState: 'active', ControlAvailable: false }, 'e')).toMatch(/worker, not a manager/);
    expect(swarmProblem({ LocalNodeState: 'active', ControlAvailable: true }, 'e')).toBeUndefined();
  });

  const NO_LEADER = "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

  it('names the lost Raft quorum when the manager has no leader, with the majority it needs', () => {
    const problem = swarmProblem({ LocalNodeState: 'active', ControlAvailable: true, Error: NO_LEADER, RemoteManagers: [{}, {}, {}] }, 'e');
    expect(problem).toMatch(/^the Swarm of the manager at e has lost its Raft quorum: it has no leader.*more than half of its 3 managers \(2\) must be online\. Start the stopped managers/);
    expect(swarmProblem({ LocalNodeState: 'active', ControlAvailable: true, Error: 'certificate expired' }, 'e')).toBe('the Swarm manager at e reports a problem: certificate expired');
  });

  it.each([
    ['no leader', NO_LEADER, /^the Swarm of the manager at e has lost its Raft quorum: it has no leader, so it takes no change during creating secret x; more than half of its managers must be online/],
    ['a change not committed', 'rpc error: code = DeadlineExceeded desc = context deadline exceeded', /^the Swarm of the manager at e did not commit a change in time during creating secret x: it may be losing its Raft quorum/],
  ])('names the lost quorum when a request meets %s', (_, message, expected) => {
    const refused = Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message } });
    expect(engineFailure(refused, 'creating secret x', 'e').message).toMatch(expected);
  });

  it.each([
    ['its Swarm socket already gone', 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix /run/x/swarm/control.sock: connect: no such file or directory"'],
    ['its Swarm left', 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.'],
  ])('says that an engine stopped managing its Swarm when a request meets %s', (_, message) => {
    const refused = Object.assign(new Error('x'), { statusCode: 503, json: { message } });
    expect(engineFailure(refused, 'updating the services', 'e').message).toBe(`the Docker engine at e stopped managing its Swarm during updating the services: it is shutting down or leaving the Swarm (it said: ${message})`);
  });

  it.each([['DEBUG', '*'], ['DEBUG', 'modem'], ['NODE_DEBUG', 'net']])('talks to no engine while %s=%s would log its answers (a container\'s Env holds secrets)', async (variable, value) => {
    withDockerHost('unix:///nonexistent/planes.sock');
    const saved = process.env[variable];
    process.env[variable] = value;
    try {
      const error = await connectEngine().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}=`));
    } finally {
      if (saved === undefined) delete process.env[variable];
      else process.env[variable] = saved;
    }
  });

  it('fails with a usage error, not a stack trace, when no engine listens', async () => {
    withDockerHost('unix:///nonexistent/planes.sock');
    const error = await connectEngine().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/DOCKER_HOST=unix:\/\/\/nonexistent\/planes\.sock: the socket does not exist/);
  });
});

describe('requestLoggingProblem', () => {
  it("refuses to send secrets while docker-modem's request log is on", () => {
    expect(requestLoggingProblem(undefined)).toBeUndefined();
    expect(requestLoggingProblem('express:*,vite')).toBeUndefined();
    expect(requestLoggingProblem('*,-modem')).toBeUndefined();
    expect(requestLoggingProblem('*')).toBeDefined();
    expect(requestLoggingProblem('modem')).toMatch(/^DEBUG=modem makes docker-modem log request bodies/);
    expect(requestLoggingProblem('mod*')).toBeDefined();
  });
});
