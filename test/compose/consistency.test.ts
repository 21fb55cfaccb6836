/**
 * What Compose refuses once the files are merged (compose-go's consistency checks), each case
 * a compose file and the problem planes reports at its line, or none.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadComposeProject } from '../../src/compose/index.js';
import { dockerTools } from '../support/engine.js';
import { projectWith } from '../support/project.js';

const run = promisify(execFile);
const hasCompose = dockerTools('consistency cases against docker compose config', ['compose']);

function problemsOf(compose: string): string[] {
  const root = projectWith({ 'compose.yaml': compose });
  return loadComposeProject({ cwd: root, environment: {} }).problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`);
}

const CASES: [string, string, string[]][] = [
    ['a service with an image', 'services:\n  a: {image: x}\n', []],
    ['a service with a build only', 'services:\n  a: {build: {context: ., dockerfile_inline: "FROM scratch"}}\n', []],
    ['a service with neither image nor build', 'services:\n  a:\n    environment: {A: "1"}\n', ['2:3 service a has neither an image nor a build, which Compose refuses: give it an image: or a build:']],
    ['a service of a profile with neither image nor build', 'services:\n  a:\n    profiles: [debug]\n', []],
    [
      'a platform that build.platforms leaves out',
      'services:\n  a:\n    image: x\n    platform: linux/riscv64\n    build: {context: ., dockerfile_inline: "FROM scratch", platforms: [linux/amd64]}\n',
      ['4:15 the platform linux/riscv64 of service a is not among its build.platforms, which Compose refuses: add it there, or change the platform'],
    ],
    ['a platform that build.platforms lists', 'services:\n  a:\n    image: x\n    platform: linux/amd64\n    build: {context: ., dockerfile_inline: "FROM scratch", platforms: [linux/amd64]}\n', []],
    ['a volume with an empty source', 'services:\n  a:\n    image: x\n    volumes:\n      - ":/data"\n', ['5:9 this volume of service a has an empty part between its colons, which Compose refuses: write it as source:target[:mode]']],
    ['volumes Compose reads', 'services:\n  a:\n    image: x\n    volumes: [/data, "./a:/b", "data:/c:ro", "C:\\\\dir:/d"]\nvolumes:\n  data: {}\n', []],
    [
      'a service that depends on itself',
      'services:\n  a:\n    image: x\n    depends_on: [a]\n',
      ['4:17 services depend on each other in a cycle (a → a), which Compose refuses: remove one of these depends_on, links, network_mode or volumes_from'],
    ],
    [
      'services that depend on each other',
      'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: {a: {condition: service_started}}\n',
      ['4:17 services depend on each other in a cycle (a → b → a), which Compose refuses: remove one of these depends_on, links, network_mode or volumes_from'],
    ],
    [
      'a service that links to itself',
      'services:\n  a:\n    image: x\n    links: ["a:a.example"]\n',
      ['4:12 services depend on each other in a cycle (a → a), which Compose refuses: remove one of these depends_on, links, network_mode or volumes_from'],
    ],
    [
      'services that share each other\'s network and volumes',
      'services:\n  a:\n    image: x\n    network_mode: service:b\n  b:\n    image: x\n    volumes_from: ["a:ro"]\n',
      ['4:19 services depend on each other in a cycle (a → b → a), which Compose refuses: remove one of these depends_on, links, network_mode or volumes_from'],
    ],
    ['a chain of dependencies', 'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [c]}\n  c: {image: x}\n', []],
];

describe('consistency problems Compose refuses', () => {
  it.each(CASES)('%s', (_, compose, expected) => {
    expect(problemsOf(compose)).toEqual(expected);
  });

  it.skipIf(!hasCompose)(
    'docker compose config refuses exactly the cases planes reports',
    async () => {
      const refused: string[] = [];
      for (const [name, compose] of CASES) {
        const cwd = projectWith({ 'compose.yaml': compose });
        await run('docker', ['compose', 'config', '-q'], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } }).catch(() => refused.push(name));
      }
      expect(refused).toEqual(CASES.filter(([, , expected]) => expected.length > 0).map(([name]) => name));
    },
    120_000,
  );
});
