import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { convergence, waitForConvergence } from '../../src/engine/converge.js';
import type { SwarmNode } from '../../src/engine/placement.js';
import { pruneCandidates } from '../../src/engine/prune.js';
import { pushDecision } from '../../src/engine/push.js';
import { forcedSpec, specWithSecretReplaced, type SwarmService, type SwarmTask } from '../../src/engine/services.js';
import { unusedStackObjects } from '../../src/engine/stack-objects.js';
import { externalSecretsOf, swarmEnvironment } from '../../src/engine/stack-secrets.js';
import { planesLabels, type SwarmSecret } from '../../src/engine/swarm-secrets.js';
import type { Manifest } from '../../src/manifest/schema.js';

const manifest = {
  name: 'shop',
  environments: { dev: { target: 'compose', file: 'docker-compose.yml' }, prod: { target: 'swarm', file: 'docker-compose.prod.yml' } },
  config: {},
  secrets: { db_password: { dev: 'required' }, api_key: { dev: 'required', version: 3 } },
  build_secrets: {},
  services: {},
} as unknown as Manifest;

function secret(name: string, labels: Record<string, string> = {}): SwarmSecret {
  return { id: `id-${name}`, name, labels, createdAt: '' };
}

function service(name: string, secrets: { id: string; name: string }[], extra: Partial<SwarmService> = {}): SwarmService {
  return {
    ID: `svc-${name}`,
    Spec: {
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: secrets.map((s) => ({ SecretID: s.id, SecretName: s.name, File: { Name: 'api_key', UID: '0', GID: '0', Mode: 0o400 } })) } },
      Mode: { Replicated: { Replicas: 2 } },
    },
    ...extra,
  };
}

describe('swarmEnvironment', () => {
  it('defaults to the only Swarm environment and refuses a compose one', () => {
    expect(swarmEnvironment(manifest, undefined)).toBe('prod');
    expect(() => swarmEnvironment(manifest, 'dev')).toThrow(/targets compose, not swarm/);
    expect(() => swarmEnvironment(manifest, 'staging')).toThrow(/no such environment/);
  });
});

describe('externalSecretsOf', () => {
  it('reads the external secrets and their Swarm names from a stack file', () => {
    const file = 'version: "3.8"\nservices: {}\nsecrets:\n  db_password:\n    external: true\n    name: shop_db_password\n  local:\n    file: ./x.txt\n';
    expect(externalSecretsOf(file)).toEqual([{ secret: 'db_password', name: 'shop_db_password' }]);
  });
});

describe('pushDecision', () => {
  const labels = planesLabels('shop', 'db_password', 'abc');
  it('creates what is missing, skips the same value, and reports another value or an unknown one', () => {
    expect(pushDecision(undefined, 'abc')).toBe('create');
    expect(pushDecision(secret('shop_db_password', labels), 'abc')).toBe('unchanged');
    expect(pushDecision(secret('shop_db_password', labels), 'def')).toBe('conflict');
    expect(pushDecision(secret('shop_db_password'), 'abc')).toBe('unlabelled');
  });
});

describe('pruneCandidates', () => {
  const ours = (name: string, of: string) => secret(name, planesLabels('shop', of, 'h'));
  it("removes this stack's unused secrets the manifest no longer names, and keeps the rest", () => {
    const secrets = [
      ours('shop_db_password', 'db_password'), // current name
      ours('shop_api_key_v2', 'api_key'), // older version, unused
      ours('shop_api_key_v1', 'api_key'), // older version, still mounted
      ours('shop_api_key_v3', 'api_key'), // current
      ours('shop_old_token', 'old_token'), // dropped from the manifest
      secret('shop_manual'), // not made by planes
      secret('other_db_password', planesLabels('other', 'db_password', 'h')), // another stack
    ];
    const candidates = pruneCandidates(manifest, secrets, [service('shop_api', [{ id: 'id-shop_api_key_v1', name: 'shop_api_key_v1' }])]);
    expect(candidates.map((c) => [c.secret.name, c.reason])).toEqual([
      ['shop_api_key_v2', 'an older version of api_key'],
      ['shop_old_token', 'old_token is no longer in the manifest'],
    ]);
  });
});

