import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/finding.js';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { docker, randomSecret, sha256, uniqueName, waitFor, writeProject } from './support.js';

/**
 * The external plane against a one-node Swarm: secrets pushed from their sources, the stack
 * deployed, audited, tampered with, and a secret rotated while the service runs.
 * The tests run in order and build on each other.
 */

const available = dockerTools('e2e: external plane, audit and rotation on Swarm', ['engine', 'stack']);

const stack = uniqueName('pe2es');
const service = `${stack}_app`;
const dbPassword = randomSecret();
const apiKeys = [randomSecret(), randomSecret()];
const injected = randomSecret();
let root = '';

const MANIFEST = `# the e2e stack
name: ${stack}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: { dev: debug, prod: info }
secrets:
  db_password: { generate: { length: 32 } }
  api_key:
    description: read from the environment of planes secrets push
    source: { env: PLANES_E2E_API_KEY }
services:
  app:
    image: planes-test/busybox:1
    # Prints the hashes of its secrets, never the values, so the test can see which it read.
    command: ["/bin/busybox", "sh", "-c", "/bin/busybox sha256sum /run/secrets/api_key /run/secrets/db_password; trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    config: [LOG_LEVEL]
    secrets:
      db_password: { env: DB_PASSWORD_FILE, mode: "0400" }
      api_key: {}
    stop_grace_period: 1s
`;

function withKey(index: number): NodeJS.ProcessEnv {
  return { PLANES_E2E_API_KEY: apiKeys[index] };
}

function secretNames(): string[] {
  return docker(['secret', 'ls', '--filter', `label=planes.stack=${stack}`, '--format', '{{.Name}}']).stdout.split('\n').filter(Boolean).sort();
}

function serviceLogs(): string {
  return docker(['service', 'logs', '--raw', service]).stdout;
}

