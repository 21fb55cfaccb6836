import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackDeployArgs, stackFileDrift } from '../../src/engine/deploy.js';
import { planes } from '../support/cli.js';
import { projectWith } from '../support/project.js';

describe('deploy', () => {
  it('deploys without resolving images, pruning services the file no longer has', () => {
    expect(stackDeployArgs('docker-compose.prod.yml', 'shop', 'never')).toEqual(['stack', 'deploy', '-c', 'docker-compose.prod.yml', '--resolve-image', 'never', '--prune', 'shop']);
  });

  it('refuses a stack file that is missing or differs from what the manifest generates', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-deploy-'));
    expect(stackFileDrift(root, 'prod.yml', 'a: 1\n')).toMatch(/prod\.yml does not exist; run planes generate/);
    writeFileSync(join(root, 'prod.yml'), 'a: 2\n');
    expect(stackFileDrift(root, 'prod.yml', 'a: 1\n')).toMatch(/out of date/);
    writeFileSync(join(root, 'prod.yml'), 'a: 1\n');
    expect(stackFileDrift(root, 'prod.yml', 'a: 1\n')).toBeUndefined();
  });
});

describe('a stale stack file: deploy and generate --check agree on exit 1', () => {
  it('refuses to deploy it with exit 1, before talking to the engine, as generate --check reports it', () => {
    const root = projectWith({
      'compose/stack.yaml': 'name: shop\nenvironments:\n  prod: { target: swarm, file: docker-compose.prod.yml }\nservices:\n  web:\n    image: nginx:1.27\n',
    });
    expect(planes(['generate'], root).status).toBe(0);
    writeFileSync(join(root, 'docker-compose.prod.yml'), 'services: {}\n');
    // No engine at this address: the drift is found first.
    const deploy = planes(['deploy', '--env', 'prod'], root, { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(deploy.stderr).toBe(
      'planes: docker-compose.prod.yml is out of date with the manifest; run planes generate (planes generate --check shows the difference)\n',
    );
    expect(deploy.status).toBe(1);
    expect(planes(['generate', '--check'], root).status).toBe(1);
  });
});
