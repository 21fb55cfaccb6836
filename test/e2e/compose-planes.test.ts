import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/finding.js';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { docker, randomSecret, savedImage, sha256, uniqueName, writeProject } from './support.js';

/**
 * The build, config and secret planes against the real engine with Compose: a stack
 * generated from a manifest, built with a BuildKit secret and started with docker compose.
 */

const available = dockerTools('e2e: build, config and secret planes with docker compose', ['engine', 'compose']);

const project = uniqueName('pe2ec');
const image = `planes-e2e/${project}:1`;
const buildToken = randomSecret();
let dbPassword = '';
const buildEnv = { PLANES_E2E_BUILD_TOKEN: buildToken };
let root = '';

const MANIFEST = `name: ${project}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: debug
  GREETING: { dev: hello-dev, prod: hello-prod }
secrets:
  db_password: { generate: { length: 32 } }
build_secrets:
  build_token: { env: PLANES_E2E_BUILD_TOKEN }
services:
  app:
    image: ${image}
    build: { context: ./compose/app, secrets: [build_token] }
    config: [LOG_LEVEL, GREETING]
    secrets:
      db_password: { env: DB_PASSWORD_FILE, mode: "0400" }
    stop_grace_period: 1s
`;

const DOCKERFILE = `FROM planes-test/busybox:1
RUN ["/bin/busybox", "--install", "-s", "/bin"]
# The build secret is readable during this step only; only its hash stays in the image.
RUN --mount=type=secret,id=build_token sha256sum /run/secrets/build_token | cut -d' ' -f1 > /build_token.sha256
CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; while sleep 1; do :; done"]
`;

function compose(args: string[], env: NodeJS.ProcessEnv = {}) {
  return docker(['compose', '-f', 'docker-compose.yml', ...args], { cwd: root, env });
}

function exec(command: string[]): string {
  const result = compose(['exec', '-T', 'app', ...command]);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function containerEnvs(): string[] {
  const ids = docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]).stdout.split('\n').filter(Boolean);
  expect(ids.length).toBeGreaterThan(0);
  return ids.flatMap((id) => JSON.parse(docker(['inspect', '--format', '{{json .Config.Env}}', id]).stdout) as string[]);
}

describe.skipIf(!available)('e2e: build, config and secret planes with docker compose', () => {
  beforeAll(() => {
    root = writeProject({ 'compose/stack.yaml': MANIFEST, 'compose/app/Dockerfile': DOCKERFILE });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
    const setup = planes(['setup'], root);
    expect(setup.status, setup.stderr).toBe(0);
    dbPassword = readFileSync(join(root, 'secrets', 'db_password.txt'), 'utf8');
    // BuildKit keys its cache without the secrets: a cached step would hold another run's hash.
    const build = compose(['build', '--no-cache'], buildEnv);
    expect(build.status, build.stderr).toBe(0);
    const up = compose(['up', '-d', '--pull', 'never', '--wait']);
    expect(up.status, up.stderr).toBe(0);
  }, 180_000);

  afterAll(() => {
    if (!root) return;
    compose(['down', '-v', '--remove-orphans', '--timeout', '1']);
    docker(['image', 'rm', '-f', image]);
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('build plane: the BuildKit secret was readable during the build', () => {
    expect(exec(['cat', '/build_token.sha256']).trim()).toBe(sha256(buildToken));
  });

  it('build plane: the build secret is nowhere in the image config, history or layers', () => {
    const inspect = docker(['image', 'inspect', image]);
    const history = docker(['history', '--no-trunc', image]);
    expect(inspect.status).toBe(0);
    expect(history.status).toBe(0);
    expect(inspect.stdout.includes(buildToken)).toBe(false);
    expect(history.stdout.includes(buildToken)).toBe(false);
    expect(history.stdout).toContain('/run/secrets/build_token');
    expect(savedImage(image).includes(Buffer.from(buildToken))).toBe(false);
  });

  it('config plane: the container environment holds the config values of dev', () => {
    const env = containerEnvs();
    expect(env.includes('LOG_LEVEL=debug'), 'LOG_LEVEL=debug').toBe(true);
    expect(env.includes('GREETING=hello-dev'), 'GREETING=hello-dev').toBe(true);
    expect(env.includes('DB_PASSWORD_FILE=/run/secrets/db_password'), 'DB_PASSWORD_FILE=/run/secrets/db_password').toBe(true);
  });

  it('secret plane: the value is in /run/secrets/<name>, and in no container environment', () => {
    expect(sha256(exec(['cat', '/run/secrets/db_password']))).toBe(sha256(dbPassword));
    expect(containerEnvs().some((entry) => entry.includes(dbPassword))).toBe(false);
  });

  it('secret plane: the file has the mode asked for (planes setup makes the bind-mounted file 0400)', () => {
    expect(exec(['stat', '-c', '%a', '/run/secrets/db_password']).trim()).toBe('400');
  });

  it('audit: the running project and its image are clean', () => {
    const result = planes(['audit', '--project', project, '--images', '--format', 'json'], root, buildEnv);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.summary.files).toBe(2);
  });
});