describe('specWithSecretReplaced', () => {
  it('points the reference at the new secret with the same file, owner and mode', () => {
    const old = { id: 'id-old', name: 'shop_api_key' };
    const next = { id: 'id-new', name: 'shop_api_key_v2' };
    const spec = service('shop_api', [old, { id: 'id-db', name: 'shop_db' }]).Spec!;
    const replaced = specWithSecretReplaced(spec, old, next).TaskTemplate!.ContainerSpec!.Secrets!;
    expect(replaced[0]).toEqual({ SecretID: 'id-new', SecretName: 'shop_api_key_v2', File: { Name: 'api_key', UID: '0', GID: '0', Mode: 0o400 } });
    expect(replaced[1]!.SecretID).toBe('id-db');
    expect(spec.TaskTemplate!.ContainerSpec!.Secrets![0]!.SecretID).toBe('id-old');
  });
});

describe('forcedSpec', () => {
  it('raises ForceUpdate by one and keeps everything else, so that Swarm replaces every task', () => {
    const spec = service('shop_api', [{ id: 'id-new', name: 'shop_api_key_v2' }]).Spec!;
    const forced = forcedSpec(spec);
    expect(forced.TaskTemplate!.ForceUpdate).toBe(1);
    expect(forcedSpec(forced).TaskTemplate!.ForceUpdate).toBe(2);
    expect({ ...forced, TaskTemplate: { ...forced.TaskTemplate, ForceUpdate: undefined } }).toEqual({ ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: undefined } });
    expect(spec.TaskTemplate!.ForceUpdate).toBeUndefined();
  });
});

