#!/usr/bin/env node
// Builds dist/: the `planes` executable and the bundles it loads, then records the V8 code
// cache of each bundle by running a few commands on a small throw-away project.
//
//   dist/planes.cjs           the executable: picks a bundle, loads it with its code cache
//   dist/check.cjs            `planes check` only (the lint step in CI, where start-up counts)
//   dist/check-manifest.cjs   what check adds in a planes project: manifest schema, generator
//   dist/commands.cjs         every command, and the help that lists them
//
// Why bundles: Node spends ~100 ms resolving and compiling the ~60 ES modules and their
// dependencies that a check needs, three times what `node -e ''` takes; one CommonJS file
// per command, compiled from a recorded code cache, starts in well under half that.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

const BUNDLE = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'cjs',
  logLevel: 'warning',
  // Native bindings (ssh2, cpu-features) cannot be bundled; the Docker client stays a dependency.
  external: ['dockerode'],
};

// check.cjs leaves the manifest support to a bundle of its own: zod and the generator are a
// megabyte that a project without a manifest should not even have V8 look at. The import of
// src/check/manifest.ts becomes a require of that bundle, which dist/planes.cjs resolves.
const MANIFEST_SUPPORT = './check-manifest.cjs';
const manifestSupportApart = {
  name: 'manifest-support-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/check\/manifest\.js$/ }, () => ({ path: MANIFEST_SUPPORT, namespace: 'bundle' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'bundle' }, ({ path }) => ({ contents: `module.exports = require(${JSON.stringify(path)});` }));
    esbuild.onResolve({ filter: /^\.\/check-manifest\.cjs$/ }, ({ path }) => ({ path, external: true }));
  },
};

// commander requires child_process when it loads, for subcommands that are executables of their
// own, which planes has none of. Under the executable's Node options Node compiles its built-in
// modules from source (its own code cache is for default options only), and child_process, with
// the net and dgram it pulls in, is ~10 ms of a small check's start: check.cjs takes it when
// spawn is called. Loud when a new commander writes the line otherwise.
const COMMANDER_REQUIRE = "const childProcess = require('node:child_process');";
const commanderSpawnsLazily = {
  name: 'commander-spawns-lazily',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(COMMANDER_REQUIRE)) throw new Error(`build: ${path} no longer has ${COMMANDER_REQUIRE}`);
      return { contents: source.replace(COMMANDER_REQUIRE, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: 'js' };
    });
  },
};

// A small planes project: a manifest, a build context, a secret and a config setting.
const TRAINING_MANIFEST = `name: training
environments:
  dev: { target: compose, file: docker-compose.yml }
  prod: { target: swarm, file: docker-compose.prod.yml }
config:
  LOG_LEVEL: info
secrets:
  db_password:
    generate: { length: 32 }
services:
  app:
    image: training/app:latest
    build: { context: ./compose/app }
    config: [LOG_LEVEL]
    secrets:
      db_password: { env: DB_PASSWORD_FILE }
`;

rmSync(dist, { recursive: true, force: true });
await Promise.all([
  build({ ...BUNDLE, entryPoints: ['src/bin/planes.ts'], outfile: 'dist/planes.cjs' }),
  build({ ...BUNDLE, entryPoints: ['src/bin/check.ts'], outfile: 'dist/check.cjs', plugins: [manifestSupportApart, commanderSpawnsLazily] }),
  build({ ...BUNDLE, entryPoints: ['src/check/manifest.ts'], outfile: 'dist/check-manifest.cjs' }),
  build({ ...BUNDLE, entryPoints: ['src/bin/commands.ts'], outfile: 'dist/commands.cjs' }),
]);
await recordCodeCaches();

/**
 * Runs the commands whose start-up matters, so that their caches hold what they compile: with
 * the Node options of the executable's shebang, since V8 refuses a cache recorded under others.
 */
async function recordCodeCaches() {
  const nodeOptions = shebangNodeOptions(join(dist, 'planes.cjs'));
  const project = mkdtempSync(join(tmpdir(), 'planes-build-'));
  try {
    writeProject(project, {
      'compose/stack.yaml': TRAINING_MANIFEST,
      'compose/app/Dockerfile': 'FROM python:3.12-slim\nARG APP_VERSION=1\nCMD ["python", "-m", "app"]\n',
    });
    const realistic = join(project, 'realistic');
    writeProject(realistic, Object.fromEntries((await realisticProject()).files.map((file) => [file.path, file.content])));
    // generate, setup and plan record commands.cjs; the check, clean by then, records
    // check.cjs and check-manifest.cjs; the check of the realistic project, which finds its
    // planted leaks (exit 1), adds to check.cjs what checking a real project compiles.
    for (const [args, cwd, exitCode] of [[['generate'], project, 0], [['setup'], project, 0], [['plan'], project, 0], [['check'], project, 0], [['check', '-f', 'compose.yaml'], realistic, 1]]) {
      const run = spawnSync(process.execPath, [...nodeOptions, join(dist, 'planes.cjs'), ...args], {
        cwd,
        env: { ...process.env, PLANES_RECORD_CODE_CACHE: '1', NO_COLOR: '1' },
        encoding: 'utf8',
      });
      if (run.status !== exitCode) {
        process.stderr.write(`build: planes ${args.join(' ')} exited ${run.status ?? run.signal} while recording code caches\n${run.stderr}`);
        process.exit(1);
      }
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** The options `#!/usr/bin/env -S node <options> --` gives Node, the closing `--` included. */
function shebangNodeOptions(file) {
  const [interpreter, ...options] = readFileSync(file, 'utf8').split('\n', 1)[0].replace(/^#!\/usr\/bin\/env -S /, '').split(' ');
  if (interpreter !== 'node' || options.at(-1) !== '--') throw new Error(`build: unexpected first line of ${file}`);
  return options;
}

/**
 * A compose project of a dozen services as the benchmarks generate them (bench/compose-gen.ts):
 * anchors and merges, `.env` interpolation, env files, a Dockerfile per service, labels,
 * healthchecks and a few planted leaks.
 */
async function realisticProject() {
  const bundled = await build({ ...BUNDLE, entryPoints: ['bench/compose-gen.ts'], format: 'esm', write: false });
  const { renderComposeProject } = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);
  return renderComposeProject({ services: 12, seed: 7 });
}

function writeProject(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
