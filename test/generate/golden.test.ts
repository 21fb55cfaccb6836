import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { parseManifest } from '../../src/manifest/load.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function generateFixture(name: string) {
  const text = readFileSync(join(FIXTURES, name, 'stack.yaml'), 'utf8');
  // The golden root holds the config files the manifest names (their digests are in the output) and no .gitignore: generation starts one.
  return generate(parseManifest(text, 'compose/stack.yaml'), join(FIXTURES, name, 'root'));
}

describe.each(readdirSync(FIXTURES))('generation of %s', (name) => {
  const generation = generateFixture(name);

  it.each(generation.files.map((f) => f.path))('writes %s as in the golden file', (path) => {
    const golden = join(FIXTURES, name, 'expected', path);
    const content = generation.files.find((f) => f.path === path)!.content;
    if (UPDATE) {
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, content);
    }
    expect(existsSync(golden), `missing golden file ${golden} (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    expect(content).toBe(readFileSync(golden, 'utf8'));
  });

  it('is deterministic: the same manifest gives the same bytes', () => {
    expect(generateFixture(name)).toEqual(generation);
  });
});

describe('notes for Swarm', () => {
  it('says what was left out or converted for a stack file', () => {
    const { notes } = generateFixture('swarm-conversions');
    expect(notes).toEqual(
      expect.arrayContaining([
        'app: container_name left out of the stack file (docker stack deploy ignores it: Swarm names each task container itself (<stack>_<service>.<slot>.<task id>))',
        'app: restart: on-failure:3 written as deploy.restart_policy',
        'app: cpus written as deploy.resources.limits',
        'app: pull_policy left out of the stack file (docker stack deploy resolves and pulls images itself (--resolve-image))',
        'app: uid/gid and a group- or world-readable mode of db_password apply in Swarm only (Compose bind-mounts secret files as they are on the host)',
      ]),
    );
  });
});
