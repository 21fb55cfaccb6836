import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/finding.js';
import { planes, planesRunning, type CliResult } from '../../support/cli.js';
import { randomSecret, sha256, uniqueName, waitFor, writeProject } from '../support.js';
import { clusterDown, clusterPossible, clusterReady, clusterUp, containersOn, type Node, NODES, on, placement, removeClusterStack, socket, startNode, stopNode, WORKERS } from './cluster.js';

/**
 * The prod plane on a Swarm of three managers and two workers (scripts/swarm-cluster.sh), as
 * users run planes: DOCKER_HOST names a manager. Every task, on every node, is looked at
 * through that node's own engine. Faults: a DOCKER_HOST naming a worker, managers stopped
 * (quorum kept, then lost), a worker and then the manager planes talks to stopped in the
 * middle of a rotation.
 * The tests run in order and build on each other; values are compared by hash only.
 */

const SUITE = 'e2e: multi-node Swarm (3 managers, 2 workers)';
const available = clusterPossible(SUITE);

const stack = uniqueName('pe2em');
const onWorkers = `${stack}_workers`;
const everywhere = `${stack}_everywhere`;
const apiKeys = [randomSecret(), randomSecret(), randomSecret()];
// Characters a URL reserves, so that the templated secret's encoding is part of what must match.
const dbPasswords = [`${randomSecret()}/:@+%`, `${randomSecret()}#?&=`];
const extraToken = randomSecret();
const injected = randomSecret();
let root = '';
let madeCluster = false;

const MANIFEST = `# a stack spread over a multi-node Swarm
name: ${stack}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: { dev: debug, prod: info }
secrets:
  api_key:
    source: { env: PLANES_E2E_API_KEY }
  db_password:
    source: { env: PLANES_E2E_DB }
  database_url:
    template: "postgresql://app:{{ secret.db_password | urlencode }}@db:5432/shop"
services:
  workers:
    image: planes-test/busybox:1
    command: ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    config: [LOG_LEVEL]
    secrets:
      api_key: { env: API_KEY_FILE }
      db_password: {}
      database_url: { env: DATABASE_URL_FILE }
    configs: [{ source: app_conf, target: /etc/app.conf }]
    stop_grace_period: 1s
    overrides:
      prod:
        deploy: { replicas: 2, placement: { constraints: [node.role == worker], max_replicas_per_node: 1 } }
  everywhere:
    image: planes-test/busybox:1
    command: ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    secrets:
      api_key: {}
    stop_grace_period: 1s
    overrides:
      prod:
        deploy: { mode: global }
configs:
  app_conf: { file: ./conf/app.conf }
`;

const sources = (apiKey = 0, db = 0): NodeJS.ProcessEnv => ({ PLANES_E2E_API_KEY: apiKeys[apiKey], PLANES_E2E_DB: dbPasswords[db], PLANES_E2E_EXTRA: extraToken });

function planesAt(node: Node, args: string[], env: NodeJS.ProcessEnv = sources()): CliResult {
  return planes(args, root, { ...env, DOCKER_HOST: socket(node) });
}

/**
 * `secrets rotate api_key` run again as its own advice says, until it finishes: a node back
 * from a stop may take longer than one run waits (50 s, within the 60 s planes() allows) to
 * start its tasks again. Every run but the last must have said to run it again.
 */
