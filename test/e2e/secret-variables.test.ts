import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { devCompose, docker, removeProject, randomSecret, sha256, uniqueName, waitFor, writeProject } from './support.js';

/**
 * A secret as a variable inside the process only, for an image without `*_FILE` support: the
 * service starts through planes' wrapper, on Compose and on Swarm. The process sees the value;
 * the container's configuration (docker inspect, planes audit) never does. Values are compared
 * by hash only. The tests run in order.
 */

const available = dockerTools('e2e: secrets as variables inside the process', ['engine', 'compose', 'stack']);

const stack = uniqueName('pe2ev');
const service = `${stack}_legacy`;
const apiKey = randomSecret();
let root = '';

// The image's own start is given as the manifest asks: the wrapper replaces the entrypoint.
const MANIFEST = `# an image that reads its key from API_KEY only
name: ${stack}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
secrets:
  api_key:
    source: { env: PLANES_E2E_API_KEY }
services:
  legacy:
    image: planes-test/busybox:1
    image_start:
      entrypoint: []
      command: ["/bin/busybox", "sh", "-c", "printf %s \\"$$API_KEY\\" | /bin/busybox sha256sum; trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    secrets:
      api_key: { variable: API_KEY }
    stop_grace_period: 1s
`;

function compose(args: string[]): ReturnType<typeof docker> {
  return devCompose(stack, root, args);
}

function holdsNoValue(inspected: string): void {
  expect(inspected.length).toBeGreaterThan(0);
  expect(inspected.includes(apiKey)).toBe(false);
}

describe.skipIf(!available)('e2e: secrets as variables inside the process', () => {
  beforeAll(() => {
    root = writeProject({ 'compose/stack.yaml': MANIFEST, 'secrets/api_key.txt': apiKey });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
    const checked = planes(['check'], root);
    expect(checked.status, checked.stdout).toBe(0);
  });

  afterAll(() => removeProject(stack, root), 90_000);

  it('Compose: the process reads the variable; docker inspect and planes audit see no value', async () => {
    const up = compose(['up', '-d']);
    expect(up.status, up.stderr).toBe(0);
    await waitFor('the process to log the hash of its variable', 60_000, () => (compose(['logs', 'legacy']).stdout.includes(sha256(apiKey)) ? true : undefined));
    holdsNoValue(docker(['inspect', compose(['ps', '-q', 'legacy']).stdout.trim()]).stdout);
    const audit = planes(['audit', '--project', `${stack}-dev`, '--format', 'json'], root);
    expect(JSON.parse(audit.stdout).findings, audit.stderr).toEqual([]);
    expect(audit.status).toBe(0);
  }, 120_000);

  it('Swarm: the task reads the variable; no service spec, container or audit holds the value', async () => {
    const deployed = planes(['deploy', '--env', 'prod', '--push', '--resolve-image', 'never'], root, { PLANES_E2E_API_KEY: apiKey });
    expect(deployed.status, deployed.stderr).toBe(0);
    await waitFor('the task to log the hash of its variable', 60_000, () => (docker(['service', 'logs', '--raw', service]).stdout.includes(sha256(apiKey)) ? true : undefined));
    holdsNoValue(docker(['service', 'inspect', service]).stdout);
    const containers = docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]).stdout.split('\n').filter(Boolean);
    holdsNoValue(containers.map((id) => docker(['inspect', id]).stdout).join('\n'));
    const audit = planes(['audit', '--stack', stack, '--format', 'json'], root);
    expect(JSON.parse(audit.stdout).findings, audit.stderr).toEqual([]);
    expect(audit.status).toBe(0);
  }, 120_000);
});