function taskContainerEnvs(): string[] {
  const ids = docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`]).stdout.split('\n').filter(Boolean);
  return ids.flatMap((id) => JSON.parse(docker(['inspect', '--format', '{{json .Config.Env}}', id]).stdout) as string[]);
}

function audit(): { status: number | null; report: Report; output: string } {
  const result = planes(['audit', '--stack', stack, '--format', 'json'], root);
  return { status: result.status, report: JSON.parse(result.stdout) as Report, output: result.stdout + result.stderr };
}

describe.skipIf(!available)('e2e: external plane, audit and rotation on Swarm', () => {
  beforeAll(() => {
    root = writeProject({ 'compose/stack.yaml': MANIFEST, 'secrets/db_password.txt': dbPassword });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
  });

  afterAll(async () => {
    if (!root) return;
    docker(['stack', 'rm', stack]);
    await waitFor('the stack services to go', 30_000, () => (docker(['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`]).stdout.trim() === '' ? true : undefined)).catch(() => {});
    const left = secretNames();
    if (left.length > 0) docker(['secret', 'rm', ...left]);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('verify lists the missing external secrets before push', () => {
    const result = planes(['secrets', 'verify', '--env', 'prod'], root);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`missing ${stack}_db_password`);
    expect(result.stdout).toContain(`missing ${stack}_api_key`);
  });

  it('push creates the secrets from their sources, labelled with their hash, and skips them the second time', () => {
    const first = planes(['secrets', 'push', '--env', 'prod'], root, withKey(0));
    expect(first.status, first.stderr).toBe(0);
    expect(secretNames()).toEqual([`${stack}_api_key`, `${stack}_db_password`]);
    const labels = JSON.parse(docker(['secret', 'inspect', '--format', '{{json .Spec.Labels}}', `${stack}_api_key`]).stdout) as Record<string, string>;
    expect(labels).toEqual({ 'planes.stack': stack, 'planes.secret': 'api_key', 'planes.sha256': sha256(apiKeys[0]!) });

    const again = planes(['secrets', 'push', '--env', 'prod'], root, withKey(0));
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`unchanged ${stack}_api_key`);
  });

  it('push reports a conflict when the source now gives another value', () => {
    const result = planes(['secrets', 'push', '--env', 'prod'], root, withKey(1));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`conflict +${stack}_api_key: .*planes secrets rotate api_key`));
    expect(`${result.stdout}${result.stderr}`.includes(apiKeys[1]!)).toBe(false);
  });

  it('verify passes after push', () => {
    const result = planes(['secrets', 'verify', '--env', 'prod'], root);
    expect(result.status, result.stdout).toBe(0);
  });

  it('external plane: the deployed task reads its secrets from /run/secrets, and no spec or environment holds them', async () => {
    const deployed = planes(['deploy', '--env', 'prod', '--resolve-image', 'never'], root);
    expect(deployed.status, deployed.stderr).toBe(0);
    const logs = await waitFor('the task to log the hash of its secrets', 60_000, () => {
      const text = serviceLogs();
      return text.includes('/run/secrets/api_key') ? text : undefined;
    });
    expect(logs).toContain(`${sha256(apiKeys[0]!)}  /run/secrets/api_key`);
    expect(logs).toContain(`${sha256(dbPassword)}  /run/secrets/db_password`);

    const spec = docker(['service', 'inspect', service]).stdout;
    const env = taskContainerEnvs();
    expect(env.includes('LOG_LEVEL=info'), 'LOG_LEVEL=info').toBe(true);
    expect(env.includes('DB_PASSWORD_FILE=/run/secrets/db_password'), 'DB_PASSWORD_FILE=/run/secrets/db_password').toBe(true);
    for (const value of [apiKeys[0]!, dbPassword]) {
      expect(spec.includes(value)).toBe(false);
      expect(env.some((entry) => entry.includes(value))).toBe(false);
    }
  }, 90_000);

  it('audit: the stack is clean', () => {
    const { status, report } = audit();
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  it('audit: catches a secret injected with docker service update --env-add, without printing it', async () => {
    const update = docker(['service', 'update', '--detach', '--env-add', `API_TOKEN=${injected}`, service]);
    expect(update.status, update.stderr).toBe(0);
    const serviceFinding = audit().report.findings.find((f) => f.file === `service:${service}`);
    expect(serviceFinding).toMatchObject({ rule: 'secret-in-environment', severity: 'error', key: 'API_TOKEN', service, line: 1, column: 1, path: null });

    const { status, report, output } = await waitFor('the new task container to run with API_TOKEN', 60_000, () => {
      const result = audit();
      return result.report.findings.some((f) => f.file.startsWith('container:')) ? result : undefined;
    });
    expect(status).toBe(1);
    expect(report.findings.every((f) => f.key === 'API_TOKEN')).toBe(true);
    expect(output.includes(injected)).toBe(false);

    const text = planes(['audit', '--stack', stack], root);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('API_TOKEN');
    expect(`${text.stdout}${text.stderr}`.includes(injected)).toBe(false);
  }, 90_000);

  it('rotate creates _v2, the service converges to it keeping the target, and the old secret is gone', async () => {
    const result = planes(['secrets', 'rotate', 'api_key', '--env', 'prod', '--timeout', '45'], root, withKey(1));
    expect(result.status, result.stderr).toBe(0);
    expect(secretNames()).toEqual([`${stack}_api_key_v2`, `${stack}_db_password`]);

    const manifest = readFileSync(join(root, 'compose/stack.yaml'), 'utf8');
    expect(manifest).toBe(MANIFEST.replace('    source: { env: PLANES_E2E_API_KEY }\n', '    source: { env: PLANES_E2E_API_KEY }\n    version: 2\n'));
    expect(readFileSync(join(root, 'docker-compose.prod.yml'), 'utf8')).toContain(`name: ${stack}_api_key_v2`);
    expect(planes(['generate', '--check'], root).status).toBe(0);

    const refs = JSON.parse(docker(['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}', service]).stdout) as { SecretName: string; File: { Name: string } }[];
    expect(refs.find((ref) => ref.File.Name === 'api_key')?.SecretName).toBe(`${stack}_api_key_v2`);
    await waitFor('the new task to log the hash of the new value', 30_000, () => (serviceLogs().includes(`${sha256(apiKeys[1]!)}  /run/secrets/api_key`) ? true : undefined));

    const verify = planes(['secrets', 'verify', '--env', 'prod'], root);
    expect(verify.status).toBe(0);
  }, 90_000);
});