describe('convergence', () => {
  const task = (secretId: string, state: string): SwarmTask => ({ ID: 't', DesiredState: 'running', Status: { State: state }, Spec: { ContainerSpec: { Secrets: [{ SecretID: secretId }] } } });
  /** A task Swarm gave up on: it no longer means it to run, and the engine says why it ended. */
  const ended = (secretId: string, err: string, at: string): SwarmTask => ({ ...task(secretId, 'rejected'), DesiredState: 'shutdown', Status: { State: 'rejected', Err: err, Timestamp: at } });
  const svc = service('shop_api', [{ id: 'new', name: 'n' }]);

  it('is done when every task to run runs with the new secret, as many as wanted', () => {
    expect(convergence(svc, [task('new', 'running'), task('new', 'running')], 'new')).toEqual({ done: true });
  });

  it('waits for tasks on the old secret, tasks starting, missing replicas and a running update', () => {
    expect(convergence(svc, [task('old', 'running'), task('new', 'running')], 'new')).toMatchObject({ done: false, waitingFor: expect.stringMatching(/old secret/), stalled: 'old secret' });
    expect(convergence(svc, [task('new', 'starting'), task('new', 'running')], 'new')).toMatchObject({ done: false });
    expect(convergence(svc, [task('new', 'running')], 'new')).toMatchObject({ done: false, waitingFor: expect.stringMatching(/1 of 2/) });
    expect(convergence({ ...svc, UpdateStatus: { State: 'updating' } }, [], 'new')).toMatchObject({ done: false });
  });

  it('is done once every task runs on the new secret, though Swarm still calls its update in progress or paused (it waits for a task that went with its node)', () => {
    const converged = [task('new', 'running'), task('new', 'running')];
    expect(convergence({ ...svc, UpdateStatus: { State: 'updating' } }, converged, 'new')).toEqual({ done: true });
    expect(convergence({ ...svc, UpdateStatus: { State: 'paused', Message: 'node down' } }, converged, 'new')).toEqual({ done: true });
    expect(convergence({ ...svc, UpdateStatus: { State: 'updating' } }, [task('old', 'running'), task('new', 'running')], 'new')).toEqual({ done: false, waitingFor: 'shop_api: update in progress' });
  });

  it('stalls on an update in progress whose every task was replaced while a ready node that may run one has none', () => {
    const base = service('shop_agent', []);
    const agent: SwarmService = { ...base, Spec: { ...base.Spec, Mode: { Global: {} } }, UpdateStatus: { State: 'updating' } };
    const ready = (id: string): SwarmNode => ({ ID: id, Spec: { Role: 'manager', Availability: 'active' }, Status: { State: 'ready' } });
    const on = (node: string): SwarmTask => ({ ...task('new', 'running'), NodeID: node });
    expect(convergence(agent, [on('m2'), on('m3')], 'new', [ready('m1'), ready('m2'), ready('m3')])).toEqual({
      done: false,
      waitingFor: 'shop_agent: update in progress; no task yet on node (m1)',
      stalled: 'not placed',
    });
  });

  it('judges by the tasks meant to run: tasks that ended, on the old secret or failing, are history', () => {
    const history = [ended('old', 'task: non-zero exit (1)', '2026-12-06T05:15:07Z'), { ...task('old', 'running'), DesiredState: 'shutdown' }];
    expect(convergence(svc, [...history, task('new', 'running'), task('new', 'running')], 'new')).toEqual({ done: true });
  });

  it('fails when Swarm paused or rolled back the update', () => {
    expect(convergence({ ...svc, UpdateStatus: { State: 'paused', Message: 'task failed' } }, [], 'new')).toEqual({ failed: 'shop_api: the update paused (task failed)' });
  });

  // Only what waitForConvergence asks the engine: each service and its tasks meant to run.
  const engineWith = (services: Record<string, { service: SwarmService; tasks: SwarmTask[] }>) =>
    ({
      getService: (id: string) => ({ inspect: async () => services[id]!.service }),
      listTasks: async ({ filters }: { filters: { service: string[] } }) => services[filters.service[0]!]!.tasks,
      listNodes: async () => [],
    }) as unknown as Docker;

  it('names the services that did not converge in time and those whose update Swarm stopped, instead of failing', async () => {
    const docker = engineWith({
      done: { service: service('shop_done', []), tasks: [task('new', 'running'), task('new', 'running')] },
      down: { service: service('shop_down', []), tasks: [task('new', 'running'), task('new', 'pending')] },
      paused: { service: { ...service('shop_paused', []), UpdateStatus: { State: 'paused', Message: 'node down' } }, tasks: [] },
    });
    expect(await waitForConvergence(docker, ['done', 'down', 'paused'], 'new', 0)).toEqual([
      { service: 'shop_paused', waitingFor: 'shop_paused: the update paused (node down)' },
      { service: 'shop_down', waitingFor: 'shop_down: 1 task(s) not running yet' },
    ]);
    expect(await waitForConvergence(docker, ['done'], 'new', 0)).toEqual([]);
  });

  it('restarts an update Swarm stopped a few times, then names it if it stops again', async () => {
    const paused = { ...service('shop_paused', []), UpdateStatus: { State: 'paused', Message: 'node down' } };
    const restarted: string[] = [];
    const docker = engineWith({ paused: { service: paused, tasks: [] } });
    const left = await waitForConvergence(docker, ['paused'], 'new', 50, { pollMs: 1, restart: async (s) => void restarted.push(s.ID) });
    expect(restarted).toEqual(['svc-shop_paused', 'svc-shop_paused', 'svc-shop_paused']);
    expect(left).toEqual([{ service: 'shop_paused', waitingFor: 'shop_paused: the update paused (node down)' }]);
  });

  describe('a global service', () => {
    const node = (id: string, extra: Partial<SwarmNode> = {}): SwarmNode => ({
      ID: id,
      Spec: { Role: id.startsWith('m') ? 'manager' : 'worker', Availability: 'active' },
      Description: { Hostname: 'host' },
      Status: { State: 'ready' },
      ...extra,
    });
    const global = (constraints: string[] = []): SwarmService => {
      const base = service('shop_agent', []);
      return { ...base, Spec: { ...base.Spec, Mode: { Global: {} }, TaskTemplate: { ...base.Spec!.TaskTemplate, Placement: { Constraints: constraints } } } };
    };
    const on = (nodeId: string, secretId = 'new', state = 'running'): SwarmTask => ({ ...task(secretId, state), NodeID: nodeId });

    it('waits for a task on every node that may run it: a node back from a stop has none until Swarm sees it ready', () => {
      const nodes = [node('m1node00000a'), node('w1node00000b')];
      expect(convergence(global(), [on('m1node00000a')], 'new', nodes)).toEqual({ done: false, waitingFor: 'shop_agent: no task yet on host (w1node00000b)', stalled: 'not placed' });
      expect(convergence(global(), [on('m1node00000a'), on('w1node00000b')], 'new', nodes)).toEqual({ done: true });
    });

    it("says why a ready node has no task: the error of the last one the engine ended there, a credential in it masked", () => {
      const nodes = [node('m1node00000a'), node('w1node00000b'), node('w2node00000c')];
      const onW1 = (err: string, at: string): SwarmTask => ({ ...ended('new', err, at), NodeID: 'w1node00000b' });
      const vxlan = 'network sandbox join failed: subnet sandbox join failed for "10.0.1.0/24": error creating vxlan interface: file exists';
      const tasks = [on('m1node00000a'), onW1('task: non-zero exit (1)', '2026-12-06T05:15:07.1Z'), onW1(vxlan, '2026-12-06T05:15:09.9Z'), onW1('', '2026-12-06T05:15:10Z')];
      expect(convergence(global(), tasks, 'new', nodes)).toEqual({
        done: false,
        waitingFor: `shop_agent: no task yet on host (w1node00000b) (its last task there failed: ${vxlan}), host (w2node00000c)`,
        stalled: 'not placed',
      });
      const canary = 'Canary7fQ2xLw9pRt';
      const quoting = convergence(global(), [on('m1node00000a'), onW1(`starting container failed: exec: "psql postgres://app:${canary}@db/shop": not found`, '2026-12-06T05:16:00Z')], 'new', nodes);
      expect(JSON.stringify(quoting)).toContain('its last task there failed: starting container failed');
      expect(JSON.stringify(quoting)).not.toContain(canary);
    });

    it('does not wait for nodes that are down, paused or drained, nor for nodes its constraints exclude', () => {
      const nodes = [
        node('m1'),
        node('w1', { Status: { State: 'down' } }),
        node('w2', { Spec: { Role: 'worker', Availability: 'pause' } }),
        node('w3', { Spec: { Role: 'worker', Availability: 'drain' } }),
      ];
      expect(convergence(global(), [on('m1')], 'new', nodes)).toEqual({ done: true });
      expect(convergence(global(['node.role == worker']), [], 'new', [node('m1'), node('w4')])).toMatchObject({ waitingFor: 'shop_agent: no task yet on host (w4)' });
      expect(convergence(global(['node.role == worker']), [on('w4')], 'new', [node('m1'), node('w4')])).toEqual({ done: true });
    });

    it('does not ask for a task on every node when its tasks may end for good (restart condition none or on-failure)', () => {
      const once = global();
      once.Spec!.TaskTemplate!.RestartPolicy = { Condition: 'none' };
      expect(convergence(once, [on('m1')], 'new', [node('m1'), node('w1')])).toEqual({ done: true });
    });

    it('restarts, forced, a service whose task Swarm does not place on a node that is ready', async () => {
      const reasons: string[] = [];
      const docker = {
        getService: () => ({ inspect: async () => global() }),
        listTasks: async () => [on('m1')],
        listNodes: async () => [node('m1'), node('w1')],
      } as unknown as Docker;
      const left = await waitForConvergence(docker, ['agent'], 'new', 60, { pollMs: 1, restart: async (_, reason) => void reasons.push(reason) });
      expect(reasons[0]).toBe('shop_agent: no task yet on host (w1), though nodes that may run them are ready');
      expect(reasons.length).toBeLessThanOrEqual(3);
      expect(left).toEqual([{ service: 'shop_agent', waitingFor: 'shop_agent: no task yet on host (w1)' }]);
    });
  });

  describe('a replicated service with fewer tasks than it asks for', () => {
    const node = (id: string, state = 'ready'): SwarmNode => ({ ID: id, Spec: { Role: 'worker', Availability: 'active' }, Status: { State: state } });
    const replicated = (maxReplicas?: number): SwarmService => {
      const base = service('shop_workers', []);
      const placement = { Constraints: ['node.role == worker'], ...(maxReplicas === undefined ? {} : { MaxReplicas: maxReplicas }) };
      return { ...base, Spec: { ...base.Spec, TaskTemplate: { ...base.Spec!.TaskTemplate, Placement: placement } } };
    };

    it('is stalled when the ready nodes have room for every task: Swarm dropped one (a node back from a stop)', () => {
      expect(convergence(replicated(1), [task('new', 'running')], 'new', [node('w1'), node('w2')])).toEqual({ done: false, waitingFor: 'shop_workers: 1 of 2 tasks running', stalled: 'not placed' });
      expect(convergence(replicated(1), [task('new', 'running'), task('new', 'pending')], 'new', [node('w1'), node('w2')])).toMatchObject({ stalled: 'not placed' });
    });

    it('waits without a stall while a node it needs is down, or a task is already starting on a node', () => {
      expect(convergence(replicated(1), [task('new', 'running')], 'new', [node('w1'), node('w2', 'down')])).toEqual({ done: false, waitingFor: 'shop_workers: 1 of 2 tasks running' });
      expect(convergence(replicated(1), [task('new', 'running'), task('new', 'pending')], 'new', [node('w1'), node('w2', 'down')])).toEqual({ done: false, waitingFor: 'shop_workers: 1 task(s) not running yet' });
      expect(convergence(replicated(), [task('new', 'running'), task('new', 'starting')], 'new', [node('w1'), node('w2')])).toEqual({ done: false, waitingFor: 'shop_workers: 1 task(s) not running yet' });
      expect(convergence(replicated(), [task('new', 'running')], 'new', [])).toEqual({ done: false, waitingFor: 'shop_workers: 1 of 2 tasks running' });
    });
  });

  it('restarts an update that ended with tasks left on the old secret, once they stay there for a few polls', async () => {
    const ended = { ...service('shop_ended', []), UpdateStatus: { State: 'completed' } };
    const reasons: string[] = [];
    const docker = engineWith({ ended: { service: ended, tasks: [task('old', 'running'), task('new', 'running')] } });
    const left = await waitForConvergence(docker, ['ended'], 'new', 30, { pollMs: 1, restart: async (_, reason) => void reasons.push(reason) });
    expect(reasons[0]).toBe('shop_ended: 1 task(s) still on the old secret, and no update runs to move them');
    expect(left).toEqual([{ service: 'shop_ended', waitingFor: 'shop_ended: 1 task(s) still on the old secret' }]);
  });
});

