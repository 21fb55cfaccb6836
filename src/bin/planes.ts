#!/usr/bin/env -S node --max-semi-space-size=2 --
// The `--` keeps Node from reading planes' arguments: Node 20 takes `--env-file FILE` as its own
// option even after the script's name (nodejs/node#54232), so `planes check --env-file x` would
// load x into this process's environment, NODE_OPTIONS included, before planes runs at all.
// A young generation of 2 MB: the model of a large project outlives every collection, and
// copying it within a 16 MB young generation (V8's default) costs more than promoting it early.
// V8 takes a code cache only under the options it was recorded with: scripts/build.mjs records
// the caches with these, read from this line.
import { failureReport } from '../errors.js';
import { createBundleLoader } from './load-bundle.js';

/**
 * The `planes` executable (dist/planes.cjs). `planes check` runs in every CI pipeline, so it
 * has a bundle of its own with only the checker in it; every other command, and the help that
 * lists them all, share dist/commands.cjs.
 *
 * runCli turns whatever a command throws into a message and exit code 2; what fails around it
 * (loading a bundle, a promise no command awaited, a stream error) ends the same way here.
 */
function fail(error: unknown): void {
  process.stderr.write(failureReport(error));
  process.exit(2);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
for (const stream of [process.stdout, process.stderr]) {
  // The reader went away (`planes check | head`): what is left unread is not a failure of planes.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    if (stream === process.stderr) process.exit(2);
    fail(error);
  });
}

try {
  const bundle = process.argv[2] === 'check' ? 'check.cjs' : 'commands.cjs';
  const loader = createBundleLoader(__dirname);
  // scripts/build.mjs runs a few commands with this set to record what they compiled.
  if (process.env.PLANES_RECORD_CODE_CACHE === '1') process.on('exit', () => loader.recordCodeCaches());
  const { main } = loader.load(bundle) as { main: (argv: string[]) => Promise<number> };
  main(process.argv).then((code) => {
    process.exitCode = code;
  }, fail);
} catch (error) {
  fail(error);
}
