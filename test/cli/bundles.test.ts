import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WRAPPER_HEAD, WRAPPER_TAIL } from '../../src/bin/load-bundle.js';
import { planes, shebangNodeOptions } from '../support/cli.js';
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

  // V8 takes a cache only under the options it was recorded with: the build records them under the shebang's.
  it('starts from code caches V8 takes under the Node options of its shebang, and only under those', () => {
    const bundles = ['check.cjs', 'check-manifest.cjs', 'commands.cjs'].map((name) => join(dist, name));
    const taken = (options: string[]): boolean[] => {
      const probe = `const { Script } = require('node:vm'); const { readFileSync } = require('node:fs');
        const [head, tail, ...files] = JSON.parse(process.env.PROBE);
        console.log(JSON.stringify(files.map((file) => !new Script(head + readFileSync(file, 'utf8') + tail, { filename: file, cachedData: readFileSync(file + '.v8cache') }).cachedDataRejected)));`;
      const run = spawnSync(process.execPath, [...options, '-e', probe], { env: { ...process.env, PROBE: JSON.stringify([WRAPPER_HEAD, WRAPPER_TAIL, ...bundles]) }, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as boolean[];
    };
    expect(shebangNodeOptions()).toEqual(['--max-semi-space-size=2']);
    expect(taken(shebangNodeOptions())).toEqual([true, true, true]);
    expect(taken([])).toEqual([false, false, false]);
  });

  // Under those options Node compiles its own modules from source: child_process (with net and dgram) only when git runs.
  it('checks a project without secret files without loading child_process, and loads it when git must be asked', () => {
    const loadedModules = (files: Record<string, string>, inGit = false): string[] => {
      const root = projectWith({ ...files, 'modules.cjs': "process.on('exit', () => require('node:fs').writeFileSync(__dirname + '/loaded.json', JSON.stringify(process.moduleLoadList)));\n" });
      if (inGit) expect(spawnSync('git', ['init', '-q'], { cwd: root }).status).toBe(0);
      const result = planes(['check', '-f', 'compose.yaml'], root, { NODE_OPTIONS: `--require=${join(root, 'modules.cjs')}` });
      expect(result.status, result.stderr).toBeLessThan(2);
      return JSON.parse(readFileSync(join(root, 'loaded.json'), 'utf8')) as string[];
    };
    const plain = loadedModules({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n' });
    expect(plain).toContain('NativeModule fs');
    expect(plain).not.toContain('NativeModule child_process');
    const withSecretFile = loadedModules({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    secrets: [token]\nsecrets:\n  token:\n    file: ./token.txt\n', 'token.txt': 'x' }, true);
    expect(withSecretFile).toContain('NativeModule child_process');
  });
});
