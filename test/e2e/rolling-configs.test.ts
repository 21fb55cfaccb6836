import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planes } from '../support/cli.js';
import { dockerTools } from '../support/engine.js';
import { devCompose, docker, removeProject, uniqueName, waitFor, writeProject } from './support.js';

/**
 * Configs that roll: a changed config file reaches running services, on Swarm (a new config
 * named after its content, the old one removed by deploy) and on Compose (the container is
 * recreated). The tests run in order and build on each other.
 */

const available = dockerTools('e2e: configs that roll on Swarm and Compose', ['engine', 'compose', 'stack']);

const stack = uniqueName('pe2ec');
const service = `${stack}_app`;
let root = '';

const MANIFEST = `# a stack whose service reads a config file
name: ${stack}
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
services:
  app:
    image: planes-test/busybox:1
    command: ["/bin/busybox", "sh", "-c", "echo \\"read: $$(/bin/busybox cat /etc/app.conf)\\"; trap 'exit 0' TERM; while /bin/busybox sleep 1; do :; done"]
    configs: [{ source: app_conf, target: /etc/app.conf }]
    stop_grace_period: 1s
configs:
  app_conf: { file: ./conf/app.conf }
`;

function stackConfigs(): string[] {
  return docker(['config', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Name}}']).stdout.split('\n').filter(Boolean).sort();
}

function configNameInStackFile(): string {
  const match = /app_conf:\n\s+file: \.\/conf\/app\.conf\n\s+name: (\S+)/.exec(readFileSync(join(root, 'docker-compose.prod.yml'), 'utf8'));
  if (!match) throw new Error('docker-compose.prod.yml names no app_conf config');
  return match[1]!;
}

function compose(args: string[]): ReturnType<typeof docker> {
  return devCompose(stack, root, args);
}

function editConfig(content: string): void {
  writeFileSync(join(root, 'conf/app.conf'), content);
  expect(planes(['generate', '--check'], root).status, 'generate --check sees the changed config').toBe(1);
  const generated = planes(['generate'], root);
  expect(generated.status, generated.stderr).toBe(0);
}

describe.skipIf(!available)('e2e: configs that roll', () => {
  beforeAll(() => {
    root = writeProject({ 'compose/stack.yaml': MANIFEST, 'conf/app.conf': 'version one' });
    const generated = planes(['generate'], root);
    expect(generated.status, generated.stderr).toBe(0);
  });

  afterAll(() => removeProject(stack, root), 90_000);

  it('Swarm: a changed config file deploys as a new config, the service converges to it, and the old config is gone', async () => {
    const first = planes(['deploy', '--env', 'prod', '--resolve-image', 'never'], root);
    expect(first.status, first.stderr).toBe(0);
    const firstName = configNameInStackFile();
    expect(stackConfigs()).toEqual([firstName]);
    await waitFor('the task to read version one', 60_000, () => (docker(['service', 'logs', '--raw', service]).stdout.includes('read: version one') ? true : undefined));

    editConfig('version two');
    const secondName = configNameInStackFile();
    expect(secondName).not.toBe(firstName);
    const second = planes(['deploy', '--env', 'prod', '--resolve-image', 'never'], root);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`removed config ${firstName}`);
    expect(stackConfigs()).toEqual([secondName]);
    const refs = JSON.parse(docker(['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Configs}}', service]).stdout) as { ConfigName: string }[];
    expect(refs.map((ref) => ref.ConfigName)).toEqual([secondName]);
    await waitFor('the new task to read version two', 60_000, () => (docker(['service', 'logs', '--raw', service]).stdout.includes('read: version two') ? true : undefined));
  }, 180_000);

  it('Compose: a changed config file recreates the container, which reads the new content', () => {
    const first = compose(['up', '-d', '--wait']);
    expect(first.status, first.stderr).toBe(0);
    const before = compose(['ps', '-q', 'app']).stdout.trim();
    expect(compose(['exec', '-T', 'app', '/bin/busybox', 'cat', '/etc/app.conf']).stdout).toBe('version two');

    editConfig('version three');
    const up = compose(['up', '-d', '--wait']);
    expect(up.status, up.stderr).toBe(0);
    const after = compose(['ps', '-q', 'app']).stdout.trim();
    expect(after).not.toBe(before);
    expect(compose(['exec', '-T', 'app', '/bin/busybox', 'cat', '/etc/app.conf']).stdout).toBe('version three');
  }, 120_000);
});
