import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBundleLoader } from '../../src/bin/load-bundle.js';
import { planes } from '../support/cli.js';
import { projectWith } from '../support/project.js';

// What scripts/build.mjs makes of the sources: `planes check` in its own bundle, the manifest
// support in another, each started from the code cache the build recorded.
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

const MANIFEST = `name: hello
environments:
  dev: { target: compose, file: docker-compose.yml }
services:
  web:
    image: nginx:1.27
`;

describe('the planes executable', () => {
  it('keeps the manifest schema out of the check bundle', () => {
    const check = readFileSync(join(dist, 'check.cjs'), 'utf8');
    expect(check).not.toContain('node_modules/zod/');
    expect(check).toContain('require("./check-manifest.cjs")');
    expect(readFileSync(join(dist, 'check-manifest.cjs'), 'utf8')).toContain('node_modules/zod/');
  });

  it('has check load the manifest support bundle in a planes project', () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST });
    expect(planes(['generate'], root).status).toBe(0);
    expect(planes(['check'], root).status).toBe(0);
    writeFileSync(join(root, 'docker-compose.yml'), readFileSync(join(root, 'docker-compose.yml'), 'utf8').replace('nginx:1.27', 'nginx:1.28'));
    const stale = planes(['check', '--format', 'json'], root);
    expect(stale.status).toBe(1);
    expect(JSON.parse(stale.stdout).findings).toContainEqual(expect.objectContaining({ rule: 'drift', file: 'docker-compose.yml' }));
  });

  it('reports a broken manifest met by check as bad input, across the two bundles', () => {
    const root = projectWith({ 'compose/stack.yaml': MANIFEST.replace('image: nginx:1.27', 'image: [nginx]'), 'compose.yaml': 'services: {}\n' });
    const result = planes(['check'], root);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^planes: .*compose\/stack\.yaml:6:\d+/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts from code caches V8 takes', () => {
    const loader = createBundleLoader(dist);
    const { main } = loader.load('check.cjs') as { main: unknown };
    loader.load('check-manifest.cjs');
    expect(typeof main).toBe('function');
    expect(loader.cachesAccepted).toBe(true);
  });
});