describe('unusedStackObjects', () => {
  const withRefs = (name: string, configs: { ConfigID: string; ConfigName: string }[], secrets: { SecretID: string; SecretName: string }[] = []): SwarmService => ({
    ID: `svc-${name}`,
    Spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x', Configs: configs, Secrets: secrets } } },
  });
  it('keeps the configs and secrets a service names, by id or by name, and gives up the others', () => {
    const objects = [
      { kind: 'config' as const, id: 'c1', name: 'shop_site_111111111111' },
      { kind: 'config' as const, id: 'c2', name: 'shop_site_222222222222' },
      { kind: 'config' as const, id: 'c3', name: 'shop_app_333333333333' },
      { kind: 'secret' as const, id: 's1', name: 'shop_database_url_444444444444' },
      { kind: 'secret' as const, id: 's2', name: 'shop_database_url_555555555555' },
    ];
    const services = [
      withRefs('shop_web', [{ ConfigID: 'c2', ConfigName: 'shop_site_222222222222' }], [{ SecretID: 's2', SecretName: 'shop_database_url_555555555555' }]),
      withRefs('other', [{ ConfigID: 'x', ConfigName: 'shop_app_333333333333' }]),
    ];
    expect(unusedStackObjects(objects, services).map((object) => object.id)).toEqual(['c1', 's1']);
    expect(unusedStackObjects(objects, [])).toEqual(objects);
  });
});
