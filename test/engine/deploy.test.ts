import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertStackFileCurrent, stackDeployArgs } from '../../src/engine/deploy.js';

describe('deploy', () => {
  it('deploys without resolving images, pruning services the file no longer has', () => {
    expect(stackDeployArgs('docker-compose.prod.yml', 'shop', 'never')).toEqual(['stack', 'deploy', '-c', 'docker-compose.prod.yml', '--resolve-image', 'never', '--prune', 'shop']);
  });

  it('refuses a stack file that is missing or differs from what the manifest generates', () => {
    const root = mkdtempSync(join(tmpdir(), 'planes-deploy-'));
    expect(() => assertStackFileCurrent(root, 'prod.yml', 'a: 1\n')).toThrow(/prod\.yml does not exist; run planes generate/);
    writeFileSync(join(root, 'prod.yml'), 'a: 2\n');
    expect(() => assertStackFileCurrent(root, 'prod.yml', 'a: 1\n')).toThrow(/out of date/);
    writeFileSync(join(root, 'prod.yml'), 'a: 1\n');
    expect(() => assertStackFileCurrent(root, 'prod.yml', 'a: 1\n')).not.toThrow();
  });
});