function rerunUntilFinished(node: Node, env: NodeJS.ProcessEnv): CliResult {
  let result = planesAt(node, ['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '50'], env);
  for (let attempt = 1; attempt < 4 && result.status === 1; attempt++) {
    expect(result.stderr).toContain('run planes secrets rotate api_key --env prod again to finish');
    result = planesAt(node, ['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '50'], env);
  }
  return result;
}

function deploy(node: Node = 'm1'): CliResult {
  return planesAt(node, ['deploy', '--env', 'prod', '--resolve-image', 'never']);
}

function stackSecrets(): string[] {
  return on('m1', ['secret', 'ls', '--format', '{{.Name}}', '--filter', `name=${stack}_`]).stdout.split('\n').filter(Boolean).sort();
}

function exec(node: Node, container: string, args: string[]): string {
  const result = on(node, ['exec', container, '/bin/busybox', ...args]);
  if (result.status !== 0) throw new Error(`exec on ${node} failed: ${result.stderr}`);
  return result.stdout;
}

/** The hashes of the files a container reads, as `sha256sum` prints them: hash, two spaces, path. */
function hashesIn(node: Node, container: string, paths: string[]): string {
  return exec(node, container, ['sha256sum', ...paths]);
}

/** The running containers of the service on each node, once there are as many as expected where expected. */
async function runningOn(service: string, expected: Partial<Record<Node, number>>, what: string): Promise<Record<Node, string[]>> {
  return waitFor(`${service}: ${what}`, 90_000, () => {
    const where = placement(service);
    return NODES.every((node) => where[node].length === (expected[node] ?? 0)) ? where : undefined;
  });
}

const ONE_PER_WORKER = { w1: 1, w2: 1 };
const ONE_PER_NODE = { m1: 1, m2: 1, m3: 1, w1: 1, w2: 1 };
const AFTER_A_RESTART = 240_000;

/** Containers whose every file holds the expected hash: the placement once every task has rolled. */
async function rolledOn(service: string, expected: Partial<Record<Node, number>>, path: string, hash: string, within = 90_000): Promise<Record<Node, string[]>> {
  try {
    return await waitFor(`${service}: every task to read the new ${path}`, within, () => {
      const where = placement(service);
      if (!NODES.every((node) => where[node].length === (expected[node] ?? 0))) return undefined;
      const rolled = NODES.every((node) => where[node].every((id) => on(node, ['exec', id, '/bin/busybox', 'sha256sum', path]).stdout.startsWith(`${hash}  `)));
      return rolled ? where : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${swarmView(service)}`);
  }
}

/** What the Swarm and each node say about a service's tasks: the explanation a timed-out wait needs. */
function swarmView(service: string): string {
  const taskIds = on('m1', ['service', 'ps', '-q', '--no-trunc', service]).stdout.split('\n').filter(Boolean);
  const tasks = on('m1', ['inspect', '--format', '{{.ID}} node={{.NodeID}} {{.DesiredState}}/{{.Status.State}} {{.Status.Err}} {{range .Spec.ContainerSpec.Secrets}}{{.SecretName}} {{end}}', ...taskIds]);
  const nodeIds = on('m1', ['node', 'ls', '-q']).stdout.split('\n').filter(Boolean);
  const nodes = on('m1', ['node', 'inspect', '--format', '{{.ID}} {{index .Description.Engine.Labels "planes.node"}} {{.Status.State}} {{.Spec.Availability}}', ...nodeIds]);
  const containers = NODES.map((node) => `${node}: ${on(node, ['ps', '-a', '--filter', `label=com.docker.swarm.service.name=${service}`, '--format', '{{.ID}} {{.Status}} {{.Label "com.docker.swarm.task.id"}}']).stdout.trim().replace(/\n/g, '; ')}`);
  const spec = on('m1', ['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}} {{json .UpdateStatus}}', service]);
  return [`tasks:\n${tasks.stdout}${tasks.stderr}`, `nodes:\n${nodes.stdout}`, `containers:\n${containers.join('\n')}`, `service: ${spec.stdout}`].join('\n');
}

function audit(): { status: number | null; report: Report; output: string } {
  const result = planesAt('m1', ['audit', '--stack', stack, '--format', 'json']);
  return { status: result.status, report: JSON.parse(result.stdout || '{"findings":[]}') as Report, output: result.stdout + result.stderr };
}

function editFile(path: string, edit: (text: string) => string): void {
  writeFileSync(join(root, path), edit(readFileSync(join(root, path), 'utf8')));
  const generated = planes(['generate'], root);
  expect(generated.status, generated.stderr).toBe(0);
}

function devRendering(): string {
  return readFileSync(join(root, 'secrets/database_url.txt'), 'utf8');
}

/** Waits until the manager that is left has no leader: the quorum is lost. */
async function quorumLost(): Promise<void> {
  await waitFor('the last manager to lose its leader', 60_000, () => (on('m1', ['secret', 'ls']).stderr.includes('does not have a leader') ? true : undefined));
}

describe.skipIf(!available)(SUITE, () => {
  beforeAll(() => {
    madeCluster = clusterUp();
    root = writeProject({
      'compose/stack.yaml': MANIFEST,
      'conf/app.conf': 'version one',
      'secrets/db_password.txt': dbPasswords[0]!,
      'secrets/api_key.txt': apiKeys[0]!,
    });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
    const setup = planes(['setup'], root);
    expect(setup.status, setup.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    if (root) rmSync(root, { recursive: true, force: true });
    if (madeCluster) {
      clusterDown();
      return;
    }
    // A cluster that was already up stays, without this suite's stack.
    for (const node of NODES) if (on(node, ['version']).status !== 0) startNode(node);
    await clusterReady();
    await removeClusterStack(stack);
  }, 180_000);

  it('a DOCKER_HOST naming a worker: secrets and stacks need a manager, exit 2, nothing changed', () => {
    for (const args of [
      ['secrets', 'push', '--env', 'prod'],
      ['secrets', 'verify', '--env', 'prod'],
      ['deploy', '--env', 'prod', '--resolve-image', 'never'],
      ['secrets', 'rotate', 'api_key', '--env', 'prod'],
      ['audit', '--stack', stack],
    ]) {
      const result = planesAt('w1', args);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^planes: the Docker engine at DOCKER_HOST=${socket('w1')} is a Swarm worker, not a manager: .*Point DOCKER_HOST at a manager node\\.\\n$`));
      expect(result.status, args.join(' ')).toBe(2);
    }
    expect(stackSecrets()).toEqual([]);
    expect(readFileSync(join(root, 'compose/stack.yaml'), 'utf8')).toBe(MANIFEST);
  });

  it('deploy spreads the stack over the nodes; every task on every node reads its secrets from /run/secrets', async () => {
    const pushed = planesAt('m1', ['secrets', 'push', '--env', 'prod']);
    expect(pushed.status, pushed.stderr).toBe(0);
    const deployed = deploy();
    expect(deployed.status, deployed.stderr).toBe(0);

    const workers = await runningOn(onWorkers, ONE_PER_WORKER, 'one task on each worker, none on a manager');
    for (const node of WORKERS) {
      expect(hashesIn(node, workers[node][0]!, ['/run/secrets/api_key', '/run/secrets/db_password', '/run/secrets/database_url'])).toBe(
        [`${sha256(apiKeys[0]!)}  /run/secrets/api_key`, `${sha256(dbPasswords[0]!)}  /run/secrets/db_password`, `${sha256(devRendering())}  /run/secrets/database_url`, ''].join('\n'),
      );
    }
    const global = await runningOn(everywhere, ONE_PER_NODE, 'one task on every node');
    for (const node of NODES) expect(hashesIn(node, global[node][0]!, ['/run/secrets/api_key'])).toBe(`${sha256(apiKeys[0]!)}  /run/secrets/api_key\n`);
  }, 180_000);

  it('no service spec, task spec or container on any node holds a value', () => {
    const values = [apiKeys[0]!, dbPasswords[0]!, encodeURIComponent(dbPasswords[0]!), devRendering()];
    const specs = on('m1', ['service', 'inspect', onWorkers, everywhere]);
    const taskIds = on('m1', ['stack', 'ps', '-q', stack]).stdout.split('\n').filter(Boolean);
    const tasks = on('m1', ['inspect', ...taskIds]);
    expect(specs.status).toBe(0);
    expect(tasks.status).toBe(0);
    const containers = NODES.flatMap((node) => [onWorkers, everywhere].flatMap((service) => containersOn(node, service).map((id) => ({ node, id }))));
    expect(containers).toHaveLength(7);
    const env = containers.flatMap(({ node, id }) => JSON.parse(on(node, ['inspect', '--format', '{{json .Config.Env}}', id]).stdout) as string[]);
    const inspected = containers.map(({ node, id }) => on(node, ['inspect', id]).stdout).join('\n');
    expect(env).toContain('LOG_LEVEL=info');
    expect(env).toContain('API_KEY_FILE=/run/secrets/api_key');
    for (const value of values) {
      for (const text of [specs.stdout, tasks.stdout, inspected]) expect(text.includes(value)).toBe(false);
    }
  });

  it('audit from a manager reports a secret injected into a service whose tasks run only on the workers, without printing it', async () => {
    const clean = audit();
    expect(clean.report.findings).toEqual([]);
    expect(clean.status).toBe(0);

    const update = on('m1', ['service', 'update', '--detach', '--env-add', `API_TOKEN=${injected}`, onWorkers]);
    expect(update.status, update.stderr).toBe(0);
    const injectedOn = await waitFor('the tasks on both workers to run with API_TOKEN', 90_000, () => {
      const where = placement(onWorkers);
      const tasks = WORKERS.flatMap((node) => where[node].map((id) => on(node, ['inspect', '--format', '{{index .Config.Labels "com.docker.swarm.task.id"}} {{json .Config.Env}}', id]).stdout));
      return tasks.length === 2 && tasks.every((line) => line.includes('"API_TOKEN=')) ? tasks.map((line) => line.split(' ')[0]!) : undefined;
    });
    expect(containersOn('m1', onWorkers)).toEqual([]);

    const { status, report, output } = audit();
    expect(status).toBe(1);
    expect(report.findings.every((f) => f.key === 'API_TOKEN' && f.severity === 'error' && f.service === onWorkers)).toBe(true);
    // The service spec, and the task spec of each task on a worker (named <service>.<slot>.<task id>); the manager runs no container of it.
    const files = report.findings.map((f) => f.file);
    expect(files.filter((file) => file === `service:${onWorkers}`)).toHaveLength(1);
    const taskFiles = files.filter((file) => file.startsWith(`task:${onWorkers}.`));
    expect(taskFiles.map((file) => file.split('.').pop()).sort()).toEqual([...injectedOn].sort());
    expect(files).toHaveLength(3);
    expect(output.includes(injected)).toBe(false);

    const text = planesAt('m1', ['audit', '--stack', stack]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('API_TOKEN');
    expect(`${text.stdout}${text.stderr}`.includes(injected)).toBe(false);

    const removed = on('m1', ['service', 'update', '--detach', '--env-rm', 'API_TOKEN', onWorkers]);
    expect(removed.status, removed.stderr).toBe(0);
    await waitFor('the audit to be clean again once the tasks rolled back', 90_000, () => (audit().status === 0 ? true : undefined));
  }, 240_000);

  it('with one of three managers stopped, the Raft quorum holds: secrets push creates a secret and deploy rolls it out to the workers', async () => {
    stopNode('m3');
    writeFileSync(join(root, 'secrets/extra_token.txt'), extraToken, { mode: 0o600 });
    editFile('compose/stack.yaml', (text) =>
      text
        .replace('  database_url:\n', '  extra_token:\n    source: { env: PLANES_E2E_EXTRA }\n  database_url:\n')
        .replace('      database_url: { env: DATABASE_URL_FILE }\n', '      database_url: { env: DATABASE_URL_FILE }\n      extra_token: {}\n'),
    );
    const pushed = planesAt('m1', ['secrets', 'push', '--env', 'prod']);
    expect(pushed.stderr).toContain(`created   ${stack}_extra_token`);
    expect(pushed.status, pushed.stderr).toBe(0);
    const deployed = deploy('m2');
    expect(deployed.status, deployed.stderr).toBe(0);
    await rolledOn(onWorkers, ONE_PER_WORKER, '/run/secrets/extra_token', sha256(extraToken));
  }, 180_000);

  it('with two of three managers stopped, secrets push and deploy name the lost quorum and exit 2', async () => {
    stopNode('m2');
    await quorumLost();
    for (const args of [['secrets', 'push', '--env', 'prod'], ['deploy', '--env', 'prod', '--resolve-image', 'never']]) {
      const result = planesAt('m1', args);
      expect(result.stderr, args.join(' ')).toMatch(
        new RegExp(`^planes: the Swarm of the manager at DOCKER_HOST=${socket('m1')} has lost its Raft quorum: it has no leader.*more than half of its 3 managers \\(2\\) must be online\\. Start the stopped managers`),
      );
      expect(result.status, args.join(' ')).toBe(2);
    }
    startNode('m2');
    startNode('m3');
    await clusterReady();
    const pushed = planesAt('m1', ['secrets', 'push', '--env', 'prod']);
    expect(pushed.status, pushed.stderr).toBe(0);
  }, 240_000);

  it('templated secret: rotating a part renders it anew on the workers, byte-equal to the dev rendering', async () => {
    const rotated = planesAt('m1', ['secrets', 'rotate', 'db_password', '--env', 'prod', '--timeout', '90'], sources(0, 1));
    expect(rotated.status, rotated.stderr).toBe(0);
    writeFileSync(join(root, 'secrets/db_password.txt'), dbPasswords[1]!, { mode: 0o600 });
    const setup = planes(['setup'], root);
    expect(setup.status, setup.stderr).toBe(0);
    const where = await rolledOn(onWorkers, ONE_PER_WORKER, '/run/secrets/database_url', sha256(devRendering()));
    for (const node of WORKERS) expect(hashesIn(node, where[node][0]!, ['/run/secrets/db_password'])).toBe(`${sha256(dbPasswords[1]!)}  /run/secrets/db_password\n`);
    expect(stackSecrets().filter((name) => name.startsWith(`${stack}_db_password`))).toEqual([`${stack}_db_password_v2`]);
  }, 180_000);

  it('rolling config: a changed config file reaches the tasks on the workers, and the old config goes', async () => {
    editFile('conf/app.conf', () => 'version two');
    const deployed = deploy();
    expect(deployed.status, deployed.stderr).toBe(0);
    await rolledOn(onWorkers, ONE_PER_WORKER, '/etc/app.conf', sha256('version two'));
    const configs = on('m1', ['config', 'ls', '--format', '{{.Name}}', '--filter', `name=${stack}_app_conf`]).stdout.split('\n').filter(Boolean);
    expect(configs).toHaveLength(1);
  }, 180_000);

  it('rotate with a worker engine stopped mid-rotation: names the services that did not converge, exit 1, keeps the old secret; a rerun once the worker is back finishes it', async () => {
    const running = planesRunning(['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '20'], root, { ...sources(1), DOCKER_HOST: socket('m1') });
    await running.stderrShows('planes: updating service');
    stopNode('w1');
    const result = await running.done;
    expect(result.stderr).toMatch(new RegExp(`^  not converged: ${onWorkers}: `, 'm'));
    expect(result.stderr).toContain(`planes: kept ${stack}_api_key: `);
    expect(result.stderr).toContain('run planes secrets rotate api_key --env prod again to finish');
    expect(result.status, result.stderr).toBe(1);
    expect(stackSecrets().filter((name) => name.startsWith(`${stack}_api_key`))).toEqual([`${stack}_api_key`, `${stack}_api_key_v2`]);
    expect(`${result.stdout}${result.stderr}`.includes(apiKeys[1]!)).toBe(false);

    // No task is left without its secret: every container on the nodes that are up reads the old value or the new one.
    const known = new Set(apiKeys.map((key) => `${sha256(key)}  /run/secrets/api_key\n`));
    try {
      for (const node of NODES.filter((n) => n !== 'w1')) {
        for (const id of [onWorkers, everywhere].flatMap((service) => containersOn(node, service))) {
          const read = on(node, ['exec', id, '/bin/busybox', 'sha256sum', '/run/secrets/api_key']);
          // A task Swarm is replacing right now may stop between the listing and the exec: only a running one must read.
          if (read.status !== 0 && on(node, ['inspect', '--format', '{{.State.Running}}', id]).stdout.trim() !== 'true') continue;
          expect(known.has(read.stdout), `${node} ${id}: ${read.stderr}`).toBe(true);
        }
      }
    } finally {
      // Whatever the checks above say, the worker comes back, so that the tests after this one find the whole cluster.
      startNode('w1');
    }
    await clusterReady();
    // Within the 60 s the test's planes() waits for a command.
    const rerun = rerunUntilFinished('m1', sources(1));
    expect(rerun.stderr).toContain(`planes: api_key: finished the rotation to ${stack}_api_key_v2 (version 2)`);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(stackSecrets().filter((name) => name.startsWith(`${stack}_api_key`))).toEqual([`${stack}_api_key_v2`]);
    // A node back from a stop reconciles its tasks with the Swarm first: its task may take longer to move.
    await rolledOn(onWorkers, ONE_PER_WORKER, '/run/secrets/api_key', sha256(apiKeys[1]!), AFTER_A_RESTART);
    await rolledOn(everywhere, ONE_PER_NODE, '/run/secrets/api_key', sha256(apiKeys[1]!), AFTER_A_RESTART);
  }, 480_000);

  it('the manager planes talks to disappears mid-rotation: a clear message naming it, exit 2, no value; once it is back, a rerun through another manager finishes the rotation', async () => {
    const running = planesRunning(['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '60'], root, { ...sources(2), DOCKER_HOST: socket('m1') });
    await running.stderrShows('planes: updating service');
    stopNode('m1');
    const result = await running.done;
    // Depending on when the engine goes, the connection fails or the engine, stopping, says it no longer manages the Swarm.
    const lastLine = result.stderr.trimEnd().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(new RegExp(`^planes: (?:.*no Docker engine reachable at DOCKER_HOST=${socket('m1')}|the Docker engine at DOCKER_HOST=${socket('m1')} stopped managing its Swarm during )`));
    expect(lastLine).toContain('run planes secrets rotate api_key --env prod again to finish');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(`${result.stdout}${result.stderr}`.includes(apiKeys[2]!)).toBe(false);
    expect(result.status, result.stderr).toBe(2);

    // The engine comes back (a task of the global service runs on it, so the rotation waits for it), and any manager finishes.
    startNode('m1');
    await clusterReady();
    const rerun = rerunUntilFinished('m2', sources(2));
    expect(rerun.stderr).toContain(`planes: api_key: finished the rotation to ${stack}_api_key_v3 (version 3)`);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(stackSecrets().filter((name) => name.startsWith(`${stack}_api_key`))).toEqual([`${stack}_api_key_v3`]);
    await rolledOn(onWorkers, ONE_PER_WORKER, '/run/secrets/api_key', sha256(apiKeys[2]!), AFTER_A_RESTART);
    await rolledOn(everywhere, ONE_PER_NODE, '/run/secrets/api_key', sha256(apiKeys[2]!), AFTER_A_RESTART);
  }, 480_000);
});
