import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { docker, removeStack, randomSecret, sha256, uniqueName, waitFor, writeProject } from './support.js';

/**
 * Templated secrets on the real engine: `planes setup` renders the dev file, the Swarm engine
 * renders the stack file's Go template on the node, and both give the same bytes; rotating a
 * part renders the whole anew. Values are compared by hash only. The tests run in order.
 */

const available = dockerTools('e2e: templated secrets on Swarm and in dev', ['engine', 'stack']);

const stack = uniqueName('pe2et');
const service = `${stack}_api`;
// Characters a URL reserves, so that the encoding is part of what must match.
const passwords = [`${randomSecret()}/:@+%`, `${randomSecret()}#?&=`];
let root = '';

const MANIFEST = `# a service that reads a DATABASE_URL built from a password and config
name: ${stack}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  POSTGRES_USER: app
  POSTGRES_DB: shop
secrets:
  postgres_password:
    source: { env: PLANES_E2E_PG }
  database_url:
    template: "postgresql://{{ config.POSTGRES_USER }}:{{ secret.postgres_password | urlencode }}@db:5432/{{ config.POSTGRES_DB }}"
services:
  api:
    image: planes-test/busybox:1
    # Prints the hash of the rendered secret, never the value.
    command: ["/bin/busybox", "sh", "-c", "/bin/busybox sha256sum /run/secrets/database_url; trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    secrets:
      database_url: { env: DATABASE_URL_FILE }
    stop_grace_period: 1s
`;

function devRendering(): string {
  return readFileSync(join(root, 'secrets/database_url.txt'), 'utf8');
}

function setDevPassword(index: number): void {
  writeFileSync(join(root, 'secrets/postgres_password.txt'), passwords[index]!, { mode: 0o600 });
  const setup = planes(['setup'], root);
  expect(setup.status, setup.stderr).toBe(0);
}

function logsShow(hash: string): true | undefined {
  return docker(['service', 'logs', '--raw', service]).stdout.includes(`${hash}  /run/secrets/database_url`) ? true : undefined;
}

function stackSecrets(): string[] {
  return docker(['secret', 'ls', '--format', '{{.Name}}', '--filter', `name=${stack}_`]).stdout.split('\n').filter(Boolean).sort();
}

describe.skipIf(!available)('e2e: templated secrets', () => {
  beforeAll(() => {
    root = writeProject({ 'compose/stack.yaml': MANIFEST });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
    setDevPassword(0);
  });

  afterAll(async () => {
    if (!root) return;
    await removeStack(stack);
    rmSync(root, { recursive: true, force: true });
  }, 90_000);

  it('dev: setup renders a valid URL with the password encoded, 0600', () => {
    const url = new URL(devRendering());
    expect(decodeURIComponent(url.password) === passwords[0]).toBe(true);
    expect(url.username).toBe('app');
    expect(url.pathname).toBe('/shop');
    const check = planes(['check'], root);
    expect(check.status, check.stdout).toBe(0);
  });

  it('Swarm: the task reads from /run/secrets the bytes planes setup rendered, and no spec or environment holds them', async () => {
    const pushed = planes(['secrets', 'push', '--env', 'prod'], root, { PLANES_E2E_PG: passwords[0] });
    expect(pushed.status, pushed.stderr).toBe(0);
    const deployed = planes(['deploy', '--env', 'prod', '--resolve-image', 'never'], root);
    expect(deployed.status, deployed.stderr).toBe(0);
    await waitFor('the task to log the hash of the dev rendering', 60_000, () => logsShow(sha256(devRendering())));

    const spec = docker(['service', 'inspect', service]).stdout;
    const containers = docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]).stdout.split('\n').filter(Boolean);
    const inspected = containers.map((id) => docker(['inspect', id]).stdout).join('\n');
    const secretInspect = docker(['secret', 'inspect', stackSecrets().find((name) => name.startsWith(`${stack}_database_url_`))!]).stdout;
    for (const text of [spec, inspected, secretInspect]) {
      expect(text.includes(devRendering())).toBe(false);
      expect(text.includes(passwords[0]!)).toBe(false);
      expect(text.includes(encodeURIComponent(passwords[0]!))).toBe(false);
    }
  }, 120_000);

  it('rotating a part renders the whole anew: the service converges to the new rendering, byte-equal to dev', async () => {
    const refused = planes(['secrets', 'rotate', 'database_url', '--env', 'prod'], root);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('rotate postgres_password');

    const rotated = planes(['secrets', 'rotate', 'postgres_password', '--env', 'prod', '--timeout', '60'], root, { PLANES_E2E_PG: passwords[1] });
    expect(rotated.status, rotated.stderr).toBe(0);
    setDevPassword(1);
    await waitFor('the new task to log the hash of the new rendering', 60_000, () => logsShow(sha256(devRendering())));
    expect(stackSecrets().filter((name) => name.startsWith(`${stack}_postgres_password`))).toEqual([`${stack}_postgres_password_v2`]);
  }, 120_000);
});
